// People: accounts are created by an administrator only (no self sign-up), start PENDING until the agency's
// vetting is complete, and can be suspended (every session and token stops at once) and reinstated. An
// administrator can also take a user's second factor away or issue a one-time password; never a reusable secret.
import type { Prisma, Role, User, UserStatus, VettingState } from "@prisma/client";
import { generatePassword, hashPassword, passwordProblems } from "~/auth/password.server";
import { ADMINISTRATION, requirePermission, type Actor } from "~/auth/permissions.server";
import { deleteUserSessions } from "~/auth/session.server";
import { liftSignInDelays, signInDelays } from "~/auth/sign-in-throttle.server";
import { clearSecondFactor } from "~/auth/totp.server";
import { prisma, type Tx } from "~/db.server";
import { appendAudit, type RequestOrigin } from "~/models/audit.server";
import { revokeRealtimeAccess } from "~/models/rooms.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import type { NewPasswordInput, NewUserInput, RoleChangeInput, UserUpdateInput } from "~/validation/accounts";

export interface UserSummary {
  id: string;
  email: string;
  displayName: string;
  agency: string;
  role: Role;
  status: UserStatus;
  vettingState: VettingState;
  /** When the vetting lapses (null: no end date recorded). */
  vettingExpiresAt: Date | null;
  mfaEnrolled: boolean;
  /** Holds an unused or in-progress one-time password: must choose a new password at the next sign-in. */
  passwordChangeRequired: boolean;
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
  vettingState: true,
  vettingExpiresAt: true,
  totpEnabledAt: true,
  passwordChangeRequired: true,
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
  requirePermission(actor, "user:manage", ADMINISTRATION);
}

export async function listUsers(actor: Actor): Promise<UserSummary[]> {
  requireUserManager(actor);
  const users = await prisma.user.findMany({ select: summarySelect, orderBy: [{ status: "asc" }, { email: "asc" }] });
  const delays = await signInDelays(users.map((user) => user.id));
  return users.map((user) => summaryOf(user, delays));
}

/** How long an administrator's one-time password works if it is not used. */
export const ONE_TIME_PASSWORD_LIFETIME_MS = 24 * 60 * 60 * 1000;

export interface CreatedAccount {
  user: UserSummary;
  generatedPassword: string | null;
  /** Set when the generated password is a one-time password: when it stops working. */
  generatedPasswordExpiresAt: Date | null;
}

/**
 * Creates an account; returns the initial password when one was generated (to hand over once, out of band).
 * The new user must enrol an authenticator at their first sign-in. With `oneTimePassword` (the API) the
 * generated password works for one sign-in within ONE_TIME_PASSWORD_LIFETIME_MS and the user must then choose
 * their own, so the administrator never holds a reusable secret.
 */
export async function createUser(actor: Actor, input: NewUserInput, options: { oneTimePassword?: boolean } = {}): Promise<CreatedAccount> {
  requireUserManager(actor);
  return createUserAccount(options.oneTimePassword ? { ...input, password: undefined } : input, { actor, origin: actor.origin }, options);
}

/**
 * The account creation itself. Called by createUser (an administrator, checked there) and by the
 * `user:create` command line, which runs with database rights (`by.actor` null: audited as the command line).
 */
export async function createUserAccount(
  data: NewUserInput,
  by: { actor: { id: string; email: string } | null; origin?: RequestOrigin },
  options: { oneTimePassword?: boolean } = {},
): Promise<CreatedAccount> {
  const generatedPassword = data.password ? null : generatePassword();
  const generatedPasswordExpiresAt = options.oneTimePassword ? new Date(Date.now() + ONE_TIME_PASSWORD_LIFETIME_MS) : null;
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
        vettingState: data.vettingComplete ? "VETTED" : "PENDING",
        vettingExpiresAt: dateOrNull(data.vettingExpiresAt),
        passwordHash,
        passwordChangeRequired: generatedPasswordExpiresAt !== null,
        passwordExpiresAt: generatedPasswordExpiresAt,
      },
      select: summarySelect,
    });
    await appendAudit(tx, {
      actor: by.actor,
      action: "user.create",
      itemType: "USER",
      itemId: created.id,
      details: {
        email: created.email,
        role: created.role,
        agency: created.agency,
        status: created.status,
        vettingState: created.vettingState,
        ...(generatedPasswordExpiresAt ? { oneTimePasswordExpiresAt: generatedPasswordExpiresAt.toISOString() } : {}),
        via: by.actor ? "web" : "cli",
      },
      origin: by.origin,
    });
    return created;
  });
  return { user: summaryOf(user), generatedPassword, generatedPasswordExpiresAt };
}

