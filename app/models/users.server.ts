// People: accounts are created by an administrator only (no self sign-up), start PENDING until the agency's
// vetting is complete, and can be suspended (every session and token stops at once) and reinstated.
import type { Prisma, Role, User, UserStatus } from "@prisma/client";
import { generatePassword, hashPassword, passwordProblems } from "~/auth/password.server";
import { requirePermission, type Actor } from "~/auth/permissions.server";
import { deleteUserSessions } from "~/auth/session.server";
import { liftSignInDelays, signInDelays } from "~/auth/sign-in-throttle.server";
import { prisma, type Tx } from "~/db.server";
import { appendAudit, type RequestOrigin } from "~/models/audit.server";
import { revokeRealtimeAccess } from "~/models/rooms.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import type { NewUserInput, RoleChangeInput } from "~/validation/accounts";

export interface UserSummary {
  id: string;
  email: string;
  displayName: string;
  agency: string;
  role: Role;
  status: UserStatus;
  mfaEnrolled: boolean;
  /** Until when some client of the account is held back after failed sign-in attempts (null: none is). */
  signInDelayedUntil: Date | null;
  createdAt: Date;
  taskforces: { id: string; name: string }[];
}

const summarySelect = {
  id: true,
  email: true,
  displayName: true,
  agency: true,
  role: true,
  status: true,
  totpEnabledAt: true,
  createdAt: true,
  memberships: { select: { taskforce: { select: { id: true, name: true } } } },
} satisfies Prisma.UserSelect;

function summaryOf(user: Prisma.UserGetPayload<{ select: typeof summarySelect }>, delays: Map<string, Date> = new Map()): UserSummary {
  const { totpEnabledAt, memberships, ...rest } = user;
  return { ...rest, mfaEnrolled: totpEnabledAt !== null, signInDelayedUntil: delays.get(user.id) ?? null, taskforces: memberships.map((m) => m.taskforce) };
}

/** A person as case data names them (author, editor, assignee, owner): who, from which agency, in which role. */
export interface UserRef {
  id: string;
  displayName: string;
  email: string;
  agency: string;
  role: string;
}

const userRefSelect = { id: true, displayName: true, email: true, agency: true, role: true } as const;

/** The people behind these ids, one query; unknown ids are left out. */
export async function userRefs(ids: Iterable<string | null | undefined>, client: Tx | typeof prisma = prisma): Promise<Map<string, UserRef>> {
  const unique = [...new Set(ids)].filter((id): id is string => Boolean(id));
  if (unique.length === 0) return new Map();
  const users = await client.user.findMany({ where: { id: { in: unique } }, select: userRefSelect });
  return new Map(users.map((user) => [user.id, user]));
}

/** The person for an id from userRefs (an id that no longer resolves reads "Unknown user"). */
export function userRefOf(users: Map<string, UserRef>, id: string | null | undefined): UserRef | null {
  if (!id) return null;
  return users.get(id) ?? { id, displayName: "Unknown user", email: "", agency: "", role: "" };
}

function requireUserManager(actor: Actor) {
  requirePermission(actor, "user:manage", { type: "global" });
}

export async function listUsers(actor: Actor): Promise<UserSummary[]> {
  requireUserManager(actor);
  const users = await prisma.user.findMany({ select: summarySelect, orderBy: [{ status: "asc" }, { email: "asc" }] });
  const delays = await signInDelays(users.map((user) => user.id));
  return users.map((user) => summaryOf(user, delays));
}

/**
 * Creates an account; returns the initial password when one was generated (to hand over once, out of band).
 * The new user must enrol an authenticator at their first sign-in.
 */
export async function createUser(actor: Actor, input: NewUserInput): Promise<{ user: UserSummary; generatedPassword: string | null }> {
  requireUserManager(actor);
  return createUserAccount(input, { actor, origin: actor.origin });
}

/**
 * The account creation itself. Called by createUser (an administrator, checked there) and by the
 * `user:create` command line, which runs with database rights (`by.actor` null: audited as the command line).
 */
export async function createUserAccount(
  data: NewUserInput,
  by: { actor: { id: string; email: string } | null; origin?: RequestOrigin },
): Promise<{ user: UserSummary; generatedPassword: string | null }> {
  const generatedPassword = data.password ? null : generatePassword();
  const password = data.password ?? (generatedPassword as string);
  const problems = passwordProblems(password, data.email);
  if (problems.length) throw new ValidationError({ password: problems });
  if (await prisma.user.findUnique({ where: { email: data.email }, select: { id: true } })) {
    throw new ValidationError({ email: ["There is already an account with this email address."] });
  }
  const passwordHash = await hashPassword(password);
  const user = await prisma.$transaction(async (tx) => {
    const created = await tx.user.create({
      data: {
        email: data.email,
        displayName: data.displayName,
        agency: data.agency,
        role: data.role,
        status: data.vettingComplete ? "ACTIVE" : "PENDING",
        passwordHash,
      },
      select: summarySelect,
    });
    await appendAudit(tx, {
      actor: by.actor,
      action: "user.create",
      itemType: "USER",
      itemId: created.id,
      details: { email: created.email, role: created.role, agency: created.agency, status: created.status, via: by.actor ? "web" : "cli" },
      origin: by.origin,
    });
    return created;
  });
  return { user: summaryOf(user), generatedPassword };
}

