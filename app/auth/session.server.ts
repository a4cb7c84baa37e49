// Who is making this request: browser sessions (lucia v3 over our own Prisma adapter, which stores only the
// SHA-256 of each session id) and, for /api/ routes, personal access tokens. All session code lives here.
import { createHash } from "node:crypto";
import { redirect } from "@remix-run/node";
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from "lucia";
import { loadActor, taskforceIdSet, type Actor, type UserIdentity } from "~/auth/permissions.server";
import { Prisma } from "@prisma/client";
import { prisma, readSql, type Tx } from "~/db.server";
import { appendAudit, recordAudit, type RequestOrigin } from "~/models/audit.server";
import { revokeRealtimeAccess } from "~/models/rooms.server";
import { findTokenGrant, hashToken } from "~/models/tokens.server";
import { UnauthenticatedError, errorBody } from "~/utils/errors.server";
import { requestOrigin } from "~/utils/request.server";

export const SESSION_COOKIE_NAME = "cb_session";
/** A session ends 12 hours after sign-in however active it is (never extended). */
export const SESSION_ABSOLUTE_LIFETIME = new TimeSpan(12, "h");
/** ...and after 30 minutes without a request. */
export const SESSION_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
// lastSeenAt is written at most once a minute, so a busy page does not write on every request.
const LAST_SEEN_RESOLUTION_MS = 60 * 1000;

export type AuthUser = UserIdentity;

interface SessionAttributes {
  mfaVerified: boolean;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
}

interface UserAttributes extends Omit<AuthUser, "id"> {
  totpEnabled: boolean;
  passwordChangeRequired: boolean;
}

declare module "lucia" {
  interface Register {
    Lucia: Lucia<SessionAttributes, UserAttributes>;
    DatabaseSessionAttributes: SessionAttributes;
    DatabaseUserAttributes: UserAttributes;
  }
}

/** What the Session table's primary key holds for a browser's session id. */
export function hashSessionId(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("hex");
}

/**
 * lucia's storage, keyed by the hash of the session id: a copy of the Session table does not let anyone
 * sign in. Every method that receives a session id hashes it first.
 */
export class HashedPrismaSessionAdapter implements Adapter {
  async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    const row = await prisma.session.findUnique({ where: { id: hashSessionId(sessionId) }, include: { user: true } });
    if (!row) return [null, null];
    const { user } = row;
    return [
      // lucia hands this id back to deleteSession/updateSessionExpiration, which hash it again.
      { id: sessionId, userId: row.userId, expiresAt: row.expiresAt, attributes: sessionAttributesOf(row) },
      {
        id: user.id,
        attributes: {
          email: user.email,
          displayName: user.displayName,
          role: user.role,
          agency: user.agency,
          status: user.status,
          totpEnabled: Boolean(user.totpSecret && user.totpEnabledAt),
          passwordChangeRequired: user.passwordChangeRequired,
        },
      },
    ];
  }

  /** The ids returned are the stored hashes (the plaintext ids are unknown to the server by design). */
  async getUserSessions(userId: string): Promise<DatabaseSession[]> {
    const rows = await prisma.session.findMany({ where: { userId } });
    return rows.map((row) => ({ id: row.id, userId: row.userId, expiresAt: row.expiresAt, attributes: sessionAttributesOf(row) }));
  }

  async setSession(session: DatabaseSession): Promise<void> {
    const { mfaVerified, ip, userAgent } = session.attributes;
    await prisma.session.create({
      data: {
        id: hashSessionId(session.id),
        userId: session.userId,
        expiresAt: session.expiresAt,
        lastSeenAt: new Date(),
        mfaVerified,
        ip,
        userAgent: userAgent?.slice(0, 300) ?? null,
      },
    });
  }

  /** Absolute lifetime: an expiry may be brought forward but never pushed back (lucia would slide it). */
  async updateSessionExpiration(sessionId: string, expiresAt: Date): Promise<void> {
    await prisma.session.updateMany({ where: { id: hashSessionId(sessionId), expiresAt: { gt: expiresAt } }, data: { expiresAt } });
  }

  async deleteSession(sessionId: string): Promise<void> {
    await prisma.session.deleteMany({ where: { id: hashSessionId(sessionId) } });
  }

  async deleteUserSessions(userId: string): Promise<void> {
    await prisma.session.deleteMany({ where: { userId } });
  }

  async deleteExpiredSessions(): Promise<void> {
    const now = Date.now();
    await prisma.session.deleteMany({
      where: { OR: [{ expiresAt: { lte: new Date(now) } }, { lastSeenAt: { lt: new Date(now - SESSION_IDLE_TIMEOUT_MS) } }] },
    });
  }
}