function dateOrNull(value: string | null | undefined): Date | null {
  return value ? new Date(value) : null;
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
  change: { from: UserStatus[]; to: UserStatus; action: string; verb: string; vettingState?: VettingState },
): Promise<UserSummary> {
  requireUserManager(actor);
  refuseSelf(actor, userId, change.verb);
  const summary = await prisma.$transaction(async (tx) => {
    const user = await findUserForUpdate(tx, userId);
    if (!change.from.includes(user.status)) {
      throw new ValidationError({ status: [`This account is ${user.status.toLowerCase()}; you cannot ${change.verb} it.`] });
    }
    await tx.user.update({ where: { id: userId }, data: { status: change.to, ...(change.vettingState ? { vettingState: change.vettingState } : {}) } });
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

/** Vetting is complete: a PENDING account becomes ACTIVE and its vetting reads VETTED. */
export function activateUser(actor: Actor, userId: string) {
  return changeStatus(actor, userId, { from: ["PENDING"], to: "ACTIVE", action: "user.activate", verb: "activate", vettingState: "VETTED" });
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

export function changeUserRole(actor: Actor, { userId, role }: RoleChangeInput): Promise<UserSummary> {
  return updateUser(actor, userId, { role });
}

/**
 * Changes an account's role, agency or vetting, one audit record per field that changed (`user.role_change`,
 * `user.agency_change`, `user.vetting_change`, each with from and to). A new role or agency changes what the
 * user may see: their live connections are dropped and reconnect with the new permissions.
 */
export async function updateUser(actor: Actor, userId: string, input: UserUpdateInput): Promise<UserSummary> {
  requireUserManager(actor);
  if (input.role !== undefined) refuseSelf(actor, userId, "change the role of");
  const { summary, accessChanged } = await prisma.$transaction(async (tx) => {
    const user = await findUserForUpdate(tx, userId);
    const data: Prisma.UserUpdateInput = {};
    const audits: { action: string; from: unknown; to: unknown }[] = [];
    if (input.role !== undefined && input.role !== user.role) {
      data.role = input.role;
      audits.push({ action: "user.role_change", from: user.role, to: input.role });
    }
    if (input.agency !== undefined && input.agency !== user.agency) {
      data.agency = input.agency;
      audits.push({ action: "user.agency_change", from: user.agency, to: input.agency });
    }
    const vettingExpiresAt = input.vettingExpiresAt === undefined ? user.vettingExpiresAt : dateOrNull(input.vettingExpiresAt);
    const vettingState = input.vettingState ?? user.vettingState;
    if (vettingState !== user.vettingState || vettingExpiresAt?.getTime() !== user.vettingExpiresAt?.getTime()) {
      Object.assign(data, { vettingState, vettingExpiresAt });
      audits.push({
        action: "user.vetting_change",
        from: { state: user.vettingState, expiresAt: user.vettingExpiresAt?.toISOString() ?? null },
        to: { state: vettingState, expiresAt: vettingExpiresAt?.toISOString() ?? null },
      });
    }
    if (audits.length) await tx.user.update({ where: { id: userId }, data });
    for (const { action, from, to } of audits) {
      await appendAudit(tx, { actor, action, itemType: "USER", itemId: userId, details: { email: user.email, from, to }, origin: actor.origin });
    }
    return {
      summary: await tx.user.findUniqueOrThrow({ where: { id: userId }, select: summarySelect }),
      accessChanged: "role" in data || "agency" in data,
    };
  });
  // Live connections hold the old role's or agency's view: drop them; they reconnect with the new permissions.
  if (accessChanged) revokeRealtimeAccess({ userId, reason: "session_ended" });
  return summaryOf(summary);
}

/**
 * Takes the user's second factor away (lost or compromised authenticator): the TOTP secret and every recovery
 * code are deleted and every session ends, so the next sign-in enrols a new authenticator. Audited.
 */
export async function resetSecondFactor(actor: Actor, userId: string): Promise<UserSummary> {
  requireUserManager(actor);
  refuseSelf(actor, userId, "reset the second factor of");
  const summary = await prisma.$transaction(async (tx) => {
    const user = await findUserForUpdate(tx, userId);
    const recoveryCodesDeleted = await clearSecondFactor(tx, userId);
    const { count: sessionsEnded } = await deleteUserSessions(tx, userId);
    await appendAudit(tx, {
      actor,
      action: "user.second_factor_reset",
      itemType: "USER",
      itemId: userId,
      details: { email: user.email, hadSecondFactor: user.totpEnabledAt !== null, recoveryCodesDeleted, sessionsEnded },
      origin: actor.origin,
    });
    return tx.user.findUniqueOrThrow({ where: { id: userId }, select: summarySelect });
  });
  revokeRealtimeAccess({ userId, reason: "session_ended" });
  return summaryOf(summary);
}

/**
 * Issues a one-time sign-in password (a forgotten password): it replaces the old one, works for one sign-in
 * within ONE_TIME_PASSWORD_LIFETIME_MS, and that sign-in must enrol a new second factor (cleared here, as in
 * resetSecondFactor) and choose a new password. Only its hash is stored; the administrator sees it once.
 */
export async function issueOneTimePassword(actor: Actor, userId: string): Promise<{ user: UserSummary; oneTimePassword: string; expiresAt: Date }> {
  requireUserManager(actor);
  refuseSelf(actor, userId, "issue a one-time password for");
  const oneTimePassword = generatePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  const expiresAt = new Date(Date.now() + ONE_TIME_PASSWORD_LIFETIME_MS);
  const summary = await prisma.$transaction(async (tx) => {
    const user = await findUserForUpdate(tx, userId);
    await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangeRequired: true, passwordExpiresAt: expiresAt } });
    const recoveryCodesDeleted = await clearSecondFactor(tx, userId);
    const { count: sessionsEnded } = await deleteUserSessions(tx, userId);
    await appendAudit(tx, {
      actor,
      action: "user.one_time_password_issue",
      itemType: "USER",
      itemId: userId,
      details: { email: user.email, expiresAt: expiresAt.toISOString(), recoveryCodesDeleted, sessionsEnded },
      origin: actor.origin,
    });
    return tx.user.findUniqueOrThrow({ where: { id: userId }, select: summarySelect });
  });
  revokeRealtimeAccess({ userId, reason: "session_ended" });
  return { user: summaryOf(summary), oneTimePassword, expiresAt };
}

/**
 * The new password of a user who signed in with a one-time password (the only way to leave that state): checked
 * against the password policy, stored hashed, and the account is back to normal. Audited.
 */
export async function chooseNewPassword(user: { id: string; email: string }, input: NewPasswordInput, origin?: RequestOrigin): Promise<void> {
  const problems = passwordProblems(input.password, user.email);
  if (problems.length) throw new ValidationError({ password: problems });
  const passwordHash = await hashPassword(input.password);
  await prisma.$transaction(async (tx) => {
    const changed = await tx.user.updateMany({ where: { id: user.id, passwordChangeRequired: true }, data: { passwordHash, passwordChangeRequired: false, passwordExpiresAt: null } });
    if (changed.count === 0) throw new ValidationError({ password: ["Your password has already been changed."] });
    await appendAudit(tx, { actor: user, action: "auth.password_change", details: { after: "one_time_password" }, origin });
  });
}
