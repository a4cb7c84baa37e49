// Scale-out: two real server processes (npx tsx server/index.ts) on different ports share rooms through Redis
// and one PostgreSQL database. Needs TEST_DB=postgres, Redis at 127.0.0.1:6379 and a Remix build.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOM_EVENT_NAMES } from "~/realtime/protocol";
import { createTeam } from "../helpers/factories";
import { connectAs, recordRoomEvents, request, requestOk, sessionCookieFor, waitFor, type TestSocket } from "../helpers/sockets";
import { createLead } from "../helpers/edge";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

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

async function startNode(): Promise<Node> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn("npx", ["tsx", "server/index.ts"], {
    env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL, REDIS_URL, HOST: "127.0.0.1", PORT: String(port), ALLOWED_ORIGINS: url, NODE_ENV: "production" },
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
  await exited;
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
    const response = await postForm(first!, "/account", await sessionCookieFor(team.analyst.id), { intent: "signOutEverywhere" });
    expect(response.status).toBeLessThan(400);
    await waitFor(() => onSecond.disconnected, "the disconnect on node two", 1_000);
  });

  it("takes a removed member out of the room on the other node", async () => {
    const team = await createTeam();
    const onSecond = await connectTo(second!, team.analyst);
    const revoked: string[] = [];
    onSecond.on("room:revoked", (notice) => revoked.push(notice.taskforceId));
    await requestOk(onSecond, "room:join", { taskforceId: team.taskforce.id });
    const response = await postForm(first!, "/admin/taskforces", await sessionCookieFor(team.admin.id), {
      intent: "removeMember",
      taskforceId: team.taskforce.id,
      userId: team.analyst.id,
    });
    expect(response.status).toBeLessThan(400);
    await waitFor(() => revoked.includes(team.taskforce.id), "room:revoked on node two", 1_000);
    const lead = await createLead(team.coordinator, team.case.id, { title: "After removal", handlingCode: "GREEN" });
    expect(await request(onSecond, "lead:share", { leadId: lead.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });
});
