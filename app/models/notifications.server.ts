// Notifications: one person told about one thing (a task assigned, a mention, a lead shared, a review asked for or
// decided...). Features call notify() inside their write transaction: ONE INSERT ... SELECT writes a row for every
// intended recipient who may see the item (memberMaySeeSql, the SQL twin of canSee), and after the commit one emit
// to their user rooms tells their open pages. Reading filters again with canSee, since access changes.
// Decision 021 says why overdue tasks and lead shares are noticed on read: a share's rows come from the room log.
import { Prisma, type ItemType, type Role } from "@prisma/client";
import { canSee, loadActors, memberMaySeeSql, workingTaskforceIds, type Actor, type NotifiableResource } from "~/auth/permissions.server";
import { getDatabase, prisma, statementsOf } from "~/db.server";
import { recordAudit } from "~/models/audit.server";
import { currentResources, type StoredRoomEvent } from "~/models/rooms.server";
import { singleton } from "~/utils/singleton.server";
import { formatDateTime } from "~/utils/form-values";
import { excerpt, leadSharedText } from "~/utils/notice-text";
import type { NotificationNotice } from "~/realtime/protocol";
import type { ListNotificationsQuery, MarkNotificationsReadInput } from "~/validation/notification";
import type { ChangeContext } from "./changes.server";

