// Scale-out: two real server processes (npx tsx server/index.ts) on different ports share rooms and rate limits
// through Redis and one PostgreSQL database. Needs TEST_DB=postgres, Redis at 127.0.0.1:6379 and a Remix build.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IP_FAILURE_LIMIT, addressLimitedMessage } from "~/auth/sign-in.server";
import { ROOM_EVENT_NAMES } from "~/realtime/protocol";
import { createTeam } from "../helpers/factories";
import { sessionCookie } from "../helpers/pages";
import { connectAs, recordRoomEvents, request, requestOk, waitFor, type TestSocket } from "../helpers/sockets";
import { createAccessToken, createLead } from "../helpers/edge";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
// This run's own rate-limit keys: counts an earlier run left in Redis must not refuse this one.
const REDIS_KEY_PREFIX = `cluebridge-test-${process.pid}-${Date.now().toString(36)}`;
const API_LIMIT = 6;

interface Node {
  url: string;
  process: ChildProcess;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function startNode({ databaseUrl = process.env.DATABASE_URL, redisUrl = REDIS_URL } = {}): Promise<Node> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn("npx", ["tsx", "server/index.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX,
      API_RATE_LIMIT_PER_MINUTE: String(API_LIMIT),
      HOST: "127.0.0.1",
      PORT: String(port),
      ALLOWED_ORIGINS: url,
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node on ${port} did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Cluebridge listening on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`node on ${port} exited with ${code}:\n${output}`)));
  });
  return { url, process: child };
}

