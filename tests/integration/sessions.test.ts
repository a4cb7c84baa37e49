import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  SESSION_COOKIE_NAME,
  getOptionalUser,
  hashSessionId,
  requireActor,
  signOutEverywhere,
  startSession,
  validateAccessToken,
  validateSessionCookieHeader,
} from "~/auth/session.server";
import { prisma } from "~/db.server";
import { onAccessRevoked, type AccessRevocation } from "~/models/rooms.server";
import { issueAccessToken, revokeAccessToken } from "~/models/tokens.server";
import { suspendUser, reinstateUser } from "~/models/users.server";
import { createActor, createUser } from "../helpers/factories";
import { createAccessToken } from "../helpers/edge";

/** The cookie header a browser would send back for a Set-Cookie value. */
function cookieFrom(setCookie: string): string {
  return setCookie.split(";")[0];
}

function sessionIdOf(setCookie: string): string {
  return cookieFrom(setCookie).slice(`${SESSION_COOKIE_NAME}=`.length);
}

function pageRequest(path: string, cookie?: string) {
  return new Request(`http://localhost${path}`, { headers: cookie ? { Cookie: cookie } : {} });
}

async function thrown(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected a thrown Response");
}

let revocations: AccessRevocation[] = [];
let stopListening: () => void;
beforeEach(() => {
  revocations = [];
  stopListening = onAccessRevoked((revocation) => revocations.push(revocation));
});
afterEach(() => stopListening());

describe("session storage", () => {
  it("stores only the SHA-256 of the session id, never the id the cookie holds", async () => {
    const user = await createUser();
    const setCookie = await startSession(user.id, { mfaVerified: true });
    const sessionId = sessionIdOf(setCookie);
    const rows = await prisma.session.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows.map((row) => row.id)).not.toContain(sessionId);
    expect(rows[0].id).toBe(hashSessionId(sessionId));
    expect(rows[0].id).toMatch(/^[0-9a-f]{64}$/);
    const other = await prisma.session.findMany({ where: { id: sessionId } });
    expect(other).toHaveLength(0);
  });

  it("sets an HttpOnly, SameSite=Lax, Secure cookie named cb_session", async () => {
    const user = await createUser();
    const setCookie = await startSession(user.id, { mfaVerified: false });
    expect(setCookie).toMatch(/^cb_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Secure/i);
  });

  it("does not accept the stored hash as a cookie value", async () => {
    const user = await createUser();
    const setCookie = await startSession(user.id, { mfaVerified: true });
    const stored = hashSessionId(sessionIdOf(setCookie));
    expect(await validateSessionCookieHeader(`${SESSION_COOKIE_NAME}=${stored}`)).toBeNull();
    expect(await validateSessionCookieHeader(cookieFrom(setCookie))).toMatchObject({ user: { id: user.id }, sessionId: stored });
  });
});