function sessionAttributesOf(row: { mfaVerified: boolean; lastSeenAt: Date; ip: string | null; userAgent: string | null }): SessionAttributes {
  return { mfaVerified: row.mfaVerified, lastSeenAt: row.lastSeenAt, ip: row.ip, userAgent: row.userAgent };
}

/** Cookies are Secure except in development or when COOKIE_SECURE=false (plain-HTTP test rigs). */
export function cookieSecure(env: NodeJS.ProcessEnv = process.env): boolean {
  return !(env.NODE_ENV === "development" || env.COOKIE_SECURE === "false");
}

const adapter = new HashedPrismaSessionAdapter();

// Built per call (it is a few object literals) so the Secure flag follows the environment of the moment.
function lucia(): Lucia<SessionAttributes, UserAttributes> {
  return new Lucia<SessionAttributes, UserAttributes>(adapter, {
    sessionExpiresIn: SESSION_ABSOLUTE_LIFETIME,
    sessionCookie: { name: SESSION_COOKIE_NAME, expires: true, attributes: { sameSite: "lax", secure: cookieSecure(), path: "/" } },
    getSessionAttributes: (attributes) => attributes,
    getUserAttributes: (attributes) => attributes,
  });
}

/** A session that is valid right now (signed in with a password; `mfaVerified` once the second factor is done). */
export interface CurrentSession {
  /** The id the browser holds (never stored). */
  sessionId: string;
  /** The id as stored: the SHA-256 of `sessionId`. */
  storedId: string;
  mfaVerified: boolean;
  totpEnabled: boolean;
  /** Signed in with an administrator's one-time password: nothing but choosing a new one until it is done. */
  passwordChangeRequired: boolean;
  user: AuthUser;
}

/** When a session goes idle: SESSION_IDLE_TIMEOUT_MS after the last activity recorded. */
function idleExpiry(lastSeenAt: Date): number {
  return lastSeenAt.getTime() + SESSION_IDLE_TIMEOUT_MS;
}

/** Records activity (a page request, a client event sent on a socket): the idle deadline moves on. Returns lastSeenAt. */
async function recordActivity(storedId: string, lastSeenAt: Date, now: number): Promise<Date> {
  if (now - lastSeenAt.getTime() <= LAST_SEEN_RESOLUTION_MS) return lastSeenAt;
  await prisma.session.updateMany({ where: { id: storedId }, data: { lastSeenAt: new Date(now) } });
  return new Date(now);
}

async function validateSessionId(sessionId: string): Promise<CurrentSession | null> {
  const { session, user } = await lucia().validateSession(sessionId);
  if (!session) return null;
  const now = Date.now();
  // Checked on every validation too (not only at sign-in): suspension also deletes sessions, this is the backstop.
  if (now >= idleExpiry(session.lastSeenAt) || user.status !== "ACTIVE") {
    await adapter.deleteSession(sessionId);
    return null;
  }
  const storedId = hashSessionId(sessionId);
  await recordActivity(storedId, session.lastSeenAt, now);
  const { email, displayName, role, agency, status, totpEnabled, passwordChangeRequired } = user;
  return {
    sessionId,
    storedId,
    mfaVerified: session.mfaVerified,
    totpEnabled,
    passwordChangeRequired,
    user: { id: user.id, email, displayName, role, agency, status },
  };
}