export const NOTIFICATION_KINDS = [
  "task.assigned",
  "task.overdue",
  "mention",
  "lead.shared",
  "review.requested",
  "review.decided",
  "tip.received",
  "correlation",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = {
  "task.assigned": "Task assigned",
  "task.overdue": "Task overdue",
  mention: "Mention",
  "lead.shared": "Lead shared",
  "review.requested": "Review requested",
  "review.decided": "Review decided",
  "tip.received": "Public tip",
  correlation: "Possible match",
};

/**
 * Who is meant: named people, or the members of the item's taskforce (optionally only some roles). Either way
 * only those who may see the item get a row, and never the person who made the change.
 */
export type NotificationRecipients = { userIds: readonly (string | null | undefined)[] } | { members: true; roles?: readonly Role[] };

export interface NotificationInput {
  kind: NotificationKind;
  /** The item as a permission resource, as it stands after the change: every recipient must be able to see it. */
  about: NotifiableResource;
  /** The item to open (a comment's mention opens the item it is on). */
  itemType: ItemType;
  itemId: string;
  /** One short line; titles in it are cut with excerpt(). */
  text: string;
}

const TEXT_LIMIT = 300;

/**
 * The room event that tells the same news as a notice: sockets that heard it live (they are in its audiences) are
 * not sent the notice too, and their pages count it from the event (NotificationBadge). A share to a room of 1,000
 * would otherwise push 2,000 messages, and a member's page parse two for one piece of news (issue 9's fan-out).
 */
export type HeardWith = Pick<StoredRoomEvent, "taskforceId" | "visibility">;

/**
 * Writes the notifications inside the change's transaction (one statement, however many recipients) and tells
 * their open pages after the commit (one emit to all their user rooms). Returns how many were written.
 */
export async function notify(
  ctx: Pick<ChangeContext, "tx" | "afterCommit"> & { actor: Pick<Actor, "id"> | null },
  recipients: NotificationRecipients,
  input: NotificationInput,
): Promise<number> {
  const statement = insertStatement(ctx.actor?.id ?? null, recipients, input);
  if (!statement) return 0;
  const [written] = await ctx.tx.$queryRaw<Written[]>(statement);
  if (written.recipientIds.length > 0) ctx.afterCommit(() => announceWritten(written, input));
  return written.recipientIds.length;
}

/**
 * Tells the open pages of a lead share's notice, after the share was announced, and writes nothing: each member's
 * row is written from the room log when they next read their notifications (noticeSharedLeads). Writing a room of
 * 1,000 members' rows right after each broadcast set the fan-out's tail (issue 9; decision 021). Told: the members
 * who may see the lead, except the sharer and the pages that heard the share in the room. One read, no write.
 */
export function announceLeadShare(actorId: string, input: NotificationInput, shared: StoredRoomEvent): void {
  const intended = recipientsFrom(actorId, { members: true }, input);
  if (!intended) return;
  void statementsOf(getDatabase().sql)<{ recipientIds: string[] }>(Prisma.sql`SELECT COALESCE(array_agg(u."id"), '{}') AS "recipientIds" FROM ${intended}`)
    .then(([row]) => announceWritten({ recipientIds: row.recipientIds, createdAt: new Date(shared.createdAt) }, input, shared))
    .catch((error: unknown) => console.error("[notifications] telling the pages of a share failed", error));
}

/** Who was written a notice, in one row (a room's 1,000 come back as one array, not 1,000 rows). */
type Written = { recipientIds: string[]; createdAt: Date | null };

function announceWritten(written: Written, input: NotificationInput, heardWith?: HeardWith): void {
  if (written.recipientIds.length === 0 || !written.createdAt) return;
  const notice: NotificationNotice = { kind: input.kind, itemType: input.itemType, itemId: input.itemId, text: excerpt(input.text, TEXT_LIMIT), href: hrefOf(input.itemType, input.itemId), createdAt: written.createdAt.toISOString() };
  announceNotifications({ recipientIds: written.recipientIds, notice, heardWith });
}

/** The one INSERT ... SELECT of a notification: every intended member who may see the item, never the actor. */
function insertStatement(actorId: string | null, recipients: NotificationRecipients, input: NotificationInput): Prisma.Sql | null {
  const intended = recipientsFrom(actorId, recipients, input);
  if (!intended) return null;
  return Prisma.sql`
    WITH "written" AS (
      INSERT INTO "Notification" ("recipientId", "kind", "itemType", "itemId", "taskforceId", "actorId", "text")
      SELECT u."id", ${input.kind}, ${input.itemType}, ${input.itemId}, ${input.about.taskforceId}, ${actorId}, ${excerpt(input.text, TEXT_LIMIT)}
      FROM ${intended}
      RETURNING "recipientId", "createdAt")
    SELECT COALESCE(array_agg("recipientId"), '{}') AS "recipientIds", min("createdAt") AT TIME ZONE 'UTC' AS "createdAt" FROM "written"`;
}

/** The intended members who may see the item, never the actor, as users `u` (FROM ... WHERE); null: nobody. */
function recipientsFrom(actorId: string | null, recipients: NotificationRecipients, input: NotificationInput): Prisma.Sql | null {
  const { about } = input;
  let who: Prisma.Sql;
  if ("userIds" in recipients) {
    const ids = [...new Set(recipients.userIds.filter((id): id is string => Boolean(id) && id !== actorId))];
    if (ids.length === 0) return null;
    who = Prisma.sql`u."id" IN (${Prisma.join(ids)})`;
  } else {
    who = recipients.roles?.length ? Prisma.sql`u."role"::text IN (${Prisma.join([...recipients.roles])})` : Prisma.sql`TRUE`;
  }
  return Prisma.sql`"TaskforceMember" m JOIN "User" u ON u."id" = m."userId"
    WHERE m."taskforceId" = ${about.taskforceId} AND u."id" IS DISTINCT FROM ${actorId} AND ${who} AND ${memberMaySeeSql(about)}`;
}

/** One person told about one clue of theirs, as decided by the feature that calls notifyEach. */
export interface ClueNotice {
  recipientId: string;
  clueId: string;
  text: string;
}

/**
 * Notices already cut per person (correlation and de-confliction news, app/models/correlation-notices.server.ts),
 * written after the change that caused them committed: each is kept only if its recipient may see the clue now
 * (checked here, and again when read), then told live like any other. One INSERT for all of them.
 */
function taskforceOf(resource: { type: string } | null | undefined): string | null {
  return resource && "taskforceId" in resource && typeof resource.taskforceId === "string" ? resource.taskforceId : null;
}

export async function notifyEach(kind: NotificationKind, notices: readonly ClueNotice[]): Promise<void> {
  if (notices.length === 0) return;
  const [actors, resources] = await Promise.all([
    loadActors([...new Set(notices.map((notice) => notice.recipientId))]),
    currentResources(notices.map((notice) => ({ itemType: "CLUE" as const, itemId: notice.clueId }))),
  ]);
  const allowed = notices.filter((notice) => {
    const actor = actors.get(notice.recipientId);
    const resource = resources.get(`CLUE:${notice.clueId}`);
    return actor && resource && canSee(actor, resource);
  });
  if (allowed.length === 0) return;
  const rows = await prisma.notification.createManyAndReturn({
    data: allowed.map((notice) => ({ recipientId: notice.recipientId, kind, itemType: "CLUE", itemId: notice.clueId, taskforceId: taskforceOf(resources.get(`CLUE:${notice.clueId}`)), text: excerpt(notice.text, TEXT_LIMIT) })),
    select: { recipientId: true, createdAt: true, itemId: true, text: true },
  });
  for (const row of rows) {
    announceNotifications({ recipientIds: [row.recipientId], notice: { kind, itemType: "CLUE", itemId: row.itemId, text: row.text, href: hrefOf("CLUE", row.itemId), createdAt: row.createdAt.toISOString() } });
  }
}

// ---- live delivery: the realtime layer registers here (server/socket/index.ts), as for room events ----------------

export interface NotificationBatch {
  recipientIds: string[];
  notice: NotificationNotice;
  /** The room event that already told the sockets in its audiences. */
  heardWith?: HeardWith;
}
type NotificationAnnouncer = (batch: NotificationBatch) => void;
const announcers = singleton("notificationAnnouncers", () => new Set<NotificationAnnouncer>());

export function onNotifications(announcer: NotificationAnnouncer): () => void {
  announcers.add(announcer);
  return () => announcers.delete(announcer);
}

function announceNotifications(batch: NotificationBatch): void {
  for (const announcer of announcers) announcer(batch);
}

// ---- reading ------------------------------------------------------------------------------------------------------

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  itemType: string | null;
  itemId: string | null;
  text: string;
  href: string | null;
  createdAt: Date;
  readAt: Date | null;
}

