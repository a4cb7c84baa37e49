// Who is on the other end of a socket: the page's session cookie (same validation and lifetimes as the
// loaders, MFA done) or a tool's personal access token in the handshake's auth.token. Checked again with every
// client event (a write commits only once the check has passed), by the periodic re-check and the revocations that
// keep each socket's snapshot for delivery, and when the credential's deadline passes, so a socket never outlives it.
import type { IncomingMessage } from "node:http";
import type { Prisma } from "@prisma/client";
import type { ExtendedError } from "socket.io";
import { actorOf, type Actor } from "~/auth/permissions.server";
import { checkAccessToken, checkSocketSession, credentialHeldSql, validateSessionCookieHeader, type CredentialStatus } from "~/auth/session.server";
import type { RequestOrigin } from "~/models/audit.server";
import { ForbiddenError, UnauthenticatedError } from "~/utils/errors.server";
import { TokenBucket, socketRateLimit } from "./rate-limit";
import { userRoom, type Credentials, type RealtimeSocket, type SocketState } from "./types";

const states = new WeakMap<RealtimeSocket, SocketState>();
/** setTimeout's longest wait (about 24.8 days); a later deadline is checked on the way and the wait resumed. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Fire just after the deadline, so the check sees the credential ended rather than a moment before. */
const DEADLINE_SLACK_MS = 20;

export function stateOf(socket: RealtimeSocket): SocketState | undefined {
  return states.get(socket);
}

/**
 * Transport-level guard against cross-site WebSocket hijacking (the `cors` option does not stop it): a request
 * that carries an Origin must carry one of ours. Requests without an Origin are judged in the middleware.
 */
export function allowOrigin(allowedOrigins: readonly string[]) {
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.includes(origin)) return callback("Origin not allowed", false);
    callback(null, true);
  };
}

function refusal(code: "UNAUTHENTICATED" | "ORIGIN_NOT_ALLOWED", message: string): ExtendedError {
  const error = new Error(message) as ExtendedError;
  error.data = { code, message };
  return error;
}

function handshakeOrigin(socket: RealtimeSocket): RequestOrigin {
  const userAgent = socket.handshake.headers["user-agent"];
  return { ip: socket.handshake.address || null, userAgent: typeof userAgent === "string" ? userAgent : null };
}

/**
 * A browser's own same-origin request may omit Origin (a polling GET does); it then says so in
 * Sec-Fetch-Site, which pages cannot forge. A cookie handshake needs one or the other.
 */
function cookieHandshakeOriginOk(socket: RealtimeSocket, allowedOrigins: readonly string[]): boolean {
  const { origin, "sec-fetch-site": fetchSite } = socket.handshake.headers;
  if (origin !== undefined) return allowedOrigins.includes(origin);
  return fetchSite === "same-origin";
}

export function handshakeMiddleware(allowedOrigins: readonly string[]) {
  return async (socket: RealtimeSocket, next: (err?: ExtendedError) => void) => {
    try {
      const query = socket.handshake.query;
      if (query.token !== undefined || query.access_token !== undefined) {
        return next(refusal("UNAUTHENTICATED", "Send the access token in the handshake's auth.token, never in the URL."));
      }
      const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
      let status: CredentialStatus | null;
      let credentials: Credentials;
      if (typeof auth.token === "string" && auth.token !== "") {
        // allowRequest has already refused a foreign Origin; a tool sends none.
        status = await checkAccessToken(auth.token);
        credentials = { kind: "token", token: auth.token };
      } else {
        if (!cookieHandshakeOriginOk(socket, allowedOrigins)) {
          return next(refusal("ORIGIN_NOT_ALLOWED", "This origin may not open a signed-in connection."));
        }
        const session = await validateSessionCookieHeader(socket.handshake.headers.cookie);
        status = session;
        credentials = { kind: "session", sessionId: session?.sessionId ?? "" };
      }
      if (!status) {
        return next(refusal("UNAUTHENTICATED", "Sign in (with your second factor) or send a valid personal access token."));
      }
      const { user } = status;
      const origin = handshakeOrigin(socket);
      const { ratePerSecond, burst } = socketRateLimit();
      states.set(socket, {
        credentials,
        origin,
        actor: actorOf(user, status.taskforceIds, origin),
        checkedAt: Date.now(),
        rooms: new Map(),
        viewing: null,
        bucket: new TokenBucket(ratePerSecond, burst),
      });
      socket.data = { userId: user.id, displayName: user.displayName, role: user.role, authKind: credentials.kind };
      await socket.join(userRoom(user.id));
      // Cleared at the disconnect by forgetSocket (the realtime layer's one disconnect listener; a listener of its
      // own cost each socket ~0.2 KB). Should it ever fire for a socket gone, it finds it disconnected and stops.
      watchDeadline(socket, status.deadline);
      next();
    } catch (error) {
      console.error("[realtime] handshake failed", error);
      next(refusal("UNAUTHENTICATED", "The connection could not be authenticated."));
    }
  };
}