function sessionIdFromCookieHeader(cookieHeader: string | null | undefined): string | null {
  return cookieHeader ? lucia().readSessionCookie(cookieHeader) : null;
}

/** The request's session, fully signed in or not; null when there is none or it has ended. */
export async function getCurrentSession(request: Request): Promise<CurrentSession | null> {
  const sessionId = sessionIdFromCookieHeader(request.headers.get("Cookie"));
  return sessionId ? validateSessionId(sessionId) : null;
}

/** Starts a session for a user who has just proved their password (and, with mfaVerified, their second factor). */
export async function startSession(userId: string, options: { mfaVerified: boolean; origin?: RequestOrigin }): Promise<string> {
  const session = await lucia().createSession(userId, {
    mfaVerified: options.mfaVerified,
    lastSeenAt: new Date(),
    ip: options.origin?.ip ?? null,
    userAgent: options.origin?.userAgent ?? null,
  });
  return lucia().createSessionCookie(session.id).serialize();
}

/**
 * The second factor is done: the password-only session is replaced by a new, fully signed-in one (a new id,
 * so an id seen before the second factor is worth nothing afterwards). Returns the Set-Cookie value.
 */
export async function upgradeSession(pending: CurrentSession, origin?: RequestOrigin): Promise<string> {
  await adapter.deleteSession(pending.sessionId);
  return startSession(pending.user.id, { mfaVerified: true, origin });
}

/**
 * Marks the password-only session as fully signed in, keeping its id. For enrolment only: the page that
 * shows the new recovery codes is rendered with the cookie the browser sent, so the id must stay valid.
 */
export async function markSessionMfaVerified(pending: CurrentSession, db: Pick<Tx, "session"> = prisma): Promise<void> {
  await db.session.updateMany({ where: { id: pending.storedId, userId: pending.user.id }, data: { mfaVerified: true } });
}

export function blankSessionCookie(): string {
  return lucia().createBlankSessionCookie().serialize();
}

function unauthenticatedResponse(message: string): Response {
  return Response.json({ error: errorBody(new UnauthenticatedError(message)) }, { status: 401 });
}

/**
 * The one credential a request is judged by, read from its headers alone (no database). On /api/ paths an
 * Authorization header, when there is one, is the credential and the session cookie is not read at all;
 * everywhere else only the session cookie is, and an Authorization header is ignored. So no request is judged
 * by one credential and acted on with the other: the CSRF origin check (server/http-guards.ts) exempts exactly
 * the requests this calls "token", which carry no ambient authority, and the API rate limit
 * (app/utils/api.server.ts) keys on what this finds, however the header is spelled.
 */
export type RequestCredential =
  /** `token` is "" when the header is not `Bearer <token>` (refused as an invalid token). */
  | { kind: "token"; token: string }
  | { kind: "session"; sessionId: string }
  | { kind: "none" };

export function requestCredential(pathname: string, headers: { authorization?: string | null; cookie?: string | null }): RequestCredential {
  if (pathname.startsWith("/api/") && headers.authorization) {
    // Any case of "Bearer", any run of spaces or tabs: one token, one credential.
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization.trim());
    return { kind: "token", token: match ? match[1] : "" };
  }
  const sessionId = sessionIdFromCookieHeader(headers.cookie);
  return sessionId ? { kind: "session", sessionId } : { kind: "none" };
}

function credentialOfRequest(request: Request): RequestCredential {
  return requestCredential(new URL(request.url).pathname, { authorization: request.headers.get("Authorization"), cookie: request.headers.get("Cookie") });
}

/** An API caller: the actor, and the identity its requests are counted under (the token's id, or the user's). */
export interface ApiCaller {
  actor: Actor;
  /** `token:<AccessToken.id>` for a personal access token, `user:<User.id>` for the browser session of a user. */
  identity: string;
}