async function stopNode(node: Node | undefined) {
  if (!node || node.process.exitCode !== null) return;
  const exited = new Promise((resolve) => node.process.once("exit", resolve));
  node.process.kill("SIGTERM");
  // A node cut off from its Redis and database may wait on them while shutting down.
  const stuck = setTimeout(() => node.process.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(stuck);
}

/** A TCP relay to `target`, so a test can cut one node off from its Redis or database while the others keep theirs. */
async function relayTo(target: { host: string; port: number }) {
  const open = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => open.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  return {
    port: (relay.address() as net.AddressInfo).port,
    /** Refuses new connections and drops the open ones: the target is unreachable from now on. */
    async cut() {
      const closed = new Promise((resolve) => relay.close(resolve));
      for (const socket of open) socket.destroy();
      await closed;
    },
  };
}

/** A URL with its host and port replaced by a relay's. */
function viaRelay(url: string, port: number): string {
  const relayed = new URL(url);
  relayed.hostname = "127.0.0.1";
  relayed.port = String(port);
  return relayed.toString();
}

function hostAndPort(url: string, defaultPort: number) {
  const parsed = new URL(url);
  return { host: parsed.hostname || "127.0.0.1", port: Number(parsed.port || defaultPort) };
}

/** A failed sign-in (an email that is no account) from this machine's address, on one node's login page. */
async function failSignIn(node: Node, attempt: number) {
  const response = await fetch(`${node.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: node.url, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: `nobody-${attempt}-${REDIS_KEY_PREFIX}@test.local`, password: "not the password" }).toString(),
  });
  return { status: response.status, text: await response.text() };
}

async function apiStatus(node: Node, token: string): Promise<number> {
  const response = await fetch(`${node.url}/api/v1/cases`, { headers: { Authorization: `Bearer ${token}` } });
  await response.text();
  return response.status;
}

/** A form post to a page action on a node, as a signed-in browser on that node's origin would send it. */
async function postForm(node: Node, path: string, cookie: string, fields: Record<string, string>) {
  return fetch(`${node.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie, origin: node.url, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

describe.runIf(process.env.TEST_DB === "postgres")("two app nodes behind Redis", () => {
  let first: Node | undefined;
  let second: Node | undefined;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    // One after the other: the first migrates (and seeds) the fresh database.
    first = await startNode();
    second = await startNode();
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([stopNode(first), stopNode(second)]);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${REDIS_KEY_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }, 60_000);

  async function connectTo(node: Node, user: { id: string }) {
    const socket = await connectAs(node.url, user);
    sockets.push(socket);
    return socket;
  }

  it("delivers a lead shared on one node to a member connected to the other, filtered by handling code", async () => {
    const team = await createTeam();
    const green = await createLead(team.analyst, team.case.id, { title: "Wallpaper pattern, 2014 catalogue", handlingCode: "GREEN" });
    const strict = await createLead(team.analyst, team.case.id, { title: "Agency A only", handlingCode: "AMBER_STRICT" });
    const sharer = await connectTo(first!, team.analyst);
    const sameAgency = await connectTo(second!, team.coordinator);
    const otherAgency = await connectTo(second!, team.analystOtherAgency);
    const sameReceived = recordRoomEvents(sameAgency, ROOM_EVENT_NAMES);
    const otherReceived = recordRoomEvents(otherAgency, ROOM_EVENT_NAMES);
    for (const socket of [sharer, sameAgency, otherAgency]) await requestOk(socket, "room:join", { taskforceId: team.taskforce.id });

    const strictEvent = await requestOk(sharer, "lead:share", { leadId: strict.id });
    const greenEvent = await requestOk(sharer, "lead:share", { leadId: green.id, note: "from node one" });
    await waitFor(() => sameReceived.some((event) => event.id === greenEvent.id), "the green share on node two");
    await waitFor(() => otherReceived.some((event) => event.id === greenEvent.id), "the green share for the other agency");
    expect(sameReceived.some((event) => event.id === strictEvent.id)).toBe(true);
    // Events arrive in seq order, so the later green share proves the strict one was filtered, not late.
    expect(otherReceived.some((event) => event.id === strictEvent.id)).toBe(false);
  });

  it("shows presence across nodes", async () => {
    const team = await createTeam();
    const one = await connectTo(first!, team.analyst);
    const two = await connectTo(second!, team.coordinator);
    await requestOk(one, "room:join", { taskforceId: team.taskforce.id });
    const joined = await requestOk(two, "room:join", { taskforceId: team.taskforce.id });
    expect(joined.presence.map((entry) => entry.userId).sort()).toEqual([team.analyst.id, team.coordinator.id].sort());
  });

  it("disconnects, on the other node, a user who signs out everywhere on one node", async () => {
    const team = await createTeam();
    const onSecond = await connectTo(second!, team.analyst);
    await requestOk(onSecond, "room:join", { taskforceId: team.taskforce.id });
    const response = await postForm(first!, "/account", await sessionCookie(team.analyst.id), { intent: "signOutEverywhere" });
    expect(response.status).toBeLessThan(400);
    await waitFor(() => onSecond.disconnected, "the disconnect on node two", 1_000);
  });

  it("takes a removed member out of the room on the other node", async () => {
    const team = await createTeam();
    const onSecond = await connectTo(second!, team.analyst);
    const revoked: string[] = [];
    onSecond.on("room:revoked", (notice) => revoked.push(notice.taskforceId));
    await requestOk(onSecond, "room:join", { taskforceId: team.taskforce.id });
    const response = await postForm(first!, "/admin/taskforces", await sessionCookie(team.admin.id), {
      intent: "removeMember",
      taskforceId: team.taskforce.id,
      userId: team.analyst.id,
    });
    expect(response.status).toBeLessThan(400);
    await waitFor(() => revoked.includes(team.taskforce.id), "room:revoked on node two", 1_000);
    const lead = await createLead(team.coordinator, team.case.id, { title: "After removal", handlingCode: "GREEN" });
    expect(await request(onSecond, "lead:share", { leadId: lead.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });

  it("refuses, on the other node, a token revoked on one node, though the other held its grant in memory", async () => {
    const team = await createTeam();
    const { token, summary } = await createAccessToken(team.analyst, { name: "revoked on one node", days: 7 });
    expect(await apiStatus(second!, token)).toBe(200);
    const response = await postForm(first!, "/account", await sessionCookie(team.analyst.id), { intent: "revokeToken", tokenId: summary.id });
    expect(response.status).toBeLessThan(400);
    // A few tries within a second (the token's own limit is small here).
    const statuses: number[] = [];
    for (let i = 0; i < 4 && statuses.at(-1) !== 401; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      statuses.push(await apiStatus(second!, token));
    }
    expect(statuses.at(-1)).toBe(401);
  });

  it("gives, on the other node, a token the cases of a taskforce its owner was just added to on one node", async () => {
    const team = await createTeam();
    const { token } = await createAccessToken(team.outsider, { name: "added on one node", days: 7 });
    const casePath = `/api/v1/cases/${team.case.id}`;
    const status = async () => (await fetch(`${second!.url}${casePath}`, { headers: { Authorization: `Bearer ${token}` } })).status;
    expect(await status()).toBe(404);
    const response = await postForm(first!, "/admin/taskforces", await sessionCookie(team.admin.id), {
      intent: "addMember",
      taskforceId: team.taskforce.id,
      email: team.outsider.email,
    });
    expect(response.status).toBeLessThan(400);
    const statuses: number[] = [];
    for (let i = 0; i < 4 && statuses.at(-1) !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      statuses.push(await status());
    }
    expect(statuses.at(-1)).toBe(200);
  });

  it("refuses a token's requests past one limit shared by both nodes", async () => {
    const team = await createTeam();
    const { token } = await createAccessToken(team.analyst, { name: "two nodes", days: 7 });
    const statuses: number[] = [];
    for (let i = 0; i < API_LIMIT; i++) statuses.push(await apiStatus(i % 2 ? second! : first!, token));
    expect(statuses).toEqual(new Array(API_LIMIT).fill(200));
    // Each node has served only half the limit itself: the refusal comes from the shared count.
    expect(await apiStatus(first!, token)).toBe(429);
    expect(await apiStatus(second!, token)).toBe(429);
  });

  it("holds back an address after its failed sign-ins on both nodes together reach the limit", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < IP_FAILURE_LIMIT; i++) statuses.push((await failSignIn(i % 2 ? second! : first!, i)).status);
    expect(statuses).toEqual(new Array(IP_FAILURE_LIMIT).fill(401));
    for (const node of [first!, second!]) {
      const heldBack = await failSignIn(node, IP_FAILURE_LIMIT);
      expect(heldBack.status).toBe(429);
      expect(heldBack.text).toContain(addressLimitedMessage(1).split(" Try again")[0]);
    }
  });

  it("keeps a node serving when its Redis and then its database go away: limits counted on the node, /readyz names what failed", async () => {
    const redisRelay = await relayTo(hostAndPort(REDIS_URL, 6379));
    const databaseRelay = await relayTo(hostAndPort(process.env.DATABASE_URL!, 5432));
    const node = await startNode({ redisUrl: viaRelay(REDIS_URL, redisRelay.port), databaseUrl: viaRelay(process.env.DATABASE_URL!, databaseRelay.port) });
    try {
      expect((await fetch(`${node.url}/readyz`)).status).toBe(200);
      const team = await createTeam();
      const { token } = await createAccessToken(team.analyst, { name: "relay", days: 7 });
      for (let i = 0; i < API_LIMIT; i++) expect(await apiStatus(node, token)).toBe(200);
      expect(await apiStatus(first!, token)).toBe(429);

      await redisRelay.cut();
      // Shared count unreachable: this node counts on its own (it has seen none of this token's requests), no 500.
      const statuses: number[] = [];
      for (let i = 0; i <= API_LIMIT; i++) statuses.push(await apiStatus(node, token));
      expect(statuses).toEqual([...new Array(API_LIMIT).fill(200), 429]);
      const noRedis = await fetch(`${node.url}/readyz`);
      expect(noRedis.status).toBe(503);
      expect(await noRedis.json()).toEqual({ status: "unavailable", failed: ["redis"] });
      expect((await fetch(`${node.url}/healthz`)).status).toBe(200);

      await databaseRelay.cut();
      const nothing = await fetch(`${node.url}/readyz`);
      expect(nothing.status).toBe(503);
      expect(await nothing.json()).toEqual({ status: "unavailable", failed: ["database", "redis"] });
    } finally {
      await stopNode(node);
      await Promise.all([redisRelay.cut(), databaseRelay.cut()]);
    }
  }, 120_000);
});