const ITEM_PAGES: Partial<Record<string, string>> = { CLUE: "clues", LEAD: "leads", TASK: "tasks", CASE: "cases" };

function hrefOf(itemType: string | null, itemId: string | null): string | null {
  const collection = itemType ? ITEM_PAGES[itemType] : undefined;
  return collection && itemId ? `/${collection}/${itemId}` : null;
}

const CHECKED_ITEM_TYPES: ReadonlySet<string> = new Set<ItemType>(["CASE", "CLUE", "LEAD", "TASK", "COMMENT"]);

type Row = { id: bigint; kind: string; itemType: string | null; itemId: string | null; text: string; createdAt: Date; readAt: Date | null };

/**
 * The rows the actor may see now: the item must still be visible to them (its code may have been raised, they
 * may have left the taskforce). An item type with no check here is never shown (deny by default): a feature that
 * notifies about a new kind of item adds its check.
 */
async function visibleRows<R extends Pick<Row, "itemType" | "itemId">>(actor: Actor, rows: R[]): Promise<R[]> {
  const checked = rows.filter((row) => row.itemType && row.itemId && CHECKED_ITEM_TYPES.has(row.itemType));
  const resources = await currentResources(checked.map((row) => ({ itemType: row.itemType as ItemType, itemId: row.itemId })));
  return checked.filter((row) => {
    const resource = resources.get(`${row.itemType}:${row.itemId}`);
    return Boolean(resource) && canSee(actor, resource!);
  });
}

function toView(row: Row): NotificationView {
  return {
    id: row.id.toString(),
    kind: row.kind as NotificationKind,
    itemType: row.itemType,
    itemId: row.itemId,
    text: row.text,
    href: hrefOf(row.itemType, row.itemId),
    createdAt: row.createdAt,
    readAt: row.readAt,
  };
}

const LIST_LIMIT = 100;
/** By the time of the news: a share's notice is written when read, with the share's time. */
const NEWEST_FIRST = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/** The notices written when their reader asks (decision 021): overdue tasks, and lead shares from the room log. */
async function noticeOnRead(actor: Actor): Promise<void> {
  await Promise.all([noticeOverdueTasks(actor), noticeSharedLeads(actor)]);
}