/** The credential as it stands now, through the session and token modules. */
function checkCredentials(credentials: Credentials, options: { activity?: boolean } = {}): Promise<CredentialStatus | null> {
  return credentials.kind === "token" ? checkAccessToken(credentials.token) : checkSocketSession(credentials.sessionId, options);
}

/** At the disconnect: the socket's credential timer is cleared (it would hold the socket until its deadline). */
export function forgetSocket(socket: RealtimeSocket): void {
  clearTimeout(states.get(socket)?.deadlineTimer);
}

/**
 * Arms the socket's timer for its credential's deadline. When it fires the credential is checked again: if
 * activity on the pages has moved the deadline on, the timer is armed for the new one; otherwise the socket is
 * disconnected then, without waiting for its next event. The timer is unref'd and cleared on disconnect.
 */
function watchDeadline(socket: RealtimeSocket, deadline: Date): void {
  const state = states.get(socket);
  if (!state) return;
  clearTimeout(state.deadlineTimer);
  const wait = Math.min(Math.max(deadline.getTime() - Date.now(), 0) + DEADLINE_SLACK_MS, MAX_TIMER_MS);
  state.deadlineTimer = setTimeout(() => void deadlineReached(socket), wait).unref();
}

async function deadlineReached(socket: RealtimeSocket): Promise<void> {
  const state = states.get(socket);
  if (!state || socket.disconnected) return;
  let status: CredentialStatus | null = null;
  try {
    status = await checkCredentials(state.credentials);
  } catch (error) {
    // Fail closed: the client reconnects through the handshake, which checks the credential again.
    console.error("[realtime] credential check failed", error);
  }
  if (socket.disconnected) return;
  if (status) watchDeadline(socket, status.deadline);
  else socket.disconnect(true);
}

/** How long a socket whose credential ended waits for its event's answer before it is closed anyway. */
const ANSWER_GRACE_MS = 1_000;

/**
 * A socket whose credential has ended: it hears nothing more from now on (out of every room at once), and the
 * handler closes it once it has answered the event that found out (UNAUTHENTICATED, as docs/realtime-protocol.md
 * says; closed first, the client got a disconnect and never the answer), or after ANSWER_GRACE_MS at the latest.
 */
function dropAfterAnswer(socket: RealtimeSocket): void {
  const state = states.get(socket);
  if (state) state.credentialEnded = true;
  for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
  setTimeout(() => socket.disconnect(true), ANSWER_GRACE_MS).unref();
}

/**
 * Full re-check before a client event: the same validation as the handshake. `activity`: the user sent it
 * (it renews the session's idle deadline as a page request does). Null: the socket has been dropped.
 */
export async function revalidate(socket: RealtimeSocket, options: { activity?: boolean } = {}): Promise<Actor | null> {
  const state = states.get(socket);
  if (!state || !socket.connected) return null;
  const status = await checkCredentials(state.credentials, options);
  if (!status) {
    dropAfterAnswer(socket);
    return null;
  }
  state.actor = keptSnapshot(actorOf(status.user, status.taskforceIds, state.origin), state.actor);
  state.checkedAt = Date.now();
  if (options.activity) state.activityAt = state.checkedAt;
  return state.actor;
}

/**
 * The socket's new snapshot: the actor just read, with the request's origin kept, holding the previous snapshot's
 * strings where they are equal. Every read of the user makes new copies of the same id, email and names, and a
 * socket keeps its snapshot as long as it is open (a thousand sockets kept two copies each: idle-1000).
 */
export function keptSnapshot(fresh: Actor, previous: Actor): Actor {
  const same = <T>(now: T, before: T) => (now === before ? before : now);
  // Written out, not spread: a spread copy came out in dictionary mode, with a hidden class of its own for every
  // socket (~0.3 KB each).
  return {
    id: same(fresh.id, previous.id),
    email: same(fresh.email, previous.email),
    displayName: same(fresh.displayName, previous.displayName),
    role: same(fresh.role, previous.role),
    agency: same(fresh.agency, previous.agency),
    status: same(fresh.status, previous.status),
    taskforceIds: fresh.taskforceIds,
    origin: previous.origin,
  };
}

/**
 * True when the user as read now may go on as the socket's snapshot: still active, same role and agency. Otherwise
 * the socket is dropped (the periodic re-check) or its event refused and run again (`rechecking`).
 */
export function keepsStanding(fresh: Actor, snapshot: Actor): boolean {
  return fresh.status === "ACTIVE" && fresh.role === snapshot.role && fresh.agency === snapshot.agency;
}

/** True when `fresh` may do everything `snapshot` could: same standing, no membership lost. */
function keepsAccess(fresh: Actor, snapshot: Actor): boolean {
  if (!keepsStanding(fresh, snapshot)) return false;
  for (const taskforceId of snapshot.taskforceIds) if (!fresh.taskforceIds.has(taskforceId)) return false;
  return true;
}

