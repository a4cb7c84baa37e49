// The one place that decides who may do what. Permissions are data (ROLE_PERMISSIONS: role -> actions with a
// scope), combined with taskforce membership (need-to-know), TLP 2.0 handling codes and review state. Deny by
// default. Pages, API routes, socket handlers and models call requirePermission / canSee / the where-builders
// here; the same rules as Prisma filters (lists, exports), SQL fragments (search) and room-event filters
// (delivery) live beside them so they cannot drift apart (tests/unit/permissions.test.ts checks they agree).
import { Prisma, type HandlingCode, type ReviewState, type Role, type UserStatus } from "@prisma/client";
import { getDatabase, prisma, readSql, type Tx } from "~/db.server";
import type { RequestOrigin } from "~/models/audit.server";
import { ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { InternPool } from "~/utils/intern";
import { codeLabel, isReviewableCode } from "./handling-codes";

export * from "./handling-codes";

export type Action =
  | "user:manage"
  | "taskforce:manage"
  | "audit:read"
  | "taskforce:overview"
  | "metrics:read"
  /** Correct a row of the country reference data the narrowing reads (issue 14). */
  | "reference:manage"
  | "case:read"
  | "case:create"
  | "case:update"
  | "clue:read"
  | "clue:create"
  | "clue:update"
  | "clue:lowerCode"
  | "lead:read"
  | "lead:create"
  | "lead:update"
  | "lead:lowerCode"
  | "lead:share"
  | "lead:claim"
  | "lead:reassignClaim"
  | "task:read"
  | "task:assign"
  | "task:update"
  | "task:updateStatus"
  | "comment:read"
  | "comment:create"
  | "review:request"
  | "review:decide"
  | "lead:disseminate"
  | "dissemination:read"
  | "recipient:manage"
  | "appeal:read"
  | "appeal:publish"
  | "room:join"
  /** De-confliction (issue 13): see and act on their taskforce's side of links to clues they cannot see. */
  | "deconfliction:read"
  | "deconfliction:act"
  /** See the values the over-correlation guard stopped, and exclude a value from correlation. */
  | "correlation:manage";

/**
 * How far a grant reaches, on top of being allowed to see the resource at all:
 * any = every resource the user may see; own = those they wrote, own, or are assigned;
 * review = only items submitted for liaison review.
 */
export type Scope = "any" | "own" | "review";
export type Grant = `${Action}:${Scope}`;

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Grant[]>> = {
  ANALYST: [
    "case:read:any",
    "clue:read:any", "clue:create:any", "clue:update:own", "clue:lowerCode:own",
    "lead:read:any", "lead:create:any", "lead:update:own", "lead:lowerCode:own", "lead:share:any", "lead:claim:any",
    "task:read:any", "task:updateStatus:own",
    "comment:read:any", "comment:create:any",
    "review:request:own",
    "dissemination:read:any",
    "room:join:any",
  ],
  COORDINATOR: [
    "case:read:any", "case:create:any", "case:update:any",
    "clue:read:any", "clue:create:any", "clue:update:any", "clue:lowerCode:any",
    "lead:read:any", "lead:create:any", "lead:update:any", "lead:lowerCode:any", "lead:share:any", "lead:claim:any", "lead:reassignClaim:any",
    "task:read:any", "task:assign:any", "task:update:any", "task:updateStatus:any",
    "comment:read:any", "comment:create:any",
    "review:request:any",
    "dissemination:read:any",
    "room:join:any",
    "deconfliction:read:any", "deconfliction:act:any",
    // Oversight of their own taskforces: its audit trail (auditTaskforceScope) and the overview counts.
    "audit:read:any", "taskforce:overview:any",
  ],
  LIAISON: [
    "case:read:any",
    "clue:read:review", "lead:read:review",
    "comment:read:review", "comment:create:review",
    "review:decide:review",
    // Only what a liaison approved leaves the taskforce, and only through a liaison (issue 12, decision 020).
    "lead:disseminate:review", "dissemination:read:any",
    "appeal:read:any", "appeal:publish:any",
    "room:join:any",
    "deconfliction:read:any", "deconfliction:act:any",
  ],
  // An admin manages people, taskforces, the list of partner contact points, corrections of the country reference
  // table and the values kept out of correlation; case content is none of their business.
  ADMIN: ["user:manage:any", "taskforce:manage:any", "recipient:manage:any", "audit:read:any", "metrics:read:any", "reference:manage:any", "correlation:manage:any"],
};

/** Who a signed-in user is, as sessions and access tokens resolve them. */
export interface UserIdentity {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  agency: string;
  status: UserStatus;
}

/** A signed-in user with what access decisions need, loaded once per request or socket event. */
export interface Actor extends UserIdentity {
  taskforceIds: ReadonlySet<string>;
  /** Where the request or socket came from, for the audit trail. */
  origin?: RequestOrigin;
  /**
   * A socket event's re-check of its credential and memberships, run beside the event's work instead of before
   * it (server/socket/auth.ts): a write commits only once it has confirmed this actor (app/models/changes.server.ts),
   * and the event is answered only then. Rejected: the write rolls back and the event is refused.
   */
  confirmed?: Promise<void>;
  /**
   * The same re-check as a condition on the database, for a write that decides in one statement (a shared lead):
   * true while the credential is valid and its user still active, with the snapshot's role and agency, and a member
   * of the taskforce given. A statement that holds it commits only what the re-check would have let through, so it
   * need not wait for `confirmed` (the write's answer still does).
   */
  confirmedWhere?: (taskforceId: Prisma.Sql) => Prisma.Sql;
  /** Called by a write whose statement held `confirmedWhere` and committed: `confirmed` may then skip the re-check. */
  heldInWrite?: () => void;
}

/** Who may see an item: the same fields on clues, leads, and the room events written about them. */
export interface ItemVisibility {
  taskforceId: string;
  handlingCode: HandlingCode;
  authorId: string;
  authorAgency: string;
  recipientIds: readonly string[];
  reviewState: ReviewState;
}

/** A clue or a lead as a permission resource (a lead's owner may edit it). */
export type ItemResource = { type: "clue" | "lead"; ownerId?: string | null } & ItemVisibility;

export type Resource =
  | { type: "global" }
  /** People and taskforces as an administrator manages them (the admin pages, /api/v1/admin). */
  | { type: "administration" }
  | { type: "taskforce"; taskforceId: string }
  | { type: "case"; taskforceId: string }
  | ItemResource
  | { type: "task"; taskforceId: string; assigneeId: string; createdById: string; lead?: ItemVisibility | null }
  | { type: "comment"; authorId: string; parent: Resource }
  /** A record of what was sent outside the taskforce (decision 020). */
  | { type: "dissemination"; taskforceId: string }
  /** A public object appeal of a taskforce and the tips it brought in (decision 020). */
  | { type: "appeal"; taskforceId: string };

const taskforceIdSets = new InternPool<ReadonlySet<string>>(10_000);

/**
 * An actor's taskforce ids as a Set shared by every actor with the same ones (interned: a thousand sockets of one
 * taskforce hold one Set, not a thousand). Never mutated: a change makes a new one.
 */
export function taskforceIdSet(ids: Iterable<string>): ReadonlySet<string> {
  const unique = [...new Set(ids)].sort();
  return taskforceIdSets.get(unique.join("\n"), () => new Set(unique));
}

export async function loadActor(user: UserIdentity, origin?: RequestOrigin): Promise<Actor> {
  // A prepared statement past the ORM: every request and every socket write loads its actor (decision 011).
  const memberships = await readSql<{ taskforceId: string }>(Prisma.sql`SELECT m."taskforceId" FROM "TaskforceMember" m WHERE m."userId" = ${user.id}`);
  return actorOf(user, memberships.map((m) => m.taskforceId), origin);
}

/** The actor of a user whose taskforces were read with them (a socket's credential check). */
export function actorOf(user: UserIdentity, taskforceIds: readonly string[], origin?: RequestOrigin): Actor {
  const { id, email, displayName, role, agency, status } = user;
  return { id, email, displayName, role, agency, status, origin, taskforceIds: taskforceIdSet(taskforceIds) };
}

/**
 * The actors behind these user ids as they are now (one query): for re-checking many open sockets at once. Inside
 * a write, pass its transaction (`via`): the embedded database has one connection, which the write holds.
 */
export async function loadActors(userIds: readonly string[], via?: Tx): Promise<Map<string, Actor>> {
  if (userIds.length === 0) return new Map();
  // One round trip, as loadMemberActor: the periodic re-check passes every open socket's user (a thousand ids),
  // which a Prisma include turned into two queries, a query compile over a thousand parameters and a join in JS.
  // A prepared statement past the ORM, as loadActor: through the ORM's raw query the thousand rows' mapping held
  // the event loop long enough to delay a share arriving meanwhile (the re-check took 21-39 ms at 1,000 sockets).
  const statement = Prisma.sql`
    SELECT u."id", u."email", u."displayName", u."role"::text AS "role", u."agency", u."status"::text AS "status",
      COALESCE(ARRAY(SELECT m."taskforceId" FROM "TaskforceMember" m WHERE m."userId" = u."id"), '{}') AS "taskforceIds"
    FROM "User" u WHERE u."id" = ANY(${[...new Set(userIds)]}::text[])`;
  type UserRow = UserIdentity & { taskforceIds: string[] };
  const users = via ? await via.$queryRaw<UserRow[]>(statement) : await readSql<UserRow>(statement);
  return new Map(
    users.map(({ taskforceIds, ...user }) => [user.id, actorOf(user, taskforceIds)]),
  );
}

function scopesFor(actor: Actor, action: Action): Scope[] {
  if (actor.status !== "ACTIVE") return [];
  const prefix = `${action}:`;
  return ROLE_PERMISSIONS[actor.role].filter((grant) => grant.startsWith(prefix)).map((grant) => grant.slice(prefix.length) as Scope);
}

export function hasGrant(actor: Actor, action: Action): boolean {
  return scopesFor(actor, action).length > 0;
}

/**
 * Who may read the operational metrics (GET /metrics): the holder of a token whose owner may `metrics:read`
 * (an admin), or, without a token, a scraper on this machine (a loopback connection that no proxy forwarded:
 * behind a reverse proxy on the same host, every outside request arrives from loopback, with X-Forwarded-For).
 * A request that sends a token is judged by it alone, as on the API.
 */
export function mayReadMetrics(caller: { tokenOwner?: Actor | null; directFromLoopback: boolean }): boolean {
  if (caller.tokenOwner !== undefined) return caller.tokenOwner !== null && hasGrant(caller.tokenOwner, "metrics:read");
  return caller.directFromLoopback;
}

/** TLP 2.0 plus need-to-know: may this actor see this item at all? */
export function canSeeItem(actor: Actor, item: ItemVisibility): boolean {
  if (!isWorkingMember(actor, item.taskforceId)) return false;
  if (actor.role === "LIAISON" && item.reviewState === "NONE") return false;
  switch (item.handlingCode) {
    case "RED":
      return item.authorId === actor.id || item.recipientIds.includes(actor.id);
    case "AMBER_STRICT":
      return item.authorAgency === actor.agency;
    case "AMBER":
    case "GREEN":
    case "CLEAR":
      return true;
  }
}

/**
 * May the actor know of the item and speak for it to another taskforce (de-confliction)? As canSeeItem, but the
 * liaisons' review gate does not apply: they de-conflict their taskforce's clues whether or not one was sent for
 * review. The handling code's restrictions do: a TLP:RED clue is its author's and recipients', AMBER+STRICT its
 * agency's.
 */
export function mayKnowOfItem(actor: Actor, item: ItemVisibility): boolean {
  return canSeeItem(actor, actor.role === "LIAISON" && item.reviewState === "NONE" ? { ...item, reviewState: "REQUESTED" } : item);
}

/** May the actor see the resource at all? Not seeing it means "not found", never "forbidden". */
export function canSee(actor: Actor, resource: Resource): boolean {
  if (actor.status !== "ACTIVE") return false;
  switch (resource.type) {
    case "global":
      return true;
    case "administration":
      // Not 403 but 404 for everyone else: the administration surface is not even confirmed to exist.
      return hasGrant(actor, "user:manage") || hasGrant(actor, "taskforce:manage");
    case "taskforce":
      return actor.role === "ADMIN" || actor.taskforceIds.has(resource.taskforceId);
    case "case":
      return isWorkingMember(actor, resource.taskforceId);
    case "clue":
    case "lead":
      return canSeeItem(actor, resource);
    case "task":
      if (!isWorkingMember(actor, resource.taskforceId) || actor.role === "LIAISON") return false;
      return resource.lead ? canSeeItem(actor, resource.lead) : true;
    case "comment":
      return canSee(actor, resource.parent);
    // Already outside the taskforce at GREEN or CLEAR: the taskforce's working members may read what was sent.
    case "dissemination":
      return isWorkingMember(actor, resource.taskforceId);
    case "appeal":
      return isWorkingMember(actor, resource.taskforceId);
  }
}

function isOwn(actor: Actor, resource: Resource): boolean {
  switch (resource.type) {
    case "clue":
      return resource.authorId === actor.id;
    case "lead":
      return resource.authorId === actor.id || resource.ownerId === actor.id;
    case "task":
      return resource.assigneeId === actor.id;
    case "comment":
      return resource.authorId === actor.id;
    default:
      return false;
  }
}

function isUnderReview(resource: Resource): boolean {
  if (resource.type === "clue" || resource.type === "lead") return resource.reviewState !== "NONE";
  if (resource.type === "comment") return isUnderReview(resource.parent);
  return false;
}

export function can(actor: Actor, action: Action, resource: Resource): boolean {
  if (!canSee(actor, resource)) return false;
  return scopesFor(actor, action).some(
    (scope) => scope === "any" || (scope === "own" && isOwn(actor, resource)) || (scope === "review" && isUnderReview(resource)),
  );
}

export const ADMINISTRATION: Resource = { type: "administration" };

/** The administration pages answer only administrators: anyone else gets "not found", before their input is read. */
export function requireAdministration(actor: Actor): void {
  if (!canSee(actor, ADMINISTRATION)) throw new NotFoundError();
}
const ADMINISTRATION_API_PATH = "/api/v1/admin";

/** Is this an API path only some callers may learn exists (/api/v1/admin)? */
export function isRestrictedApiPath(pathname: string): boolean {
  return pathname === ADMINISTRATION_API_PATH || pathname.startsWith(`${ADMINISTRATION_API_PATH}/`);
}

/**
 * May the caller learn that this API path exists? Under /api/v1/admin only an administrator may: anyone else
 * is answered 404 before the method, the body or the path's ids are looked at.
 */
export function mayReachApiPath(actor: Actor, pathname: string): boolean {
  return !isRestrictedApiPath(pathname) || canSee(actor, ADMINISTRATION);
}

/** Throws NotFoundError when the actor may not see the resource, ForbiddenError when they may see but not act. */
export function requirePermission(actor: Actor, action: Action, resource: Resource): void {
  if (!canSee(actor, resource)) throw new NotFoundError();
  if (!can(actor, action, resource)) throw new ForbiddenError();
}

/** Prisma filter for "clues this actor may see"; must agree with canSeeItem (a test checks they do). */
export function visibleCluesWhere(actor: Actor): Prisma.ClueWhereInput {
  return visibleItemsWhere(actor, { recipients: { some: { userId: actor.id } } }) as Prisma.ClueWhereInput;
}

export function visibleLeadsWhere(actor: Actor): Prisma.LeadWhereInput {
  return visibleItemsWhere(actor, { recipients: { some: { userId: actor.id } } }) as Prisma.LeadWhereInput;
}

function visibleItemsWhere(actor: Actor, namedOnItem: Record<string, unknown>) {
  const taskforceIds = workingTaskforceIds(actor);
  if (taskforceIds.length === 0) return { id: { in: [] as string[] } };
  return {
    taskforceId: { in: taskforceIds },
    ...(actor.role === "LIAISON" ? { reviewState: { not: "NONE" as const } } : {}),
    OR: [
      { handlingCode: { in: [...OPEN_HANDLING_CODES] } },
      { handlingCode: "AMBER_STRICT" as const, authorAgency: actor.agency },
      { handlingCode: "RED" as const, OR: [{ authorId: actor.id }, namedOnItem] },
    ],
  };
}

/**
 * Whose audit events the actor may read: every event for an administrator (`"all"`), the events recorded
 * against their taskforces for a coordinator, nothing for anyone else (null: refused).
 */
export function auditTaskforceScope(actor: Actor): "all" | string[] | null {
  if (!hasGrant(actor, "audit:read")) return null;
  return actor.role === "ADMIN" ? "all" : workingTaskforceIds(actor);
}

/** Cases this actor may open: those of their taskforces (never for an admin). */
export function visibleCasesWhere(actor: Actor): Prisma.CaseWhereInput {
  return { taskforceId: { in: workingTaskforceIds(actor) } };
}

// ---- membership -------------------------------------------------------------------------------------------

/** A working member of the taskforce: active and in it, and not an admin (admins manage taskforces, not cases). */
export function isWorkingMember(actor: Pick<Actor, "status" | "role" | "taskforceIds">, taskforceId: string): boolean {
  return actor.status === "ACTIVE" && actor.role !== "ADMIN" && actor.taskforceIds.has(taskforceId);
}

/** The taskforces whose cases this actor works (none for an admin or an inactive account). */
export function workingTaskforceIds(actor: Pick<Actor, "status" | "role" | "taskforceIds">): string[] {
  return actor.status === "ACTIVE" && actor.role !== "ADMIN" ? [...actor.taskforceIds] : [];
}

/** May this member own a lead or be assigned work? Liaisons review; they never hold leads or tasks. */
export function mayHoldWork(member: { role: Role | string }): boolean {
  return member.role === "ANALYST" || member.role === "COORDINATOR";
}

/** The actor a member of the taskforce would be (for "may this member see it?"), or null when not a working member. */
export async function loadMemberActor(taskforceId: string, userId: string, client: Tx | typeof prisma = prisma): Promise<Actor | null> {
  // One round trip (a Prisma include is two): this runs at every room join.
  const statement = Prisma.sql`
    SELECT u."id", u."email", u."displayName", u."role"::text AS "role", u."agency", u."status"::text AS "status",
      COALESCE(ARRAY(SELECT m."taskforceId" FROM "TaskforceMember" m WHERE m."userId" = u."id"), '{}') AS "taskforceIds"
    FROM "User" u WHERE u."id" = ${userId}`;
  // On a server, a prepared statement past the ORM (a thousand members joining at once each paid the ORM's raw
  // query, ~0.3 ms of the process's time). The embedded database keeps the ORM's path: its one connection may be
  // held by the transaction this is called from.
  const [user] =
    client === prisma && getDatabase().kind === "postgres"
      ? await readSql<UserIdentity & { taskforceIds: string[] }>(statement)
      : await client.$queryRaw<(UserIdentity & { taskforceIds: string[] })[]>(statement);
  if (!user) return null;
  const { id, email, displayName, role, agency, status } = user;
  const member: Actor = { id, email, displayName, role, agency, status, taskforceIds: taskforceIdSet(user.taskforceIds) };
  return isWorkingMember(member, taskforceId) ? member : null;
}

/**
 * Checks the members named on a RED item: each must be a working member who could see it. Returns the
 * de-duplicated ids without the author. Named recipients only make sense for RED.
 */
export async function checkRecipients(field: string, recipientIds: readonly string[], visibility: Omit<ItemVisibility, "recipientIds">): Promise<string[]> {
  const ids = [...new Set(recipientIds)].filter((id) => id !== visibility.authorId);
  if (ids.length === 0) return [];
  if (visibility.handlingCode !== "RED") {
    throw new ValidationError({ [field]: ["Named recipients apply only to TLP:RED items; clear them or choose TLP:RED."] });
  }
  const problems: string[] = [];
  for (const id of ids) {
    const member = await loadMemberActor(visibility.taskforceId, id);
    if (!member || !canSeeItem(member, { ...visibility, recipientIds: ids })) problems.push(`${id} is not an active member of this taskforce who can be named.`);
  }
  if (problems.length) throw new ValidationError({ [field]: problems });
  return ids;
}

/** Does naming these members let anyone see the item who could not see it before (like lowering its code)? */
export async function namesNewReaders(before: ItemVisibility, recipientIds: readonly string[]): Promise<boolean> {
  for (const id of recipientIds) {
    if (id === before.authorId || before.recipientIds.includes(id)) continue;
    const member = await loadMemberActor(before.taskforceId, id);
    if (!member || !canSeeItem(member, before)) return true;
  }
  return false;
}

/** A lead's owner must be a member who may hold work and see the lead. */
export async function checkLeadOwner(ownerId: string, visibility: ItemVisibility): Promise<void> {
  const member = await loadMemberActor(visibility.taskforceId, ownerId);
  if (!member || !mayHoldWork(member) || !canSeeItem(member, visibility)) {
    throw new ValidationError({ ownerId: ["The owner must be a taskforce member who can see this lead."] });
  }
}

/** A lead's claim can only be handed to a working member who may see and claim the lead. */
export async function checkClaimHolder(userId: string, lead: ItemResource): Promise<void> {
  const member = await loadMemberActor(lead.taskforceId, userId);
  if (!member || !can(member, "lead:claim", lead)) {
    throw new ValidationError({ toUserId: ["Choose an active member of this taskforce who can see and work this lead."] });
  }
}

/** A task's assignee must be a working member who may see the task (and so its lead). */
export async function checkAssignee(assigneeId: string, taskforceId: string, lead: ItemVisibility | null): Promise<void> {
  const member = await loadMemberActor(taskforceId, assigneeId);
  if (!member || !canSee(member, { type: "task", taskforceId, assigneeId, createdById: "", lead })) {
    throw new ValidationError({
      assigneeId: [lead ? "The assignee must be a taskforce member who can see this lead." : "The assignee must be an active member of this taskforce (not a liaison)."],
    });
  }
}

// ---- item visibility and review state ---------------------------------------------------------------------

/** The handling codes every working member of an item's taskforce may read. */
export const OPEN_HANDLING_CODES = ["AMBER", "GREEN", "CLEAR"] as const satisfies readonly HandlingCode[];
/** OPEN_HANDLING_CODES as an SQL list of literals, for `"handlingCode" IN ${...}` (an enum column: no parameters). */
export const OPEN_HANDLING_CODES_SQL = Prisma.raw(`(${OPEN_HANDLING_CODES.map((code) => `'${code}'`).join(", ")})`);

/** What itemVisibility needs of a clue or lead row, as a Prisma select. */
export const ITEM_VISIBILITY_SELECT = {
  taskforceId: true,
  handlingCode: true,
  authorId: true,
  authorAgency: true,
  reviewState: true,
  recipients: { select: { userId: true } },
} as const;

/** The visibility fields of a clue or lead row (recipients loaded as rows or given as ids). */
export function itemVisibility(item: {
  taskforceId: string;
  handlingCode: HandlingCode;
  authorId: string;
  authorAgency: string;
  reviewState: ReviewState;
  recipients?: readonly { userId: string }[];
  recipientIds?: readonly string[];
}): ItemVisibility {
  return {
    taskforceId: item.taskforceId,
    handlingCode: item.handlingCode,
    authorId: item.authorId,
    authorAgency: item.authorAgency,
    recipientIds: item.recipientIds ? [...item.recipientIds] : (item.recipients ?? []).map((recipient) => recipient.userId),
    reviewState: item.reviewState,
  };
}

/** Review only applies to items that may leave the taskforce: a stricter code takes an item out of review. */
export function reviewStateAfterCodeChange<S extends ReviewState>(code: HandlingCode, reviewState: S): S | "NONE" {
  return isReviewableCode(code) ? reviewState : "NONE";
}

/** An edit voids a liaison's approval: what was approved for dissemination is no longer what the item says. */
export function reviewStateAfterEdit<S extends ReviewState>(code: HandlingCode, reviewState: S): S | "NONE" {
  const kept = reviewStateAfterCodeChange(code, reviewState);
  return kept === "APPROVED" ? "NONE" : kept;
}

/** Why an item cannot go to review now, or null when it can (its code, or it is already waiting). */
export function reviewRequestProblem(item: Pick<ItemVisibility, "handlingCode" | "reviewState">): { field: string; message: string } | null {
  if (!isReviewableCode(item.handlingCode)) {
    return { field: "handlingCode", message: `Only TLP:GREEN or TLP:CLEAR items can go to liaison review; this one is ${codeLabel(item.handlingCode)}.` };
  }
  if (item.reviewState === "REQUESTED") return { field: "_form", message: "This item is already waiting for liaison review." };
  // An edit voids an approval (reviewStateAfterEdit): only a changed item goes to review again.
  if (item.reviewState === "APPROVED") return { field: "_form", message: "This item is already approved for dissemination; edit it first if it must be reviewed again." };
  return null;
}

/** Whether to offer "Request review" on an item page: the item can go to review and the actor may send it. */
export function canRequestReview(actor: Actor, resource: ItemResource): boolean {
  return reviewRequestProblem(resource) === null && can(actor, "review:request", resource);
}

// ---- history: versions and comments ---------------------------------------------------------------------------

/**
 * How an item stood while one of its versions was current: its code and named members as that version wrote
 * them, and its review state (set when the version is written, and moved with it when that version goes to
 * review or is decided: the reviewed version is the one a liaison read).
 */
export type VersionVisibility = Pick<ItemVisibility, "handlingCode" | "recipientIds" | "reviewState">;

/**
 * May the reader see this version of the item? Only if they may see the item now AND could see it while the
 * version was current: lowering a code, naming a member or sending an item to review opens what is written
 * from then on, never what was written before.
 */
export function canSeeVersion(actor: Actor, item: ItemVisibility, version: VersionVisibility): boolean {
  if (!canSeeItem(actor, item)) return false;
  const { handlingCode, recipientIds, reviewState } = version;
  return canSeeItem(actor, { ...item, handlingCode, recipientIds: [...recipientIds], reviewState });
}

/**
 * The versions of an item a reader may see, each with whether they could also see the version before it. A
 * version's changes hold the earlier version's values as their 'from' side: shown only with sawPrevious.
 */
export function versionsVisibleTo<V extends VersionVisibility & { version: number }>(
  actor: Actor,
  item: ItemVisibility,
  versions: readonly V[],
): { version: V; sawPrevious: boolean }[] {
  const ordered = [...versions].sort((a, b) => a.version - b.version);
  const seen = ordered.map((version) => canSeeVersion(actor, item, version));
  // The version before is the one numbered just before (version 1 has none: its 'from' side is empty).
  const sawPrevious = (index: number) =>
    index === 0 ? ordered[0].version === 1 : seen[index - 1] && ordered[index - 1].version === ordered[index].version - 1;
  return ordered.flatMap((version, index) => (seen[index] ? [{ version, sawPrevious: sawPrevious(index) }] : []));
}

/**
 * May the reader see this comment? Only if they may see its item now AND could see the item when the comment
 * was written (the visibility stored with it, that of its comment.created event): the same rule as replaying
 * that event, so the thread and the room never disagree.
 */
export function canSeeComment(actor: Actor, parent: Resource, comment: { authorId: string; taskforceId: string; visibility: EventVisibility }): boolean {
  return canSee(actor, { type: "comment", authorId: comment.authorId, parent }) && canReceiveEvent(actor, comment);
}

// ---- room events --------------------------------------------------------------------------------------------

/** Who may receive a room event. Item events carry the item's visibility; case-level events only the taskforce. */
export type EventVisibility = ItemVisibility | { taskforceId: string; taskforceWide: true; excludeLiaisons?: boolean };

/** Events about case-level things (cases, tasks not on a lead): the taskforce's working members, not liaisons. */
export function taskforceWide(taskforceId: string): EventVisibility {
  return { taskforceId, taskforceWide: true, excludeLiaisons: true };
}

/**
 * Who hears about a task: the taskforce without liaisons; for a task on a lead, those who may see the lead
 * (its visibility with review state NONE, which also keeps liaisons out).
 */
export function taskEventVisibility(taskforceId: string, lead: ItemVisibility | null): EventVisibility {
  if (!lead) return taskforceWide(taskforceId);
  const { handlingCode, authorId, authorAgency, recipientIds } = lead;
  return { taskforceId: lead.taskforceId, handlingCode, authorId, authorAgency, recipientIds: [...recipientIds], reviewState: "NONE" };
}

/** May this actor receive this event? The same rules as for the item itself. */
export function canReceiveEvent(actor: Actor, event: { taskforceId: string; visibility: EventVisibility }): boolean {
  const visibility = event.visibility;
  if ("taskforceWide" in visibility) {
    if (!isWorkingMember(actor, event.taskforceId)) return false;
    return !(visibility.excludeLiaisons && actor.role === "LIAISON");
  }
  return canSeeItem(actor, visibility);
}

// ---- SQL ------------------------------------------------------------------------------------------------------

/**
 * SQL equivalent of visibleCluesWhere / visibleLeadsWhere for the row alias given (search ranks in SQL and needs
 * LIMIT to count only visible rows). Table and column names are constants; the actor's ids and agency are bound.
 */
export function visibleItemsSql(actor: Actor, kind: "clue" | "lead", alias: string): Prisma.Sql {
  const taskforceIds = workingTaskforceIds(actor);
  if (taskforceIds.length === 0) return Prisma.sql`FALSE`;
  const a = Prisma.raw(`"${alias}"`);
  const recipients = Prisma.raw(kind === "clue" ? `"ClueRecipient"` : `"LeadRecipient"`);
  const fk = Prisma.raw(kind === "clue" ? `"clueId"` : `"leadId"`);
  const liaison = actor.role === "LIAISON" ? Prisma.sql`AND ${a}."reviewState" <> 'NONE'` : Prisma.empty;
  return Prisma.sql`(${a}."taskforceId" IN (${Prisma.join(taskforceIds)}) ${liaison} AND (
    ${a}."handlingCode" IN ${OPEN_HANDLING_CODES_SQL}
    OR (${a}."handlingCode" = 'AMBER_STRICT' AND ${a}."authorAgency" = ${actor.agency})
    OR (${a}."handlingCode" = 'RED' AND (${a}."authorId" = ${actor.id}
      OR EXISTS (SELECT 1 FROM ${recipients} r WHERE r.${fk} = ${a}."id" AND r."userId" = ${actor.id})))
  ))`;
}

/**
 * SQL equivalent of `can(actor, action, item)` for a clue or lead row (alias given): visible to the actor and in
 * one of the scopes their role holds the action in. Must agree with `can` (a test checks they do); a statement that
 * decides with it (a shared lead, app/models/lead-room.server.ts) falls back to the model's own check when it finds
 * nothing, so the refusal's answer is still `requirePermission`'s.
 */
export function actionableItemsSql(actor: Actor, action: Action, kind: "clue" | "lead", alias: string): Prisma.Sql {
  const a = Prisma.raw(`"${alias}"`);
  const scopes = scopesFor(actor, action).map((scope) => {
    switch (scope) {
      case "any":
        return Prisma.sql`TRUE`;
      case "own":
        return kind === "lead" ? Prisma.sql`(${a}."authorId" = ${actor.id} OR ${a}."ownerId" = ${actor.id})` : Prisma.sql`${a}."authorId" = ${actor.id}`;
      case "review":
        return Prisma.sql`${a}."reviewState" <> 'NONE'`;
    }
  });
  if (scopes.length === 0) return Prisma.sql`FALSE`;
  return Prisma.sql`(${visibleItemsSql(actor, kind, alias)} AND (${Prisma.join(scopes, " OR ")}))`;
}

// ---- edits ----------------------------------------------------------------------------------------------------

const EDIT_REFUSALS = {
  clue: {
    update: "Only the clue's author or a coordinator can edit this clue.",
    lowerCode: "Only the clue's author or a coordinator can lower its handling code.",
    widen: "Only the clue's author or a coordinator can name more members on this clue.",
  },
  lead: {
    update: "Only the lead's author, its owner or a coordinator can edit this lead.",
    lowerCode: "Only the lead's author or a coordinator can lower its handling code.",
    widen: "Only the lead's author or a coordinator can name more members on this lead.",
  },
} as const;

/**
 * The one entry check of a clue or lead edit: the actor may see it (else not found), may edit it, and may
 * widen its audience when the edit does so, by lowering its code or by naming members who could not see it
 * (both need the author or a coordinator; a lead's owner may edit but not widen).
 */
export async function requireEdit(
  actor: Actor,
  resource: ItemResource,
  change: { lowersCode: boolean; namedIds?: readonly string[] },
): Promise<void> {
  const refusals = EDIT_REFUSALS[resource.type];
  requirePermission(actor, `${resource.type}:read`, resource);
  if (!can(actor, `${resource.type}:update`, resource)) throw new ForbiddenError(refusals.update);
  const mayWiden = can(actor, `${resource.type}:lowerCode`, { ...resource, ownerId: null });
  if (change.lowersCode && !mayWiden) throw new ForbiddenError(refusals.lowerCode);
  if (change.namedIds && !mayWiden && (await namesNewReaders(resource, change.namedIds))) throw new ForbiddenError(refusals.widen);
}

/** The entry check of a task change: details need a coordinator, status the assignee or a coordinator. */
export function requireTaskChange(actor: Actor, resource: Extract<Resource, { type: "task" }>, change: { details: boolean; status: boolean }): void {
  requirePermission(actor, "task:read", resource);
  if (change.details && !can(actor, "task:update", resource)) {
    throw new ForbiddenError("Only a coordinator can change a task's title, description, assignee or due date.");
  }
  if (change.status && !can(actor, "task:updateStatus", resource)) throw new ForbiddenError("Only the assignee or a coordinator can change a task's status.");
  // A change of nothing still writes (a new version, an audit record, a room event): it takes the right to change something.
  if (!change.details && !change.status && !can(actor, "task:update", resource) && !can(actor, "task:updateStatus", resource)) {
    throw new ForbiddenError("Only the assignee or a coordinator can change this task.");
  }
}

// ---- audiences: who receives a room event, as Socket.IO rooms ---------------------------------------------------

/**
 * A room event is fanned out by Socket.IO rooms chosen from its visibility, never filtered per recipient. Each
 * joined socket is in the audiences of its actor (audiencesOfActor); an event goes to the audiences of its
 * visibility (audiencesOfEvent). The two agree with canReceiveEvent for every working member (a unit test
 * checks every combination): "work" is the analysts and coordinators, "review" the liaisons, each also by
 * agency (TLP:AMBER+STRICT) and by person (TLP:RED authors and named members).
 */
export type Audience = `${"work" | "review"}` | `${"work" | "review"}:${"agency" | "user"}:${string}`;

export function audiencesOfActor(actor: Pick<Actor, "id" | "role" | "agency">): Audience[] {
  const base = actor.role === "LIAISON" ? "review" : "work";
  return [base, `${base}:agency:${actor.agency}`, `${base}:user:${actor.id}`];
}

export function audiencesOfEvent(visibility: EventVisibility): Audience[] {
  if ("taskforceWide" in visibility) return visibility.excludeLiaisons ? ["work"] : ["work", "review"];
  const bases = visibility.reviewState === "NONE" ? (["work"] as const) : (["work", "review"] as const);
  return bases.flatMap((base): Audience[] => {
    switch (visibility.handlingCode) {
      case "RED":
        return [...new Set([visibility.authorId, ...visibility.recipientIds])].map((id): Audience => `${base}:user:${id}`);
      case "AMBER_STRICT":
        return [`${base}:agency:${visibility.authorAgency}`];
      case "AMBER":
      case "GREEN":
      case "CLEAR":
        return [base];
    }
  });
}

// ---- people who may see an item, as SQL (notifications) ----------------------------------------------------------

/** What a notification may be about, as a permission resource: an item, a task, or a comment's parent. */
export type NotifiableResource = ItemResource | Extract<Resource, { type: "task" }>;

/**
 * canSee for every member at once: an SQL condition on a "User" row (alias) that, for a user who is a member of
 * the resource's taskforce, holds exactly when canSee(member, resource) does. The caller joins the membership;
 * one INSERT ... SELECT then writes a notification for each member who may see the item, with no per-person
 * query (tests/integration/notifications.test.ts checks it agrees with canSee for every role and code).
 */
export function memberMaySeeSql(resource: NotifiableResource, alias = "u"): Prisma.Sql {
  const u = Prisma.raw(`"${alias}"`);
  const working = Prisma.sql`${u}."status"::text = 'ACTIVE' AND ${u}."role"::text <> 'ADMIN'`;
  if (resource.type === "task") {
    const lead = resource.lead ? Prisma.sql`AND ${itemSeenBySql(resource.lead, u)}` : Prisma.empty;
    return Prisma.sql`(${working} AND ${u}."role"::text <> 'LIAISON' ${lead})`;
  }
  return Prisma.sql`(${working} AND ${itemSeenBySql(resource, u)})`;
}

function itemSeenBySql(item: ItemVisibility, u: Prisma.Sql): Prisma.Sql {
  const liaisons = item.reviewState === "NONE" ? Prisma.sql`${u}."role"::text <> 'LIAISON'` : Prisma.sql`TRUE`;
  switch (item.handlingCode) {
    case "RED":
      return Prisma.sql`(${liaisons} AND ${u}."id" IN (${Prisma.join([...new Set([item.authorId, ...item.recipientIds])])}))`;
    case "AMBER_STRICT":
      return Prisma.sql`(${liaisons} AND ${u}."agency" = ${item.authorAgency})`;
    case "AMBER":
    case "GREEN":
    case "CLEAR":
      return liaisons;
  }
}