async function findUserForUpdate(tx: Tx, userId: string): Promise<User> {
  // Row lock: two admins acting on one account at once apply one after the other.
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "User" WHERE "id" = ${userId} FOR UPDATE`;
  if (!row) throw new NotFoundError("There is no such user.");
  return tx.user.findUniqueOrThrow({ where: { id: userId } });
}

function refuseSelf(actor: Actor, userId: string, what: string) {
  // An administrator cannot lock themselves out; another administrator has to do it.
  if (actor.id === userId) throw new ValidationError({ userId: [`You cannot ${what} your own account; ask another administrator.`] });
}

async function changeStatus(
  actor: Actor,
  userId: string,
  change: { from: UserStatus[]; to: UserStatus; action: string; verb: string },
): Promise<UserSummary> {
  requireUserManager(actor);
  refuseSelf(actor, userId, change.verb);
  const summary = await prisma.$transaction(async (tx) => {
    const user = await findUserForUpdate(tx, userId);
    if (!change.from.includes(user.status)) {
      throw new ValidationError({ status: [`This account is ${user.status.toLowerCase()}; you cannot ${change.verb} it.`] });
    }
    await tx.user.update({ where: { id: userId }, data: { status: change.to } });
    const ended = change.to === "SUSPENDED" ? (await deleteUserSessions(tx, userId)).count : 0;
    await appendAudit(tx, {
      actor,
      action: change.action,
      itemType: "USER",
      itemId: userId,
      details: { email: user.email, from: user.status, to: change.to, ...(change.to === "SUSPENDED" ? { sessionsEnded: ended } : {}) },
      origin: actor.origin,
    });
    return tx.user.findUniqueOrThrow({ where: { id: userId }, select: summarySelect });
  });
  if (change.to === "SUSPENDED") revokeRealtimeAccess({ userId, reason: "suspended" });
  return summaryOf(summary);
}

/** Vetting is complete: a PENDING account becomes ACTIVE. */
export function activateUser(actor: Actor, userId: string) {
  return changeStatus(actor, userId, { from: ["PENDING"], to: "ACTIVE", action: "user.activate", verb: "activate" });
}

/** Ends every session, makes every access token stop working, and drops live connections. */
export function suspendUser(actor: Actor, userId: string) {
  return changeStatus(actor, userId, { from: ["PENDING", "ACTIVE"], to: "SUSPENDED", action: "user.suspend", verb: "suspend" });
}

export function reinstateUser(actor: Actor, userId: string) {
  return changeStatus(actor, userId, { from: ["SUSPENDED"], to: "ACTIVE", action: "user.reinstate", verb: "reinstate" });
}

/**
 * Lifts every sign-in delay of the account (after the administrator has confirmed with its owner that the failed
 * attempts were theirs, or dealt with the attack): every client may try again at once. Audited.
 */
export async function liftSignInDelay(actor: Actor, userId: string): Promise<UserSummary> {
  requireUserManager(actor);
  const summary = await prisma.$transaction(async (tx) => {
    const user = await findUserForUpdate(tx, userId);
    const counters = await liftSignInDelays(tx, userId);
    await appendAudit(tx, { actor, action: "user.sign_in_delay_lift", itemType: "USER", itemId: userId, details: { email: user.email, counters }, origin: actor.origin });
    return tx.user.findUniqueOrThrow({ where: { id: userId }, select: summarySelect });
  });
  return summaryOf(summary);
}

export async function changeUserRole(actor: Actor, { userId, role }: RoleChangeInput): Promise<UserSummary> {
  requireUserManager(actor);
  refuseSelf(actor, userId, "change the role of");
  const { summary, changed } = await prisma.$transaction(async (tx) => {
    const user = await findUserForUpdate(tx, userId);
    const changed = user.role !== role;
    if (changed) {
      await tx.user.update({ where: { id: userId }, data: { role } });
      await appendAudit(tx, {
        actor,
        action: "user.role_change",
        itemType: "USER",
        itemId: userId,
        details: { email: user.email, from: user.role, to: role },
        origin: actor.origin,
      });
    }
    return { summary: await tx.user.findUniqueOrThrow({ where: { id: userId }, select: summarySelect }), changed };
  });
  // Live connections hold the old role's view: drop them; they reconnect with the new role's permissions.
  if (changed) revokeRealtimeAccess({ userId, reason: "session_ended" });
  return summaryOf(summary);
}