/** True when the two may do exactly the same things. */
export function sameAccess(a: Actor, b: Actor): boolean {
  return keepsAccess(a, b) && a.taskforceIds.size === b.taskforceIds.size;
}

/** Refuses a write made on a snapshot that the re-check found too wide (the handler runs again on the fresh actor). */
class AccessNarrowed extends ForbiddenError {}

export interface RecheckedActor {
  /** The actor the event's work runs as: the snapshot, carrying `confirmed`, or the re-checked actor itself. */
  actor: Actor;
  /** The actor as the database has it now (null: the credential ended, and the socket has been dropped). */
  fresh(): Promise<Actor | null>;
}

/**
 * The actor for an event the user sent, re-checked against the database as fully as `revalidate`, but beside the
 * event's work rather than before it: the snapshot serves the work, and `confirmed` settles when the re-check has
 * passed. Writes commit only after it (app/models/changes.server.ts) and the handler answers only after it, so a
 * lead shared to a room waits for one round trip less before its broadcast. When the access the work ran with
 * turns out to have narrowed, the write rolls back and the handler runs the event again as the fresh actor: the
 * answer is the one a check made first would have given. The embedded database has one connection, which the
 * write's transaction holds: there the re-check runs first, as before.
 */
export async function rechecking(socket: RealtimeSocket, concurrent: boolean, options: { afterWrite?: boolean } = {}): Promise<RecheckedActor | null> {
  const state = states.get(socket);
  if (!state || !socket.connected) return null;
  if (!concurrent) {
    const actor = await revalidate(socket, { activity: true });
    return actor ? { actor, fresh: () => Promise.resolve(actor) } : null;
  }
  const snapshot = state.actor;
  let check: { fresh: Promise<Actor | null>; confirmed: Promise<void> } | undefined;
  const start = () => {
    if (check) return check;
    const fresh = revalidate(socket, { activity: true });
    const confirmed = fresh.then((now) => {
      if (!now) throw new UnauthenticatedError("Your session has ended. Sign in again.");
      if (!keepsAccess(now, snapshot)) throw new AccessNarrowed();
    });
    // Awaited by the write and by the handler; a refusal before either gets there must not go unhandled.
    confirmed.catch(() => undefined);
    return (check = { fresh: fresh.catch(() => null), confirmed });
  };
  // An event whose write carries the re-check as its condition (a shared lead, decision 033) starts it only when
  // something asks for `confirmed`: after that write, or beside the ordinary write it falls back to. Every other
  // event starts it now, beside its work.
  if (!options.afterWrite) start();
  const confirmedWhere = (taskforceId: Prisma.Sql) => credentialHeldSql(state.credentials, snapshot, taskforceId);
  let heldInWrite = false;
  const actor: Actor = {
    ...snapshot,
    confirmedWhere,
    heldInWrite: () => {
      heldInWrite = true;
    },
    get confirmed() {
      // The write's statement held the re-check as its condition: the re-check itself would only renew the
      // session's idle deadline (or the token's last use) and refresh the snapshot, which revocations and the
      // periodic re-check keep. Run for the first such event, then at most every ACTIVITY_RECORD_MS: a room's
      // sharer does not add a read to the database while the room is still receiving the share (issue 9).
      if (heldInWrite && !check && !activityDue(state)) return Promise.resolve();
      return start().confirmed;
    },
  };
  return { actor, fresh: () => start().fresh };
}

/**
 * How often a socket whose writes hold the re-check in their statement still runs it, to record the user's
 * activity: half the resolution at which sessions and tokens store it (LAST_SEEN_RESOLUTION_MS, a minute), so an
 * active user's idle deadline trails by at most a minute and a half of its 30.
 */
const ACTIVITY_RECORD_MS = 30_000;

function activityDue(state: SocketState): boolean {
  return state.activityAt === undefined || Date.now() - state.activityAt >= ACTIVITY_RECORD_MS;
}

/**
 * How long a snapshot checked against the database serves the events that only read (joining, leaving a room):
 * revocations, suspensions and credential deadlines act on the socket as they happen, a join reads membership
 * itself, and the periodic re-check runs as often.
 */
const SNAPSHOT_FRESH_MS = 30_000;

/**
 * The actor for an event that only reads: the in-memory snapshot when it was checked within the last few
 * seconds (revocations update or drop it as they happen), else a full re-check. A reconnecting room of a
 * thousand people does not re-read a thousand users and credentials.
 */
export async function currentActor(socket: RealtimeSocket): Promise<Actor | null> {
  const state = states.get(socket);
  if (state && socket.connected && Date.now() - state.checkedAt < SNAPSHOT_FRESH_MS) return state.actor;
  return revalidate(socket);
}
