// The room event log: every change a taskforce room should hear about is a RoomEvent row written in the same
// transaction as the change (write, then announce). `seq` is per taskforce and gap-free: it is taken under a
// row lock on the taskforce, so events commit in seq order and "everything after N" never skips a late commit.
import { Prisma, type ItemType, type RoomEvent } from "@prisma/client";
import { announceAccessChange } from "~/auth/access-changes.server";
import { canReceiveEvent, canSee, ITEM_VISIBILITY_SELECT, itemVisibility, requirePermission, type Actor, type Resource } from "~/auth/permissions.server";
import { prisma, statementsOf, type SqlRunner, type Tx } from "~/db.server";
import { recordRead } from "~/models/audit.server";
import { singleton } from "~/utils/singleton.server";
import { ROOM_EVENT_TYPES, type RoomEventType } from "~/realtime/event-types";
import type { AccessRevocation, EventVisibility, StoredRoomEvent } from "~/realtime/protocol";

export { ROOM_EVENT_TYPES, type RoomEventType };
export type { AccessRevocation, EventVisibility, StoredRoomEvent };

export interface NewRoomEvent {
  taskforceId: string;
  type: RoomEventType;
  itemType?: ItemType;
  itemId?: string;
  actorId?: string;
  /** The actor's idempotency key for the create that wrote this event (unique per actor): app/models/changes.server.ts. */
  clientEventId?: string;
  visibility: EventVisibility;
  payload: Record<string, unknown>;
}

export async function appendRoomEvent(tx: Tx | SqlRunner, event: NewRoomEvent): Promise<StoredRoomEvent> {
  // One statement, one round trip inside every write's transaction: the taskforce's row lock and next seq, and
  // the event at that seq (the announcement of a shared lead waits for this transaction: issue 9's fan-out).
  const [row] = await statementsOf(tx)<StoredEventRow>(roomEventStatement(event));
  if (!row) throw new Error(`No taskforce ${event.taskforceId} to append a room event to.`);
  return toStoredEvent(row);
}

/**
 * The statement that appends a room event: the taskforce row's next seq (under its row lock) and the event at it,
 * returning the stored row. `before` are CTEs that run in the same statement; `when`, a condition without which
 * nothing is appended (a guarded create: app/models/changes.server.ts).
 */
export function roomEventStatement(event: NewRoomEvent, options: { before?: Prisma.Sql; when?: Prisma.Sql } = {}): Prisma.Sql {
  return appendEventStatement(
    {
      ...event,
      taskforceId: Prisma.sql`${event.taskforceId}`,
      itemId: Prisma.sql`${event.itemId ?? null}`,
      visibility: Prisma.sql`${JSON.stringify(event.visibility)}::jsonb`,
      payload: Prisma.sql`${JSON.stringify(event.payload)}::jsonb`,
    },
    options,
  );
}

/** A room event whose taskforce, item, visibility and payload are SQL expressions (over appendEventStatement's `from`). */
export type RoomEventExpressions = Omit<NewRoomEvent, "taskforceId" | "itemId" | "visibility" | "payload"> & {
  taskforceId: Prisma.Sql;
  itemId: Prisma.Sql;
  visibility: Prisma.Sql;
  payload: Prisma.Sql;
};

/**
 * roomEventStatement for values the statement computes: `from` adds a row source the values read (ending without
 * a comma, e.g. `"source" s`), and `alsoReturn` columns of it to return beside the stored event.
 */
export function appendEventStatement(
  event: RoomEventExpressions,
  options: { before?: Prisma.Sql; when?: Prisma.Sql; from?: Prisma.Sql; alsoReturn?: Prisma.Sql } = {},
): Prisma.Sql {
  const { before, when, from, alsoReturn } = options;
  const insert = Prisma.sql`
    INSERT INTO "RoomEvent" ("taskforceId", "seq", "type", "itemType", "itemId", "actorId", "clientEventId", "visibility", "payload")
    SELECT "next"."id", "next"."lastEventSeq", ${event.type}, ${event.itemType ?? null}::"ItemType", ${event.itemId},
      ${event.actorId ?? null}, ${event.clientEventId ?? null}, ${event.visibility}, ${event.payload}
    FROM "next"${from ? Prisma.sql`, ${from}` : Prisma.empty}
    RETURNING "id", "taskforceId", "seq", "type", "itemType"::text AS "itemType", "itemId", "actorId", "visibility", "payload",
      "createdAt" AT TIME ZONE 'UTC' AS "createdAt"`;
  return Prisma.sql`
    WITH ${before ? Prisma.sql`${before},` : Prisma.empty}
    "next" AS (UPDATE "Taskforce" SET "lastEventSeq" = "lastEventSeq" + 1 WHERE "id" = ${event.taskforceId} ${when ? Prisma.sql`AND ${when}` : Prisma.empty} RETURNING "id", "lastEventSeq")
    ${alsoReturn && from ? Prisma.sql`, "stored" AS (${insert}) SELECT "stored".*, ${alsoReturn} FROM "stored", ${from}` : insert}`;
}

