// A socket lives exactly as long as the credential it was opened with: the session's idle and absolute
// lifetimes (the same as the pages') or the token's expiry. It is disconnected when that ends, whether or not it
// sends anything; page activity renews a session, listening does not.
import { describe, expect, it } from "vitest";
import { SESSION_IDLE_TIMEOUT_MS, hashSessionId } from "~/auth/session.server";
import { prisma } from "~/db.server";
import { hashToken } from "~/models/tokens.server";
import { createTeam } from "../helpers/factories";
import { sessionCookie } from "../helpers/pages";
import { accessTokenFor, connectSocket, requestOk, socketTestSuite, type TestSocket } from "../helpers/sockets";

const suite = socketTestSuite();

/** How far ahead of now each test puts its credential's end: enough for the handshake on a busy machine. */
const LIFETIME_LEFT_MS = 2_000;
/** How late after its credential ended a socket may still be connected. */
const CUT_WITHIN_MS = 1_000;

/** A session cookie whose session goes idle `LIFETIME_LEFT_MS` from now; returns when. */
async function sessionNearlyIdle(userId: string): Promise<{ cookie: string; idleAt: number }> {
  const cookie = await sessionCookie(userId);
  const lastSeenAt = new Date(Date.now() - SESSION_IDLE_TIMEOUT_MS + LIFETIME_LEFT_MS);
  await prisma.session.update({ where: { id: hashSessionId(cookie.split("=")[1]) }, data: { lastSeenAt } });
  return { cookie, idleAt: lastSeenAt.getTime() + SESSION_IDLE_TIMEOUT_MS };
}

async function lastSeenAt(cookie: string): Promise<number> {
  const row = await prisma.session.findUniqueOrThrow({ where: { id: hashSessionId(cookie.split("=")[1]) } });
  return row.lastSeenAt.getTime();
}

/** Resolves with when (and why) the server disconnected the socket. */
function disconnection(socket: TestSocket): Promise<{ at: number; reason: string }> {
  return new Promise((resolve) => socket.once("disconnect", (reason) => resolve({ at: Date.now(), reason })));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("session lifetime on a socket", () => {
  it("disconnects a listening socket when its session goes idle, without it sending anything", async () => {
    const team = await createTeam();
    const { cookie, idleAt } = await sessionNearlyIdle(team.analyst.id);
    const socket = suite.track(await connectSocket(suite.url, { cookie }));
    const seenBefore = await lastSeenAt(cookie);

    const cut = await disconnection(socket);

    expect(cut.reason).toBe("io server disconnect");
    expect(cut.at).toBeGreaterThanOrEqual(idleAt);
    expect(cut.at - idleAt).toBeLessThan(CUT_WITHIN_MS);
    // The handshake only observed the session: it did not keep it alive.
    expect(await lastSeenAt(cookie)).toBe(seenBefore);
    await expect(connectSocket(suite.url, { cookie })).rejects.toMatchObject({ data: { code: "UNAUTHENTICATED" } });
  });

  it("keeps a socket whose session a page request renewed, past the deadline it was opened with", async () => {
    const team = await createTeam();
    const { cookie, idleAt } = await sessionNearlyIdle(team.analyst.id);
    const socket = suite.track(await connectSocket(suite.url, { cookie }));

    const page = await fetch(`${suite.url}/rooms`, { redirect: "manual", headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(await lastSeenAt(cookie)).toBeGreaterThan(idleAt - SESSION_IDLE_TIMEOUT_MS);

    await pause(idleAt - Date.now() + CUT_WITHIN_MS);
    expect(socket.connected).toBe(true);
    await requestOk(socket, "room:join", { taskforceId: team.taskforce.id });
  });

  it("renews the session for an event the user sent, but not for the joins a client sends by itself", async () => {
    const team = await createTeam();
    const { cookie, idleAt } = await sessionNearlyIdle(team.analyst.id);
    const socket = suite.track(await connectSocket(suite.url, { cookie }));
    const seenBefore = await lastSeenAt(cookie);

    await requestOk(socket, "room:join", { taskforceId: team.taskforce.id });
    expect(await lastSeenAt(cookie)).toBe(seenBefore);
    await requestOk(socket, "presence:viewing", { taskforceId: team.taskforce.id, leadId: null });
    expect(await lastSeenAt(cookie)).toBeGreaterThan(seenBefore);

    await pause(idleAt - Date.now() + CUT_WITHIN_MS);
    expect(socket.connected).toBe(true);
  });

  it("disconnects a socket when its session reaches its absolute lifetime, however recently it was used", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.analyst.id);
    const endsAt = new Date(Date.now() + LIFETIME_LEFT_MS);
    await prisma.session.update({ where: { id: hashSessionId(cookie.split("=")[1]) }, data: { expiresAt: endsAt } });
    const socket = suite.track(await connectSocket(suite.url, { cookie }));

    const cut = await disconnection(socket);

    expect(cut.reason).toBe("io server disconnect");
    expect(cut.at).toBeGreaterThanOrEqual(endsAt.getTime());
    expect(cut.at - endsAt.getTime()).toBeLessThan(CUT_WITHIN_MS);
  });
});

describe("token lifetime on a socket", () => {
  it("disconnects a tool's socket when its access token expires", async () => {
    const team = await createTeam();
    const token = await accessTokenFor(team.analyst);
    const expiresAt = new Date(Date.now() + LIFETIME_LEFT_MS);
    await prisma.accessToken.update({ where: { tokenHash: hashToken(token) }, data: { expiresAt } });
    const socket = suite.track(await connectSocket(suite.url, { origin: null, token }));

    const cut = await disconnection(socket);

    expect(cut.reason).toBe("io server disconnect");
    expect(cut.at).toBeGreaterThanOrEqual(expiresAt.getTime());
    expect(cut.at - expiresAt.getTime()).toBeLessThan(CUT_WITHIN_MS);
    await expect(connectSocket(suite.url, { origin: null, token })).rejects.toMatchObject({ data: { code: "UNAUTHENTICATED" } });
  });
});