/**
 * For /api/ routes: the fully signed-in caller, by the credential `requestCredential` names (a personal access
 * token, or the session cookie when there is no Authorization header); otherwise throws a 401 JSON Response.
 */
export async function requireApiCaller(request: Request): Promise<ApiCaller> {
  const origin = requestOrigin(request);
  const credential = credentialOfRequest(request);
  if (credential.kind === "token") {
    const grant = credential.token ? await findTokenGrant(credential.token) : null;
    if (!grant) throw unauthenticatedResponse("The access token is invalid, expired or revoked, or its owner's account is not active.");
    return { actor: { ...grant.owner, taskforceIds: taskforceIdSet(grant.taskforceIds), origin }, identity: `token:${grant.tokenId}` };
  }
  const current = credential.kind === "session" ? await validateSessionId(credential.sessionId) : null;
  if (!current?.mfaVerified) {
    throw unauthenticatedResponse("Sign in first, or send a personal access token as 'Authorization: Bearer <token>'.");
  }
  if (current.passwordChangeRequired) throw unauthenticatedResponse("Choose a new password first (/account/password).");
  return { actor: await loadActor(current.user, origin), identity: `user:${current.user.id}` };
}

/** The path (and query) to come back to after signing in; single-fetch data URLs map back to their page. */
function returnPath(request: Request): string {
  const url = new URL(request.url);
  const pathname = url.pathname.endsWith(".data") ? url.pathname.slice(0, -".data".length) || "/" : url.pathname;
  url.searchParams.delete("_routes");
  const search = url.searchParams.toString();
  return `${pathname}${search ? `?${search}` : ""}`;
}

/**
 * The fully signed-in actor (password and second factor done, account active), with `origin` set.
 * Pages: otherwise throws a redirect to /login, /mfa/verify or /mfa/enrol. API routes (/api/...): see
 * requireApiCaller (a personal access token, or the session without an Authorization header; else a 401).
 */
export async function requireActor(request: Request): Promise<Actor> {
  if (new URL(request.url).pathname.startsWith("/api/")) return (await requireApiCaller(request)).actor;
  const origin = requestOrigin(request);
  const current = await getCurrentSession(request);
  const back = encodeURIComponent(returnPath(request));
  if (!current) {
    const hadCookie = sessionIdFromCookieHeader(request.headers.get("Cookie")) !== null;
    throw redirect(`/login?redirectTo=${back}`, hadCookie ? { headers: { "Set-Cookie": blankSessionCookie() } } : undefined);
  }
  if (!current.mfaVerified) throw redirect(`${current.totpEnabled ? "/mfa/verify" : "/mfa/enrol"}?redirectTo=${back}`);
  if (current.passwordChangeRequired) throw redirect(`${NEW_PASSWORD_PATH}?redirectTo=${back}`);
  return loadActor(current.user, origin);
}

export const NEW_PASSWORD_PATH = "/account/password";

/**
 * For the page where a user who signed in with a one-time password chooses a new one: a fully signed-in
 * session that still has to. No session: to /login; no change required: to `redirectTo`.
 */
export async function requirePasswordChangeSession(request: Request, redirectTo: string): Promise<CurrentSession> {
  const current = await getCurrentSession(request);
  if (!current) throw redirect(`/login?redirectTo=${encodeURIComponent(redirectTo)}`);
  if (!current.mfaVerified) throw redirect(`${current.totpEnabled ? "/mfa/verify" : "/mfa/enrol"}?redirectTo=${encodeURIComponent(NEW_PASSWORD_PATH)}`);
  if (!current.passwordChangeRequired) throw redirect(redirectTo);
  return current;
}

/** The fully signed-in user, or null (pages that look different when signed in, e.g. the top bar). */
export async function getOptionalUser(request: Request): Promise<AuthUser | null> {
  const current = await getCurrentSession(request);
  return current?.mfaVerified ? current.user : null;
}