/** A stored event as read: through the ORM, or as plain rows (where the bigint id arrives as text). */
export type StoredEventRow = Pick<RoomEvent, "taskforceId" | "seq" | "type" | "itemType" | "itemId" | "actorId" | "visibility" | "payload" | "createdAt"> & {
  id: bigint | string;
};

export function toStoredEvent(row: StoredEventRow): StoredRoomEvent {
  return {
    id: row.id.toString(),
    taskforceId: row.taskforceId,
    seq: row.seq,
    type: row.type as RoomEventType,
    itemType: row.itemType,
    itemId: row.itemId,
    actorId: row.actorId,
    payload: row.payload as Record<string, unknown>,
    createdAt: row.createdAt.toISOString(),
    visibility: row.visibility as unknown as EventVisibility,
  };
}

/** Called after commit with the stored events; the realtime layer registers itself here. */
type Announcer = (events: StoredRoomEvent[]) => void;
const announcers = singleton("roomAnnouncers", () => new Set<Announcer>());

export function onRoomEvents(announcer: Announcer): () => void {
  announcers.add(announcer);
  return () => announcers.delete(announcer);
}

/** Announce only after the transaction that wrote the events has committed. */
export function announceRoomEvents(events: StoredRoomEvent[]): void {
  if (events.length === 0) return;
  for (const announcer of announcers) announcer(events);
}


type Revoker = (revocation: AccessRevocation) => void;
const revokers = singleton("roomRevokers", () => new Set<Revoker>());

export function onAccessRevoked(revoker: Revoker): () => void {
  revokers.add(revoker);
  return () => revokers.delete(revoker);
}

/** Call after the change that removed access has committed. */
export function revokeRealtimeAccess(revocation: AccessRevocation): void {
  announceAccessChange({ userId: revocation.userId, tokenHash: revocation.tokenHash });
  for (const revoker of revokers) revoker(revocation);
}

/** One page of a room's log as one actor may see it. */
export interface ReplayPage {
  /** The visible events, in seq order. */
  events: StoredRoomEvent[];
  /** The highest seq this page covered (visible or not), or afterSeq when there was nothing: resume after it. */
  lastSeq: number;
  /** The page was full: more events may follow lastSeq. */
  hasMore: boolean;
}

export interface ReplayOptions {
  /** Stop at this seq (inclusive): filling a gap before a live event. */
  untilSeq?: number;
  /** Record the read in the audit trail (default true; gap fills of live delivery pass false). */
  audit?: boolean;
}

/**
 * The events after `afterSeq` this actor may see now: each must pass canReceiveEvent (its visibility when it
 * was written) AND the item's current visibility, so an item whose code was raised since does not leak.
 */
export async function eventsSince(actor: Actor, taskforceId: string, afterSeq: number, limit = 200, options: ReplayOptions = {}): Promise<ReplayPage> {
  requirePermission(actor, "room:join", { type: "taskforce", taskforceId });
  const rows = await prisma.roomEvent.findMany({
    where: { taskforceId, seq: options.untilSeq === undefined ? { gt: afterSeq } : { gt: afterSeq, lte: options.untilSeq } },
    orderBy: { seq: "asc" },
    take: limit,
  });
  const candidates = rows.map(toStoredEvent).filter((event) => canReceiveEvent(actor, event));
  const current = await currentResources(candidates);
  const events = candidates.filter((event) => {
    if (!event.itemType || !event.itemId) return true;
    const resource = current.get(itemKey(event.itemType, event.itemId));
    return resource !== undefined && resource !== null && canSee(actor, resource);
  });
  const lastSeq = rows.length > 0 ? rows[rows.length - 1].seq : afterSeq;
  if (options.audit !== false && events.length > 0) {
    await recordRead({ actor, action: "room.replay", taskforceId, details: { afterSeq, lastSeq, count: events.length }, origin: actor.origin });
  }
  return { events, lastSeq, hasMore: rows.length === limit };
}

