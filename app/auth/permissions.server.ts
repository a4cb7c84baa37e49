// The one place that decides who may do what. Permissions are data (ROLE_PERMISSIONS: role -> actions with a
// scope), combined with taskforce membership (need-to-know) and TLP 2.0 handling codes. Deny by default.
// Loaders, actions, API routes and socket handlers all call requirePermission / canSee / the where-builders.
import type { HandlingCode, Prisma, ReviewState, Role, UserStatus } from "@prisma/client";
import { prisma } from "~/db.server";
import type { RequestOrigin } from "~/models/audit.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors.server";

export type Action =
  | "user:manage"
  | "taskforce:manage"
  | "audit:read"
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
  | "room:join";

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
    "room:join:any",
  ],
  COORDINATOR: [
    "case:read:any", "case:create:any", "case:update:any",
    "clue:read:any", "clue:create:any", "clue:update:any", "clue:lowerCode:any",
    "lead:read:any", "lead:create:any", "lead:update:any", "lead:lowerCode:any", "lead:share:any", "lead:claim:any", "lead:reassignClaim:any",
    "task:read:any", "task:assign:any", "task:update:any", "task:updateStatus:any",
    "comment:read:any", "comment:create:any",
    "review:request:any",
    "room:join:any",
  ],
  LIAISON: [
    "case:read:any",
    "clue:read:review", "lead:read:review",
    "comment:read:review", "comment:create:review",
    "review:decide:review",
    "room:join:any",
  ],
  // An admin manages people and taskforces; case content is none of their business.
  ADMIN: ["user:manage:any", "taskforce:manage:any", "audit:read:any"],
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

export type Resource =
  | { type: "global" }
  | { type: "taskforce"; taskforceId: string }
  | { type: "case"; taskforceId: string }
  | ({ type: "clue" | "lead"; ownerId?: string | null } & ItemVisibility)
  | { type: "task"; taskforceId: string; assigneeId: string; createdById: string; lead?: ItemVisibility | null }
  | { type: "comment"; authorId: string; parent: Resource };

export async function loadActor(user: UserIdentity, origin?: RequestOrigin): Promise<Actor> {
  const memberships = await prisma.taskforceMember.findMany({ where: { userId: user.id }, select: { taskforceId: true } });
  const { id, email, displayName, role, agency, status } = user;
  return { id, email, displayName, role, agency, status, origin, taskforceIds: new Set(memberships.map((m) => m.taskforceId)) };
}

function scopesFor(actor: Actor, action: Action): Scope[] {
  if (actor.status !== "ACTIVE") return [];
  const prefix = `${action}:`;
  return ROLE_PERMISSIONS[actor.role].filter((grant) => grant.startsWith(prefix)).map((grant) => grant.slice(prefix.length) as Scope);
}

export function hasGrant(actor: Actor, action: Action): boolean {
  return scopesFor(actor, action).length > 0;
}

/** TLP 2.0 plus need-to-know: may this actor see this item at all? */
export function canSeeItem(actor: Actor, item: ItemVisibility): boolean {
  if (actor.status !== "ACTIVE" || actor.role === "ADMIN") return false;
  if (!actor.taskforceIds.has(item.taskforceId)) return false;
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

/** May the actor see the resource at all? Not seeing it means "not found", never "forbidden". */
export function canSee(actor: Actor, resource: Resource): boolean {
  if (actor.status !== "ACTIVE") return false;
  switch (resource.type) {
    case "global":
      return true;
    case "taskforce":
      return actor.role === "ADMIN" || actor.taskforceIds.has(resource.taskforceId);
    case "case":
      return actor.role !== "ADMIN" && actor.taskforceIds.has(resource.taskforceId);
    case "clue":
    case "lead":
      return canSeeItem(actor, resource);
    case "task":
      if (actor.role === "ADMIN" || actor.role === "LIAISON" || !actor.taskforceIds.has(resource.taskforceId)) return false;
      return resource.lead ? canSeeItem(actor, resource.lead) : true;
    case "comment":
      return canSee(actor, resource.parent);
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
  if (actor.status !== "ACTIVE" || actor.role === "ADMIN" || actor.taskforceIds.size === 0) return { id: { in: [] as string[] } };
  return {
    taskforceId: { in: [...actor.taskforceIds] },
    ...(actor.role === "LIAISON" ? { reviewState: { not: "NONE" as const } } : {}),
    OR: [
      { handlingCode: { in: ["AMBER", "GREEN", "CLEAR"] as HandlingCode[] } },
      { handlingCode: "AMBER_STRICT" as const, authorAgency: actor.agency },
      { handlingCode: "RED" as const, OR: [{ authorId: actor.id }, namedOnItem] },
    ],
  };
}

/** Cases this actor may open: those of their taskforces (never for an admin). */
export function visibleCasesWhere(actor: Actor): Prisma.CaseWhereInput {
  if (actor.status !== "ACTIVE" || actor.role === "ADMIN") return { id: { in: [] } };
  return { taskforceId: { in: [...actor.taskforceIds] } };
}

/** Order of strictness, strictest first: a lead is at least as strict as the strictest clue it cites. */
export const HANDLING_CODE_ORDER: readonly HandlingCode[] = ["RED", "AMBER_STRICT", "AMBER", "GREEN", "CLEAR"];

export function strictest(codes: readonly HandlingCode[]): HandlingCode | undefined {
  return [...codes].sort((a, b) => HANDLING_CODE_ORDER.indexOf(a) - HANDLING_CODE_ORDER.indexOf(b))[0];
}

/** True when `to` is a less strict code than `from` (lowering needs the author or a coordinator). */
export function isLowering(from: HandlingCode, to: HandlingCode): boolean {
  return HANDLING_CODE_ORDER.indexOf(to) > HANDLING_CODE_ORDER.indexOf(from);
}