/**
 * For the MFA pages: a session that has passed the password step but not yet the second factor.
 * No session: to /login. Already fully signed in: to `redirectTo`.
 */
export async function requirePendingSession(request: Request, redirectTo: string): Promise<CurrentSession> {
  const current = await getCurrentSession(request);
  if (!current) throw redirect(`/login?redirectTo=${encodeURIComponent(redirectTo)}`);
  if (current.mfaVerified) throw redirect(redirectTo);
  return current;
}

/** A credential a live connection holds, as it stands now: whose it is, and when it ends unless renewed. */
export interface CredentialStatus {
  user: AuthUser;
  /** The user's taskforces, read with the credential (one round trip for a socket's re-check). */
  taskforceIds: readonly string[];
  /**
   * When the credential stops being valid. A session: the earlier of its idle expiry (last activity +
   * SESSION_IDLE_TIMEOUT_MS), which later activity moves on, and its absolute expiry. A token: its expiry.
   */
  deadline: Date;
}

function identityOf(user: AuthUser): AuthUser {
  const { id, email, displayName, role, agency, status } = user;
  return { id, email, displayName, role, agency, status };
}

/**
 * For sockets: the fully signed-in session with this stored (hashed) id if it is valid now, with its deadline;
 * the same checks and lifetimes as the pages. A socket only observes its session: listening does not keep a
 * session alive, so lastSeenAt is left as it is unless `activity` says the user did something (a client event
 * they sent), which counts as a page request does. Nothing is deleted here; an ended session is just refused.
 */
export async function checkSocketSession(storedId: string, options: { activity?: boolean } = {}): Promise<CredentialStatus | null> {
  // One prepared statement with the user and their taskforces: every event a user sends on a socket re-checks it
  // before its write commits (a shared lead's room waits for it: issue 9's fan-out).
  const [row] = await readSql<AuthUser & { expiresAt: Date; lastSeenAt: Date; mfaVerified: boolean; passwordChangeRequired: boolean; taskforceIds: string[] }>(Prisma.sql`
    SELECT s."expiresAt" AT TIME ZONE 'UTC' AS "expiresAt", s."lastSeenAt" AT TIME ZONE 'UTC' AS "lastSeenAt", s."mfaVerified",
      u."id", u."email", u."displayName", u."role"::text AS "role", u."agency", u."status"::text AS "status", u."passwordChangeRequired",
      COALESCE(ARRAY(SELECT m."taskforceId" FROM "TaskforceMember" m WHERE m."userId" = u."id"), '{}') AS "taskforceIds"
    FROM "Session" s JOIN "User" u ON u."id" = s."userId"
    WHERE s."id" = ${storedId}`);
  const now = Date.now();
  if (!row || !row.mfaVerified || row.status !== "ACTIVE" || row.passwordChangeRequired) return null;
  if (now >= Math.min(idleExpiry(row.lastSeenAt), row.expiresAt.getTime())) return null;
  const lastSeenAt = options.activity ? await recordActivity(storedId, row.lastSeenAt, now) : row.lastSeenAt;
  return { user: identityOf(row), taskforceIds: row.taskforceIds, deadline: new Date(Math.min(idleExpiry(lastSeenAt), row.expiresAt.getTime())) };
}

/**
 * What checkSocketSession and checkAccessToken check, and keepsAccess compares with the socket's snapshot, as one
 * condition evaluated inside a write's statement (Actor.confirmedWhere): the credential is valid now, its user is
 * this actor, active, with the same role and agency, and a member of `taskforceId`. Timestamps are stored as UTC.
 */