describe("requireActor on pages", () => {
  it("returns the actor, with the request origin, for a fully signed-in session", async () => {
    const user = await createUser({ role: "COORDINATOR" });
    const cookie = cookieFrom(await startSession(user.id, { mfaVerified: true }));
    const actor = await requireActor(new Request("http://localhost/cases", { headers: { Cookie: cookie, "User-Agent": "test-agent" } }));
    expect(actor).toMatchObject({ id: user.id, role: "COORDINATOR" });
    expect(actor.origin?.userAgent).toBe("test-agent");
  });

  it("sends a visitor without a session to sign in, remembering where they were going", async () => {
    const response = await thrown(requireActor(pageRequest("/cases/abc?tab=clues")));
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`/login?redirectTo=${encodeURIComponent("/cases/abc?tab=clues")}`);
  });

  it("sends a password-only session to the second factor, or to enrolment when there is no authenticator yet", async () => {
    const enrolled = await createUser();
    const notEnrolled = await createUser({ mfa: false });
    const a = await thrown(requireActor(pageRequest("/home", cookieFrom(await startSession(enrolled.id, { mfaVerified: false })))));
    expect(a.headers.get("Location")).toBe(`/mfa/verify?redirectTo=${encodeURIComponent("/home")}`);
    const b = await thrown(requireActor(pageRequest("/home", cookieFrom(await startSession(notEnrolled.id, { mfaVerified: false })))));
    expect(b.headers.get("Location")).toBe(`/mfa/enrol?redirectTo=${encodeURIComponent("/home")}`);
    expect(await getOptionalUser(pageRequest("/home", cookieFrom(await startSession(enrolled.id, { mfaVerified: false }))))).toBeNull();
  });

  it("ends a session idle for more than 30 minutes", async () => {
    const user = await createUser();
    const setCookie = await startSession(user.id, { mfaVerified: true });
    const stored = hashSessionId(sessionIdOf(setCookie));
    await prisma.session.update({ where: { id: stored }, data: { lastSeenAt: new Date(Date.now() - 31 * 60 * 1000) } });
    await thrown(requireActor(pageRequest("/home", cookieFrom(setCookie))));
    expect(await prisma.session.findUnique({ where: { id: stored } })).toBeNull();
  });

  it("keeps an active session alive by refreshing lastSeenAt (at most once a minute)", async () => {
    const user = await createUser();
    const setCookie = await startSession(user.id, { mfaVerified: true });
    const stored = hashSessionId(sessionIdOf(setCookie));
    const twentyMinutesAgo = new Date(Date.now() - 20 * 60 * 1000);
    await prisma.session.update({ where: { id: stored }, data: { lastSeenAt: twentyMinutesAgo } });
    await requireActor(pageRequest("/home", cookieFrom(setCookie)));
    const row = await prisma.session.findUniqueOrThrow({ where: { id: stored } });
    expect(row.lastSeenAt.getTime()).toBeGreaterThan(twentyMinutesAgo.getTime());
  });

  it("ends a session at its absolute lifetime however active it is, and never extends it", async () => {
    const user = await createUser();
    const setCookie = await startSession(user.id, { mfaVerified: true });
    const stored = hashSessionId(sessionIdOf(setCookie));
    const created = await prisma.session.findUniqueOrThrow({ where: { id: stored } });
    expect(created.expiresAt.getTime() - created.createdAt.getTime()).toBeGreaterThan(11.9 * 3600 * 1000);
    expect(created.expiresAt.getTime() - created.createdAt.getTime()).toBeLessThanOrEqual(12 * 3600 * 1000 + 5000);

    // Past half its life lucia would slide the expiry forward; ours stays put.
    const soon = new Date(Date.now() + 60 * 1000);
    await prisma.session.update({ where: { id: stored }, data: { expiresAt: soon } });
    await requireActor(pageRequest("/home", cookieFrom(setCookie)));
    expect((await prisma.session.findUniqueOrThrow({ where: { id: stored } })).expiresAt.getTime()).toBe(soon.getTime());

    await prisma.session.update({ where: { id: stored }, data: { expiresAt: new Date(Date.now() - 1000), lastSeenAt: new Date() } });
    const response = await thrown(requireActor(pageRequest("/home", cookieFrom(setCookie))));
    expect(response.headers.get("Location")).toMatch(/^\/login/);
    expect(await prisma.session.findUnique({ where: { id: stored } })).toBeNull();
  });
});

