// The client side of the realtime and HTTP benchmarks, in a process of its own so the server under test measures
// nothing on the clients' behalf. Driven over IPC by bench/lib/clients.ts; every wait is bounded.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import type { ClientCommand, ClientReply, ClientRequest, ConnectResult, FanoutResult, HttpResult, JoinResult } from "./lib/protocol";
import { now, round, summarize } from "./lib/stats";

interface Ack {
  ok?: boolean;
  error?: { code?: string };
}

let sockets: Socket[] = [];
let joined: boolean[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bump = (counts: Record<string, number>, key: string) => void (counts[key] = (counts[key] ?? 0) + 1);

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index], index);
      }
    }),
  );
}

async function connect(command: Extract<ClientCommand, { kind: "connect" }>): Promise<ConnectResult> {
  const started = now();
  const errors: Record<string, number> = {};
  sockets = [];
  joined = [];
  const deadline = started + command.timeoutMs;
  await pool(command.tokens, command.concurrency, async (token) => {
    const socket = io(command.url, { transports: ["websocket"], auth: { token }, reconnection: false, forceNew: true, timeout: Math.max(1, deadline - now()) });
    const outcome = await new Promise<string | null>((resolve) => {
      socket.once("connect", () => resolve(null));
      socket.once("connect_error", (error: Error & { data?: { code?: string } }) => resolve(error.data?.code ?? error.message));
    });
    if (outcome === null) {
      sockets.push(socket);
      joined.push(false);
    } else {
      bump(errors, outcome);
      socket.close();
    }
  });
  return { connected: sockets.length, failed: command.tokens.length - sockets.length, seconds: round((now() - started) / 1000, 3), errors };
}

async function join(command: Extract<ClientCommand, { kind: "join" }>): Promise<JoinResult> {
  const targets = sockets.map((socket, index) => ({ socket, index })).filter(({ index }) => !command.onlyUnjoined || !joined[index]);
  const failures: Record<string, number> = {};
  const latencies: number[] = [];
  const started = now();
  let ok = 0;
  await pool(targets, command.concurrency, async ({ socket, index }) => {
    const sent = now();
    const left = Math.max(1, started + command.timeoutMs - sent);
    const code = await new Promise<string | null>((resolve) => {
      socket.timeout(left).emit("room:join", { taskforceId: command.taskforceId }, (error: Error | null, ack: Ack) => {
        if (error) resolve("TIMEOUT");
        else resolve(ack?.ok ? null : (ack?.error?.code ?? "BAD_ACK"));
      });
    });
    latencies.push(now() - sent);
    if (code === null) {
      ok++;
      joined[index] = true;
    } else bump(failures, code);
  });
  return {
    attempted: targets.length,
    ok,
    failed: targets.length - ok,
    seconds: round((now() - started) / 1000, 3),
    failures,
    latency: summarize(latencies),
    joinedTotal: joined.filter(Boolean).length,
  };
}