export function credentialHeldSql(credential: { kind: "session"; sessionId: string } | { kind: "token"; token: string }, actor: Actor, taskforceId: Prisma.Sql): Prisma.Sql {
  const standing = Prisma.sql`u."id" = ${actor.id} AND u."status" = 'ACTIVE' AND u."role"::text = ${actor.role} AND u."agency" = ${actor.agency}
    AND EXISTS (SELECT FROM "TaskforceMember" m WHERE m."userId" = u."id" AND m."taskforceId" = ${taskforceId})`;
  if (credential.kind === "token") {
    return Prisma.sql`EXISTS (SELECT FROM "AccessToken" t JOIN "User" u ON u."id" = t."userId"
      WHERE t."tokenHash" = ${hashToken(credential.token)} AND t."revokedAt" IS NULL AND t."expiresAt" AT TIME ZONE 'UTC' > now() AND ${standing})`;
  }
  return Prisma.sql`EXISTS (SELECT FROM "Session" s JOIN "User" u ON u."id" = s."userId"
    WHERE s."id" = ${credential.sessionId} AND s."mfaVerified" AND NOT u."passwordChangeRequired"
      AND s."expiresAt" AT TIME ZONE 'UTC' > now() AND s."lastSeenAt" AT TIME ZONE 'UTC' > now() - ${SESSION_IDLE_TIMEOUT_MS} * interval '1 millisecond'
      AND ${standing})`;
}

/**
 * For the Socket.IO handshake: the cookie's fully signed-in session (see checkSocketSession: observed, not
 * renewed); `sessionId` is the stored (hashed) id, which the socket keeps to check the session again.
 */
export async function validateSessionCookieHeader(cookieHeader: string | undefined): Promise<(CredentialStatus & { sessionId: string }) | null> {
  const sessionId = sessionIdFromCookieHeader(cookieHeader);
  if (!sessionId) return null;
  const storedId = hashSessionId(sessionId);
  const status = await checkSocketSession(storedId);
  return status ? { ...status, sessionId: storedId } : null;
}

/** A personal access token that is valid now (known, not revoked, not expired, owner active): its owner and expiry. */
export async function checkAccessToken(token: string): Promise<CredentialStatus | null> {
  // The sockets' check is the database's answer: their snapshot is the cache (server/socket/auth.ts).
  const grant = await findTokenGrant(token, { fresh: true });
  return grant ? { user: grant.owner, taskforceIds: grant.taskforceIds, deadline: grant.expiresAt } : null;
}

/** The owner of a valid personal access token whose account is active, or null. */
export async function validateAccessToken(token: string): Promise<AuthUser | null> {
  return (await checkAccessToken(token))?.user ?? null;
}

/** Ends this browser's session; returns the Set-Cookie value that clears the cookie. */
export async function signOut(request: Request): Promise<string> {
  const current = await getCurrentSession(request);
  if (current) {
    await adapter.deleteSession(current.sessionId);
    await recordAudit({ actor: current.user, action: "auth.sign_out", origin: requestOrigin(request) });
    // Every socket of the user is dropped; those of their other, still valid sessions reconnect on their own.
    revokeRealtimeAccess({ userId: current.user.id, reason: "session_ended" });
  }
  return blankSessionCookie();
}

/** Ends every session of the actor (all browsers) and their live connections; returns the clearing Set-Cookie. */
export async function signOutEverywhere(actor: Actor): Promise<string> {
  await prisma.$transaction(async (tx) => {
    const { count } = await deleteUserSessions(tx, actor.id);
    await appendAudit(tx, { actor, action: "auth.sign_out_everywhere", details: { sessionsEnded: count }, origin: actor.origin });
  });
  revokeRealtimeAccess({ userId: actor.id, reason: "signed_out_everywhere" });
  return blankSessionCookie();
}

/** Deletes every session of a user inside the caller's transaction (suspension, sign out everywhere). */
export async function deleteUserSessions(tx: Tx, userId: string): Promise<{ count: number }> {
  return tx.session.deleteMany({ where: { userId } });
}

/** How many live sessions the user has (shown on the account page). */
export async function countActiveSessions(userId: string): Promise<number> {
  const now = Date.now();
  return prisma.session.count({
    where: { userId, expiresAt: { gt: new Date(now) }, lastSeenAt: { gte: new Date(now - SESSION_IDLE_TIMEOUT_MS) } },
  });
}

