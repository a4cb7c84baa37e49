// The operator's endpoints on the real server: liveness, readiness, Prometheus metrics and who may read them, and
// rate limits counted in memory without Redis and when Redis is unreachable (decision 014).
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAccessToken, createLead } from "../helpers/edge";
import { createActor, createCase, createTaskforce, createTeam } from "../helpers/factories";
import { connectAs, requestOk, waitFor } from "../helpers/sockets";
import { startTestServer, type TestServer } from "../helpers/server";
import { loadRemixBuild, startApp } from "../../server/app";
import { getDatabase } from "~/db.server";
import { limitStore } from "~/utils/limit-store.server";
import { resetApiRateLimits } from "~/utils/api.server";

let server: TestServer;
beforeAll(async () => {
  // Open the test's database first, as the server does at start (migrations): opening is not what /readyz times.
  await getDatabase().sql.query("SELECT 1");
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A small parser of the Prometheus text format: fails on any line that is not a comment or a sample. */
function parseMetrics(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\})? (-?[0-9.e+-]+|\+Inf|NaN)$/.exec(line);
    if (!sample) throw new Error(`not a metrics line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (sample[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[name] = value.replace(/\\(.)/g, (_all, escaped: string) => (escaped === "n" ? "\n" : escaped));
    }
    const family = sample[1].replace(/_(bucket|sum|count)$/, "");
    if (!types.has(sample[1]) && !types.has(family)) throw new Error(`sample without a # TYPE: ${line}`);
    samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  return { samples, types };
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  return found.reduce((sum, sample) => sum + sample.value, 0);
}

async function scrape(headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/metrics`, { headers });
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

async function tokenFor(role: "ADMIN" | "ANALYST" | "COORDINATOR", taskforceIds: string[] = []) {
  const actor = await createActor({ role, taskforceIds });
  return (await createAccessToken(actor, { name: "ops test", days: 7 })).token;
}

describe("liveness and readiness", () => {
  it("answers /healthz without a credential and with nothing but its status", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers /readyz with 200 when the database answers (no Redis configured)", async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready" });
  });
});

describe("GET /metrics", () => {
  it("serves the Prometheus text format to a scraper on loopback, counting the requests it made by route id, never by raw id", async () => {
    const taskforce = await createTaskforce();
    const analyst = await createActor({ role: "ANALYST", taskforceIds: [taskforce.id] });
    const kase = await createCase(taskforce.id, { createdById: analyst.id });
    const { token } = await createAccessToken(analyst, { name: "ops test", days: 7 });
    const route = "routes/api.v1.cases.$caseId";

    const before = parseMetrics((await scrape()).text).samples;
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${server.url}/api/v1/cases/${kase.id}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      await response.text();
    }
    const scraped = await scrape();
    expect(scraped.status).toBe(200);
    expect(scraped.type).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const { samples, types } = parseMetrics(scraped.text);

    const labels = { method: "GET", route, status: "200" };
    expect(valueOf(samples, "http_requests_total", labels) - valueOf(before, "http_requests_total", labels)).toBe(2);
    expect(valueOf(samples, "http_request_duration_seconds_count", { route }) - valueOf(before, "http_request_duration_seconds_count", { route })).toBe(2);
    expect(valueOf(samples, "http_request_duration_seconds_bucket", { route, le: "+Inf" })).toBe(valueOf(samples, "http_request_duration_seconds_count", { route }));
    expect(scraped.text).not.toContain(kase.id);
    expect(types.get("http_requests_total")).toBe("counter");
    expect(types.get("http_request_duration_seconds")).toBe("histogram");
    for (const [name, type] of [
      ["socketio_open_sockets", "gauge"],
      ["room_events_delivered_total", "counter"],
      ["db_pool_total", "gauge"],
      ["db_pool_idle", "gauge"],
      ["db_pool_waiting", "gauge"],
    ]) {
      expect(types.get(name), name).toBe(type);
      expect(samples.some((sample) => sample.name === name)).toBe(true);
    }
    expect(valueOf(samples, "db_pool_total")).toBeGreaterThanOrEqual(1);
  });

  it("counts the sockets open on the node and the room events it delivered", async () => {
    const team = await createTeam();
    const lead = await createLead(team.analyst, team.case.id, { title: "Metrics share", handlingCode: "GREEN" });
    const before = parseMetrics((await scrape()).text).samples;
    const socket = await connectAs(server.url, team.analyst);
    try {
      await requestOk(socket, "room:join", { taskforceId: team.taskforce.id });
      const received: string[] = [];
      socket.on("lead:shared", (event: { id: string }) => received.push(event.id));
      const shared = await requestOk(socket, "lead:share", { leadId: lead.id });
      await waitFor(() => received.includes(shared.id), "the share delivered back to the room");
      const during = parseMetrics((await scrape()).text).samples;
      expect(valueOf(during, "socketio_open_sockets")).toBe(valueOf(before, "socketio_open_sockets") + 1);
      expect(valueOf(during, "room_events_delivered_total")).toBeGreaterThan(valueOf(before, "room_events_delivered_total"));
    } finally {
      socket.close();
    }
  });

  it("is 404 from loopback when a proxy forwarded the request, and for a token whose owner is not an admin", async () => {
    expect((await scrape({ "X-Forwarded-For": "203.0.113.9" })).status).toBe(404);
    expect((await scrape({ Forwarded: "for=203.0.113.9" })).status).toBe(404);
    // A request that sends a token is judged by it alone, even from loopback.
    expect((await scrape({ Authorization: `Bearer ${await tokenFor("COORDINATOR")}` })).status).toBe(404);
    expect((await scrape({ Authorization: "Bearer cbt_not_a_token" })).status).toBe(404);
    expect((await scrape({ Authorization: "Basic YWRtaW46YWRtaW4=" })).status).toBe(404);
  });

  it("serves an admin's token, from anywhere", async () => {
    const scraped = await scrape({ Authorization: `Bearer ${await tokenFor("ADMIN")}`, "X-Forwarded-For": "203.0.113.9" });
    expect(scraped.status).toBe(200);
    expect(valueOf(parseMetrics(scraped.text).samples, "http_requests_total", { route: "/metrics", status: "404" })).toBeGreaterThan(0);
  });
});

describe("rate limits without Redis", () => {
  const limitBefore = process.env.API_RATE_LIMIT_PER_MINUTE;
  afterEach(() => {
    if (limitBefore === undefined) delete process.env.API_RATE_LIMIT_PER_MINUTE;
    else process.env.API_RATE_LIMIT_PER_MINUTE = limitBefore;
    resetApiRateLimits();
  });

  /** Calls GET /api/v1/cases until refused; the statuses in order. */
  async function callsUntilRefused(url: string, token: string, limit: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i <= limit; i++) {
      const response = await fetch(`${url}/api/v1/cases`, { headers: { Authorization: `Bearer ${token}` } });
      await response.text();
      statuses.push(response.status);
    }
    return statuses;
  }

  it("counts in this process's memory when REDIS_URL is not set", async () => {
    expect(limitStore().kind).toBe("memory");
    process.env.API_RATE_LIMIT_PER_MINUTE = "3";
    expect(await callsUntilRefused(server.url, await tokenFor("ANALYST"), 3)).toEqual([200, 200, 200, 429]);
  });

  it("counts in memory when Redis is unreachable: requests are served, never a 500, and the limit still holds on the node", async () => {
    // A port nothing listens on: Redis is down from the start.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));

    // Without realtime: the Socket.IO adapter would report the same outage as errors of its own.
    const down = await startApp({ port: 0, host: "127.0.0.1", production: true, allowedOrigins: [], redisUrl: `redis://127.0.0.1:${port}` }, await loadRemixBuild());
    try {
      expect(limitStore().kind).toBe("redis");
      process.env.API_RATE_LIMIT_PER_MINUTE = "3";
      expect(await callsUntilRefused(down.url, await tokenFor("ANALYST"), 3)).toEqual([200, 200, 200, 429]);
      const signIn = await fetch(`${down.url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: down.url },
        body: new URLSearchParams({ email: "nobody@test.local", password: "not the password" }).toString(),
      });
      expect(signIn.status).toBe(401);
      const ready = await fetch(`${down.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: "unavailable", failed: ["redis"] });
    } finally {
      await down.close();
    }
    expect(limitStore().kind).toBe("memory");
  });
});