/** Shares noticed per taskforce and per read, at most; the rest are noticed at the next read. */
const SHARES_NOTICED_PER_READ = 500;

/**
 * A lead share is noticed on read, from the room log: each of the reader's taskforces whose log has moved past
 * what they were told of (TaskforceMember."sharesNoticedUpTo", set to the log's head when they were added) gets a
 * row per share of a lead they may see now, made by someone else, with the share's time and words. Idempotent
 * (dedupeKey: event and reader), so two pages reading at once write each row once. Nothing is written at share
 * time: a room of 1,000 members' rows, written after each broadcast, set the fan-out's tail (issue 9).
 */
async function noticeSharedLeads(actor: Actor): Promise<void> {
  const behind = await prisma.$queryRaw<{ taskforceId: string; from: number; head: number }[]>`
    SELECT m."taskforceId", m."sharesNoticedUpTo" AS "from", t."lastEventSeq" AS "head"
    FROM "TaskforceMember" m JOIN "Taskforce" t ON t."id" = m."taskforceId"
    WHERE m."userId" = ${actor.id} AND m."taskforceId" IN (${Prisma.join(workingTaskforceIds(actor))}) AND m."sharesNoticedUpTo" < t."lastEventSeq"`;
  for (const { taskforceId, from, head } of behind) {
    // Every event up to the head read above has committed: the room log's seq is handed out under the taskforce's
    // row lock, held until the event commits.
    const shares = await prisma.$queryRaw<SharedRow[]>`
      SELECT e."id"::text AS "eventId", e."seq", e."itemId", e."actorId", e."payload", e."createdAt" AT TIME ZONE 'UTC' AS "createdAt"
      FROM "RoomEvent" e
      WHERE e."taskforceId" = ${taskforceId} AND e."seq" > ${from} AND e."seq" <= ${head} AND e."type" = 'lead.shared'
      ORDER BY e."seq" LIMIT ${SHARES_NOTICED_PER_READ}`;
    const upTo = shares.length === SHARES_NOTICED_PER_READ ? shares[shares.length - 1].seq : head;
    const others = shares.filter((share) => share.actorId !== actor.id && share.itemId);
    const visible = await visibleRows(actor, others.map((share) => ({ ...share, itemType: "LEAD" })));
    await writeOwnNotices(
      actor,
      "lead.shared",
      visible.map((share) => ({
        itemType: "LEAD",
        itemId: share.itemId,
        taskforceId,
        actorId: share.actorId,
        text: leadSharedText(share.payload.sharedBy?.displayName ?? "Someone", share.payload.lead?.title ?? "a lead"),
        dedupeKey: `lead.shared:${share.eventId}:${actor.id}`,
        createdAt: share.createdAt,
      })),
    );
    await prisma.$executeRaw`UPDATE "TaskforceMember" SET "sharesNoticedUpTo" = GREATEST("sharesNoticedUpTo", ${upTo}) WHERE "taskforceId" = ${taskforceId} AND "userId" = ${actor.id}`;
  }
}

/** A lead.shared room event as noticing reads it. */
interface SharedRow {
  eventId: string;
  seq: number;
  itemId: string | null;
  actorId: string | null;
  payload: { sharedBy?: { displayName?: string }; lead?: { title?: string } };
  createdAt: Date;
}

/** The actor's notifications, newest first (at most 100), only about items they may still see. */
export async function listNotifications(actor: Actor, query: Partial<ListNotificationsQuery> = {}): Promise<NotificationView[]> {
  if (workingTaskforceIds(actor).length === 0) return [];
  await noticeOnRead(actor);
  const rows = await prisma.notification.findMany({
    where: { recipientId: actor.id, taskforceId: { in: workingTaskforceIds(actor) }, ...(query.unread ? { readAt: null } : {}) },
    orderBy: NEWEST_FIRST,
    take: LIST_LIMIT * 2,
  });
  const visible = (await visibleRows(actor, rows)).slice(0, LIST_LIMIT).map(toView);
  await recordAudit({ actor, action: "notification.list", details: { count: visible.length, unread: Boolean(query.unread) }, origin: actor.origin });
  return visible;
}

