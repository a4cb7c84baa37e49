// Who is on the other end of a socket: the page's session cookie (same validation as the loaders, MFA done)
// or a tool's personal access token in the handshake's auth.token; checked again before every client event
// and before every delivery, so a revocation that was missed still cannot leak.
import type { IncomingMessage } from "node:http";
import type { ExtendedError } from "socket.io";
import { loadActor, type Actor } from "~/auth/permissions.server";
import { validateAccessToken, validateSessionCookieHeader, type AuthUser } from "~/auth/session.server";
import { prisma } from "~/db.server";
import type { RequestOrigin } from "~/models/audit.server";
import { hashToken } from "~/models/tokens.server";
import { TokenBucket, socketRateLimit } from "./rate-limit";
import { userRoom, type Credentials, type RealtimeSocket, type SocketState } from "./types";

const states = new WeakMap<RealtimeSocket, SocketState>();

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
      let user: AuthUser | null = null;
      let credentials: Credentials;
      if (typeof auth.token === "string" && auth.token !== "") {
        // allowRequest has already refused a foreign Origin; a tool sends none.
        user = await validateAccessToken(auth.token);
        credentials = { kind: "token", token: auth.token };
      } else {
        if (!cookieHandshakeOriginOk(socket, allowedOrigins)) {
          return next(refusal("ORIGIN_NOT_ALLOWED", "This origin may not open a signed-in connection."));
        }
        const cookieHeader = socket.handshake.headers.cookie ?? "";
        const session = await validateSessionCookieHeader(cookieHeader);
        user = session?.user ?? null;
        credentials = { kind: "session", cookieHeader, sessionId: session?.sessionId ?? "" };
      }
      if (!user || user.status !== "ACTIVE") {
        return next(refusal("UNAUTHENTICATED", "Sign in (with your second factor) or send a valid personal access token."));
      }
      const origin = handshakeOrigin(socket);
      const { ratePerSecond, burst } = socketRateLimit();
      states.set(socket, {
        credentials,
        origin,
        actor: await loadActor(user, origin),
        rooms: new Map(),
        queue: [],
        draining: false,
        bucket: new TokenBucket(ratePerSecond, burst),
      });
      socket.data = { userId: user.id, displayName: user.displayName, role: user.role, authKind: credentials.kind, viewing: null };
      await socket.join(userRoom(user.id));
      next();
    } catch (error) {
      console.error("[realtime] handshake failed", error);
      next(refusal("UNAUTHENTICATED", "The connection could not be authenticated."));
    }
  };
}

/** Full re-check before a client event: the same validation as the handshake. Null: the socket has been dropped. */
export async function revalidate(socket: RealtimeSocket): Promise<Actor | null> {
  const state = states.get(socket);
  if (!state || !socket.connected) return null;
  const { credentials } = state;
  const user =
    credentials.kind === "token"
      ? await validateAccessToken(credentials.token)
      : (await validateSessionCookieHeader(credentials.cookieHeader))?.user ?? null;
  if (!user || user.status !== "ACTIVE") {
    socket.disconnect(true);
    return null;
  }
  state.actor = await loadActor(user, state.origin);
  return state.actor;
}

/**
 * Lighter re-check before a delivery (no writes): the credential still exists and has not expired, the user
 * is active, with their current memberships. Null: the socket has been dropped.
 */
export async function refreshActor(socket: RealtimeSocket): Promise<Actor | null> {
  const state = states.get(socket);
  if (!state || !socket.connected) return null;
  const { credentials } = state;
  const now = new Date();
  const credentialValid =
    credentials.kind === "session"
      ? (await prisma.session.count({ where: { id: credentials.sessionId, mfaVerified: true, expiresAt: { gt: now } } })) === 1
      : (await prisma.accessToken.count({ where: { tokenHash: hashToken(credentials.token), revokedAt: null, expiresAt: { gt: now } } })) === 1;
  const user = credentialValid ? await prisma.user.findUnique({ where: { id: state.actor.id } }) : null;
  if (!user || user.status !== "ACTIVE") {
    socket.disconnect(true);
    return null;
  }
  state.actor = await loadActor(user, state.origin);
  return state.actor;
}