/** The stored events after `afterSeq` up to `untilSeq`, unfiltered: for the realtime layer's own gap fill, which
 * fans them out by their visibility like any live event. */
export async function eventsInRange(taskforceId: string, afterSeq: number, untilSeq: number): Promise<StoredRoomEvent[]> {
  if (untilSeq <= afterSeq) return [];
  const rows = await prisma.roomEvent.findMany({ where: { taskforceId, seq: { gt: afterSeq, lte: untilSeq } }, orderBy: { seq: "asc" } });
  return rows.map(toStoredEvent);
}

/** The highest seq handed out in a room (0 for a room without events). */
export async function latestRoomSeq(taskforceId: string): Promise<number> {
  const taskforce = await prisma.taskforce.findUnique({ where: { id: taskforceId }, select: { lastEventSeq: true } });
  return taskforce?.lastEventSeq ?? 0;
}

function itemKey(itemType: ItemType, itemId: string) {
  return `${itemType}:${itemId}`;
}

const visibilitySelect = { id: true, ...ITEM_VISIBILITY_SELECT } as const;

/**
 * The items the events are about, as they are now (null when gone), for permission checks. Comments resolve
 * to their parent; tasks on a lead carry the lead's visibility.
 */
export async function currentResources(events: Pick<StoredRoomEvent, "itemType" | "itemId">[]): Promise<Map<string, Resource | null>> {
  const ids: Record<ItemType, Set<string>> = { CASE: new Set(), CLUE: new Set(), LEAD: new Set(), TASK: new Set(), COMMENT: new Set() };
  for (const event of events) if (event.itemType && event.itemId) ids[event.itemType].add(event.itemId);
  const comments = ids.COMMENT.size
    ? await prisma.comment.findMany({ where: { id: { in: [...ids.COMMENT] } }, select: { id: true, itemType: true, itemId: true, authorId: true } })
    : [];
  for (const comment of comments) ids[comment.itemType].add(comment.itemId);
  const tasks = ids.TASK.size
    ? await prisma.task.findMany({ where: { id: { in: [...ids.TASK] } }, select: { id: true, taskforceId: true, assigneeId: true, createdById: true, leadId: true } })
    : [];
  for (const task of tasks) if (task.leadId) ids.LEAD.add(task.leadId);
  const [cases, clues, leads] = await Promise.all([
    ids.CASE.size ? prisma.case.findMany({ where: { id: { in: [...ids.CASE] } }, select: { id: true, taskforceId: true } }) : [],
    ids.CLUE.size ? prisma.clue.findMany({ where: { id: { in: [...ids.CLUE] } }, select: visibilitySelect }) : [],
    ids.LEAD.size ? prisma.lead.findMany({ where: { id: { in: [...ids.LEAD] } }, select: { ...visibilitySelect, ownerId: true } }) : [],
  ]);

  const resources = new Map<string, Resource | null>();
  for (const row of cases) resources.set(itemKey("CASE", row.id), { type: "case", taskforceId: row.taskforceId });
  for (const row of clues) resources.set(itemKey("CLUE", row.id), { type: "clue", ...itemVisibility(row) });
  for (const row of leads) resources.set(itemKey("LEAD", row.id), { type: "lead", ownerId: row.ownerId, ...itemVisibility(row) });
  for (const task of tasks) {
    const lead = task.leadId ? resources.get(itemKey("LEAD", task.leadId)) : null;
    if (task.leadId && !lead) {
      resources.set(itemKey("TASK", task.id), null);
      continue;
    }
    const leadVisibility = lead && lead.type === "lead" ? lead : null;
    resources.set(itemKey("TASK", task.id), { type: "task", taskforceId: task.taskforceId, assigneeId: task.assigneeId, createdById: task.createdById, lead: leadVisibility });
  }
  for (const comment of comments) {
    const parent = resources.get(itemKey(comment.itemType, comment.itemId));
    resources.set(itemKey("COMMENT", comment.id), parent ? { type: "comment", authorId: comment.authorId, parent } : null);
  }
  for (const type of Object.keys(ids) as ItemType[]) {
    for (const id of ids[type]) if (!resources.has(itemKey(type, id))) resources.set(itemKey(type, id), null);
  }
  return resources;
}