/** The badge: how many unread notifications the actor may see (counted up to 100; the badge says "99+" beyond). */
export async function unreadCount(actor: Actor): Promise<number> {
  if (workingTaskforceIds(actor).length === 0) return 0;
  await noticeOnRead(actor);
  return countUnread(actor);
}

/** The badge's count of what has been written for the actor (noticeOnRead has run). */
async function countUnread(actor: Actor): Promise<number> {
  const rows = await prisma.notification.findMany({
    where: { recipientId: actor.id, readAt: null, taskforceId: { in: workingTaskforceIds(actor) } },
    select: { itemType: true, itemId: true },
    orderBy: NEWEST_FIRST,
    take: LIST_LIMIT,
  });
  return (await visibleRows(actor, rows)).length;
}

/** Marks the actor's own notifications read (the named ones, or all); returns how many changed and how many stay unread. */
export async function markNotificationsRead(actor: Actor, input: MarkNotificationsReadInput): Promise<{ marked: number; unread: number }> {
  const working = workingTaskforceIds(actor).length > 0;
  // "All" means all the reader has been told of, the shares written on read included; the count after is of them.
  if (working) await noticeOnRead(actor);
  const ids = input.all ? undefined : (input.ids ?? []).map((id) => BigInt(id));
  const { count } = await prisma.notification.updateMany({
    where: { recipientId: actor.id, readAt: null, ...(ids ? { id: { in: ids } } : {}) },
    data: { readAt: new Date() },
  });
  await recordAudit({ actor, action: "notification.read", details: { marked: count, all: Boolean(input.all) }, origin: actor.origin });
  return { marked: count, unread: working ? await countUnread(actor) : 0 };
}

/**
 * Task overdue is noticed on read, not on a timer: when the assignee's page or inbox asks, each of their overdue
 * tasks without a notice for its current due date gets one (dedupeKey: one per task, assignee and due date). No
 * background job, nothing to schedule across nodes, and a due date moved later and missed again is noticed again.
 */
async function noticeOverdueTasks(actor: Actor): Promise<void> {
  if (actor.role === "LIAISON") return;
  const rows = await prisma.$queryRaw<{ id: string; taskforceId: string; title: string; dueDate: Date }[]>`
    SELECT t."id", t."taskforceId", t."title", t."dueDate" FROM "Task" t
    WHERE t."assigneeId" = ${actor.id} AND t."status"::text <> 'DONE' AND t."dueDate" < now()
      AND t."taskforceId" IN (${Prisma.join(workingTaskforceIds(actor))})
      AND NOT EXISTS (SELECT 1 FROM "Notification" n WHERE n."dedupeKey" = 'task.overdue:' || t."id" || ':' || ${actor.id} || ':' || (extract(epoch FROM t."dueDate") * 1000)::bigint::text)
    LIMIT 50`;
  if (rows.length === 0) return;
  const visible = await visibleRows(actor, rows.map((row) => ({ ...row, itemType: "TASK", itemId: row.id })));
  await writeOwnNotices(
    actor,
    "task.overdue",
    visible.map((task) => ({
      itemType: "TASK",
      itemId: task.id,
      taskforceId: task.taskforceId,
      text: `Overdue: "${excerpt(task.title)}" was due ${formatDateTime(task.dueDate)}`,
      dedupeKey: `task.overdue:${task.id}:${actor.id}:${task.dueDate.getTime()}`,
    })),
  );
}

/** A notice the reader's own read writes for them (overdue tasks, lead shares), at most once per dedupe key. */
interface OwnNotice {
  itemType: ItemType;
  itemId: string | null;
  taskforceId: string;
  actorId?: string | null;
  text: string;
  dedupeKey: string;
  /** The time of the news, when it is not now (a share's time). */
  createdAt?: Date;
}

async function writeOwnNotices(actor: Actor, kind: NotificationKind, notices: OwnNotice[]): Promise<void> {
  if (notices.length === 0) return;
  await prisma.notification.createMany({
    data: notices.map((notice) => ({ recipientId: actor.id, kind, ...notice, text: excerpt(notice.text, TEXT_LIMIT) })),
    skipDuplicates: true,
  });
}