async function fanout(command: Extract<ClientCommand, { kind: "fanout" }>): Promise<FanoutResult> {
  const senderIndex = joined.indexOf(true);
  if (senderIndex === -1) throw new Error("No joined socket to share from.");
  const sender = sockets[senderIndex];
  const receivers = sockets.filter((_, index) => joined[index] && index !== senderIndex);
  const sentAt = new Map<number, number>();
  const received = new Map<number, number>();
  const lastAt = new Map<number, number>();
  const firstAt = new Map<number, number>();
  const latencies: number[] = [];
  const completions: number[] = [];
  const firsts: number[] = [];
  const spreads: number[] = [];
  const ackFailures: Record<string, number> = {};
  let eventBytes = 0;
  let sampleEvent: Record<string, unknown> | null = null;
  // Rep 0 is the warm-up, sent only when asked for and never counted.
  const measured = (rep: number) => rep > 0;
  const notePrefix = `bench fanout ${command.tag} `;
  const onShared = (event: { payload?: { note?: unknown } }) => {
    const at = now();
    const note = String(event?.payload?.note ?? "");
    if (!note.startsWith(notePrefix)) return;
    const rep = Number(note.slice(notePrefix.length));
    const sent = sentAt.get(rep);
    if (sent === undefined) return;
    if (!eventBytes) {
      eventBytes = Buffer.byteLength(JSON.stringify(event));
      sampleEvent = event as Record<string, unknown>;
    }
    if (!received.has(rep)) firstAt.set(rep, at);
    received.set(rep, (received.get(rep) ?? 0) + 1);
    lastAt.set(rep, at);
    if (measured(rep)) latencies.push(at - sent);
  };
  for (const socket of receivers) socket.on("lead:shared", onShared);
  let missing = 0;
  try {
    for (let rep = command.warmup ? 0 : 1; rep <= command.reps; rep++) {
      sentAt.set(rep, now());
      const deadline = now() + command.timeoutMs;
      // With a clientEventId, as the app's own client sends every share (app/realtime/use-room.ts); the bare server ignores it.
      const clientEventId = `bench-${process.pid}-${randomUUID()}`;
      sender.timeout(command.timeoutMs).emit("lead:share", { leadId: command.leadId, note: `${notePrefix}${rep}`, clientEventId }, (error: Error | null, ack: Ack) => {
        if (error) bump(ackFailures, "TIMEOUT");
        else if (!ack?.ok) bump(ackFailures, ack?.error?.code ?? "BAD_ACK");
      });
      while ((received.get(rep) ?? 0) < receivers.length && now() < deadline) await sleep(2);
      if (measured(rep)) {
        missing += receivers.length - (received.get(rep) ?? 0);
        if ((received.get(rep) ?? 0) === receivers.length) {
          completions.push(lastAt.get(rep)! - sentAt.get(rep)!);
          firsts.push(firstAt.get(rep)! - sentAt.get(rep)!);
          spreads.push(lastAt.get(rep)! - firstAt.get(rep)!);
        }
      }
      await sleep(command.pauseMs);
    }
  } finally {
    for (const socket of receivers) socket.off("lead:shared", onShared);
  }
  return {
    receivers: receivers.length,
    reps: command.reps,
    latency: summarize(latencies),
    completion: summarize(completions),
    first: summarize(firsts),
    spread: summarize(spreads),
    missing,
    ackFailures,
    eventBytes,
    sampleEvent,
    samples: { latencies, completions, firsts, spreads },
  };
}

async function disconnect(): Promise<{ closed: number }> {
  const closed = sockets.length;
  for (const socket of sockets) socket.close();
  sockets = [];
  joined = [];
  return { closed };
}

/** One connection kept across one-at-a-time commands (a run of single requests reuses it, as a browser would). */
const sequentialAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });

async function load(command: Extract<ClientCommand, { kind: "http" }>): Promise<HttpResult> {
  const agent = command.concurrency === 1 ? sequentialAgent : new http.Agent({ keepAlive: true, maxSockets: command.concurrency });
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let requests = 0;
  let errors = 0;
  let bodyBytes = 0;
  let lastBody: string | undefined;
  const started = now();
  const end = started + command.durationMs;
  const once = () =>
    new Promise<void>((resolve) => {
      const sent = now();
      const request = http.get(command.url, { agent, headers: command.headers, timeout: 30_000 }, (response) => {
        let bytes = 0;
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          if (command.keepLastBody) chunks.push(chunk);
        });
        response.on("end", () => {
          latencies.push(now() - sent);
          bump(statuses, String(response.statusCode));
          bodyBytes = bytes;
          if (command.keepLastBody) lastBody = Buffer.concat(chunks).toString("utf8");
          resolve();
        });
        response.on("error", () => {
          errors++;
          resolve();
        });
      });
      request.on("timeout", () => request.destroy(new Error("timeout")));
      request.on("error", () => {
        errors++;
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: command.concurrency }, async () => {
      while (now() < end && requests < command.maxRequests) {
        requests++;
        await once();
      }
    }),
  );
  const seconds = (now() - started) / 1000;
  if (agent !== sequentialAgent) agent.destroy();
  const ok = Object.entries(statuses).reduce((sum, [status, count]) => sum + (status.startsWith("2") ? count : 0), 0);
  return { requests, ok, statuses, errors, seconds: round(seconds, 3), rps: round(ok / seconds, 1), latency: summarize(latencies), bodyBytes, lastBody, ...(command.keepSamples ? { samples: latencies } : {}) };
}

function run(command: ClientCommand): Promise<unknown> {
  switch (command.kind) {
    case "connect":
      return connect(command);
    case "join":
      return join(command);
    case "fanout":
      return fanout(command);
    case "disconnect":
      return disconnect();
    case "http":
      return load(command);
  }
}

process.on("message", (request: ClientRequest) => {
  const reply = (message: ClientReply) => process.send?.(message);
  run(request).then(
    (result) => reply({ id: request.id, result }),
    (error: unknown) => reply({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on("disconnect", () => process.exit(0));