describe("requireActor on the API", () => {
  it("answers 401 JSON without credentials", async () => {
    const response = await thrown(requireActor(new Request("http://localhost/api/cases")));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "UNAUTHENTICATED", message: expect.any(String) } });
  });

  it("acts as exactly the token's owner, with the owner's taskforces", async () => {
    const owner = await createActor({ role: "ANALYST", agency: "Agency Z" });
    const taskforce = await prisma.taskforce.create({ data: { name: `TF ${owner.id}` } });
    await prisma.taskforceMember.create({ data: { taskforceId: taskforce.id, userId: owner.id } });
    const { token } = await createAccessToken(owner, { name: "script" });
    const actor = await requireActor(new Request("http://localhost/api/cases", { headers: { Authorization: `Bearer ${token}` } }));
    expect(actor).toMatchObject({ id: owner.id, email: owner.email, role: "ANALYST", agency: "Agency Z" });
    expect([...actor.taskforceIds]).toEqual([taskforce.id]);
  });

  it("refuses a bad, revoked or expired token with 401", async () => {
    const owner = await createActor();
    const bad = await thrown(requireActor(new Request("http://localhost/api/x", { headers: { Authorization: "Bearer cbt_nonsense" } })));
    expect(bad.status).toBe(401);

    const { token, summary } = await createAccessToken(owner, { name: "revoked" });
    await revokeAccessToken(owner, summary.id);
    expect(await validateAccessToken(token)).toBeNull();

    const expiring = await createAccessToken(owner, { name: "expiring", days: 1 });
    expect(await validateAccessToken(expiring.token)).toMatchObject({ id: owner.id });
    await prisma.accessToken.update({ where: { id: expiring.summary.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await validateAccessToken(expiring.token)).toBeNull();
  });

  it("does not accept a password-only session on the API", async () => {
    const user = await createUser();
    const cookie = cookieFrom(await startSession(user.id, { mfaVerified: false }));
    const response = await thrown(requireActor(new Request("http://localhost/api/cases", { headers: { Cookie: cookie } })));
    expect(response.status).toBe(401);
  });
});

describe("ending access", () => {
  it("signs out everywhere: every session of the user ends and their live connections are dropped", async () => {
    const user = await createUser();
    const other = await createUser();
    const first = cookieFrom(await startSession(user.id, { mfaVerified: true }));
    const second = cookieFrom(await startSession(user.id, { mfaVerified: true }));
    const others = cookieFrom(await startSession(other.id, { mfaVerified: true }));
    const actor = await requireActor(pageRequest("/account", first));
    const cleared = await signOutEverywhere(actor);
    expect(cleared).toMatch(/cb_session=;/);
    expect(await validateSessionCookieHeader(first)).toBeNull();
    expect(await validateSessionCookieHeader(second)).toBeNull();
    expect(await validateSessionCookieHeader(others)).not.toBeNull();
    expect(revocations).toEqual([{ userId: user.id, reason: "signed_out_everywhere" }]);
    expect(await prisma.auditEvent.count({ where: { action: "auth.sign_out_everywhere", actorId: user.id } })).toBe(1);
  });

  it("stops a suspended user's sessions and tokens at once, and their tokens work again after reinstatement", async () => {
    const admin = await createActor({ role: "ADMIN" });
    const user = await createUser();
    const cookie = cookieFrom(await startSession(user.id, { mfaVerified: true }));
    const { token } = await issueAccessToken(user, { name: "tool", days: 90 }, { actor: null });
    expect(await validateAccessToken(token)).not.toBeNull();

    await suspendUser(admin, user.id);
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await validateSessionCookieHeader(cookie)).toBeNull();
    expect(await validateAccessToken(token)).toBeNull();
    const api = await thrown(requireActor(new Request("http://localhost/api/cases", { headers: { Authorization: `Bearer ${token}` } })));
    expect(api.status).toBe(401);
    expect(revocations).toEqual([{ userId: user.id, reason: "suspended" }]);

    await reinstateUser(admin, user.id);
    expect(await validateAccessToken(token)).toMatchObject({ id: user.id });
  });

  it("refuses a session whose user was suspended even if the session row survived", async () => {
    const user = await createUser();
    const cookie = cookieFrom(await startSession(user.id, { mfaVerified: true }));
    await prisma.user.update({ where: { id: user.id }, data: { status: "SUSPENDED" } });
    expect(await validateSessionCookieHeader(cookie)).toBeNull();
  });
});
