// fanout-N, join-N and idle-N: N members' sockets (websocket, one client process per server) against the app, then
// the same clients against a bare Socket.IO server in the same run. One pass per server: a warm-up (a few members of
// another room connect, join and leave), heap before, connect, N concurrent room:join (timed), retry the failed
// joins, heap after. Both passes stay connected, and then the shares
// (lead:share → lead:shared to every other member) go to the app and the bare server in turns, one share at a time:
// the two servers' figures are taken in the same seconds, so a machine that slows down or speeds up during the run
// moves both alike.
import { startBareSocketServer } from "./lib/bare";
import { ClientProcess } from "./lib/clients";
import type { ConnectResult, FanoutResult, JoinResult } from "./lib/protocol";
import type { Measured } from "./lib/report";
import { prisma } from "~/db.server";
import { ratioOf, round, summarize } from "./lib/stats";

export interface RealtimeSettings {
  members: number;
  full: boolean;
  fanout: boolean;
  join: boolean;
  idle: boolean;
}

interface Pass {
  connect: ConnectResult | null;
  join: JoinResult | null;
  retry: JoinResult | null;
  heapMB: number | null;
  fanout: FanoutResult | null;
  error?: string;
}

/** A pass whose members are connected and joined, ready for the shares. */
interface OpenPass {
  name: "app" | "bare";
  result: Pass;
  clients: ClientProcess;
}

type RoomOfMembers = { taskforceId: string; leadId: string; tokens: string[] };

/**
 * Prisma keeps the arguments of its last 100 debug calls whether or not debugging is on (@prisma/debug's
 * argsHistory), so the seeding's createMany batches (thousands of rows) stay on the heap until 100 newer calls push
 * them out. Measured from there, the app's pass freed them while its members joined, and its heap per socket read
 * ~7 MB per 1,000 too low (0.7-0.9x bare where it is ~1.5x; heap snapshots, 2026-12-01). A hundred and more
 * trivial statements through the app's client push them out before the heap is read.
 */
async function releaseRetainedDebugArguments(): Promise<void> {
  for (let i = 0; i < 150; i++) await prisma.$queryRaw`SELECT 1`;
}

const MB = 1024 * 1024;
/** A share's bound: no receipt or ack after this counts as missing. */
const SHARE_TIMEOUT_MS = 30_000;
const SHARE_PAUSE_MS = 200;
/**
 * Measured shares per server. Each share's 999 receipts are 0.1 % of 1,000 shares' samples but 1 % of 100's: over
 * 100 shares the p99 was the receipts of the one or two slowest shares, and the same code measured 1.27-1.63
 * (2026-12-01/02). Over 300 it is the tail of several shares, not of one.
 */
const SHARES = { quick: 300, full: 500 };

async function heapUsed(): Promise<number | null> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Connects and joins every member; the clients stay connected for the shares (closePass ends them). First the
 * warm-up room's members connect, join and leave, so that what the pass measures is each server warm: the code the
 * JIT compiles once (1.1 MB for the app, 0.4 for the bare server) and the shapes it makes once are not memory per
 * socket, and a server that has run before does not join its members cold.
 */
async function openPass(name: OpenPass["name"], url: string, room: RoomOfMembers, warmUp: RoomOfMembers, settings: RealtimeSettings, log: (line: string) => void): Promise<OpenPass> {
  const result: Pass = { connect: null, join: null, retry: null, heapMB: null, fanout: null };
  const clients = ClientProcess.start();
  try {
    await clients.request({ kind: "connect", url, tokens: warmUp.tokens, concurrency: 100, timeoutMs: 60_000 }, 90_000);
    await clients.request({ kind: "join", taskforceId: warmUp.taskforceId, timeoutMs: 60_000, onlyUnjoined: false, concurrency: warmUp.tokens.length }, 90_000);
    await clients.request({ kind: "disconnect" }, 30_000);
    await releaseRetainedDebugArguments();
    await settle(1_000);
    const before = await heapUsed();
    result.connect = await clients.request({ kind: "connect", url, tokens: room.tokens, concurrency: 100, timeoutMs: 120_000 }, 150_000);
    log(`    connected ${result.connect.connected}/${room.tokens.length} in ${result.connect.seconds} s`);
    // All joins at once: the figure is how long N members arriving together wait, and how many are refused.
    result.join = await clients.request({ kind: "join", taskforceId: room.taskforceId, timeoutMs: 120_000, onlyUnjoined: false, concurrency: room.tokens.length }, 150_000);
    log(`    joined ${result.join.ok}/${result.join.attempted} in ${result.join.seconds} s`);
    if (result.join.failed > 0) {
      // Fanout and idle need every member in the room: retry the refused ones a few at a time (bounded).
      const retryMs = settings.full ? 300_000 : 90_000;
      result.retry = await clients.request({ kind: "join", taskforceId: room.taskforceId, timeoutMs: retryMs, onlyUnjoined: true, concurrency: 10 }, retryMs + 30_000);
      log(`    retried ${result.retry.attempted} joins: ${result.retry.ok} ok in ${result.retry.seconds} s`);
    }
    await settle(2_000);
    const after = await heapUsed();
    if (before !== null && after !== null) result.heapMB = round((after - before) / MB, 2);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    log(`    failed: ${result.error}`);
  }
  return { name, result, clients };
}

async function closePass(pass: OpenPass): Promise<void> {
  try {
    await pass.clients.request({ kind: "disconnect" }, 30_000);
  } catch (error) {
    pass.result.error ??= error instanceof Error ? error.message : String(error);
  } finally {
    await pass.clients.close();
    await settle(1_000);
  }
}

/**
 * One warm-up share per server, then `reps` measured shares to each, in turns (the first server alternates, so
 * neither always follows the other). The samples of every turn are pooled per server.
 */
async function sharesInTurns(passes: OpenPass[], leadId: string, reps: number, onWarm: (pass: OpenPass, warm: FanoutResult) => void, log: (line: string) => void) {
  const pooled = new Map<OpenPass, { latencies: number[]; completions: number[]; firsts: number[]; spreads: number[]; missing: number; ackFailures: Record<string, number>; receivers: number; eventBytes: number }>();
  const share = async (pass: OpenPass, tag: string, warmup: boolean) => {
    try {
      return await pass.clients.request({ kind: "fanout", leadId, reps: warmup ? 0 : 1, warmup, timeoutMs: SHARE_TIMEOUT_MS, pauseMs: SHARE_PAUSE_MS, tag }, SHARE_TIMEOUT_MS * 2 + 10_000);
    } catch (error) {
      pass.result.error ??= error instanceof Error ? error.message : String(error);
      log(`    ${pass.name} fanout failed: ${pass.result.error}`);
      return null;
    }
  };
  let live = passes.filter((pass) => !pass.result.error);
  for (const pass of live) {
    const warm = await share(pass, `${pass.name}-warm`, true);
    if (!warm) continue;
    onWarm(pass, warm);
    pooled.set(pass, { latencies: [], completions: [], firsts: [], spreads: [], missing: 0, ackFailures: {}, receivers: warm.receivers, eventBytes: warm.eventBytes });
  }
  live = live.filter((pass) => pooled.has(pass));
  for (let rep = 1; rep <= reps && live.length > 0; rep++) {
    for (const pass of rep % 2 === 1 ? live : [...live].reverse()) {
      const turn = await share(pass, `${pass.name}-${rep}`, false);
      const pool = pooled.get(pass)!;
      if (!turn) {
        pooled.delete(pass);
        continue;
      }
      pool.latencies.push(...turn.samples.latencies);
      pool.completions.push(...turn.samples.completions);
      pool.firsts.push(...turn.samples.firsts);
      pool.spreads.push(...turn.samples.spreads);
      pool.missing += turn.missing;
      for (const [code, count] of Object.entries(turn.ackFailures)) pool.ackFailures[code] = (pool.ackFailures[code] ?? 0) + count;
      pool.eventBytes ||= turn.eventBytes;
    }
    live = live.filter((pass) => pooled.has(pass));
  }
  for (const [pass, pool] of pooled) {
    pass.result.fanout = {
      receivers: pool.receivers,
      reps,
      latency: summarize(pool.latencies),
      completion: summarize(pool.completions),
      first: summarize(pool.firsts),
      spread: summarize(pool.spreads),
      missing: pool.missing,
      ackFailures: pool.ackFailures,
      eventBytes: pool.eventBytes,
      sampleEvent: null,
      samples: { latencies: [], completions: [], firsts: [], spreads: [] },
    };
    const f = pass.result.fanout;
    log(`    ${pass.name} fanout: ${reps} shares to ${pool.receivers}, p50 ${f.latency.p50} ms, p99 ${f.latency.p99} ms; per share: first receipt p50 ${f.first.p50} ms (p99 ${f.first.p99}, max ${f.first.max}), first→last p50 ${f.spread.p50} ms (p99 ${f.spread.p99}, max ${f.spread.max})`);
  }
}

const failuresText = (failures: Record<string, number> | undefined, what = "") =>
  failures && Object.keys(failures).length ? ` [${what ? `${what}: ` : ""}${Object.entries(failures).map(([code, count]) => `${count}× ${code}`).join(", ")}]` : "";

export async function runRealtime(appUrl: string, room: RoomOfMembers, warmUp: RoomOfMembers, settings: RealtimeSettings, log: (line: string) => void): Promise<Measured[]> {
  const n = settings.members;
  // The bare server sends the app's own event, as heard in the app's warm-up share (the app goes first).
  let sampleEvent: Record<string, unknown> | null = null;
  const bareServer = await startBareSocketServer({ sampleEvent: () => sampleEvent });
  const passes: OpenPass[] = [];
  try {
    log(`  app (${appUrl})`);
    passes.push(await openPass("app", appUrl, room, warmUp, settings, log));
    log(`  bare Socket.IO (${bareServer.url}, sending the app's own event)`);
    passes.push(await openPass("bare", bareServer.url, room, warmUp, settings, log));
    if (settings.fanout) {
      log(`  shares to the app and the bare server in turns`);
      await sharesInTurns(passes, room.leadId, settings.full ? SHARES.full : SHARES.quick, (pass, warm) => {
        if (pass.name === "app" && warm.sampleEvent) sampleEvent = warm.sampleEvent;
      }, log);
    }
  } finally {
    for (const pass of passes) await closePass(pass);
    await bareServer.close();
  }
  const [app, bare] = [passes[0].result, passes[1].result];
  const out: Measured[] = [];
  const errorNote = [app.error && `app: ${app.error}`, bare.error && `bare: ${bare.error}`].filter(Boolean).join("; ") || undefined;

  if (settings.fanout) {
    const a = app.fanout;
    const b = bare.fanout;
    const { exact, shown: ratio } = ratioOf(a?.latency.p99, b?.latency.p99);
    const text = (f: FanoutResult | null) =>
      f
        ? `p50 ${f.latency.p50} ms, p99 ${f.latency.p99} ms emit→receipt; per share, first receipt p50 ${f.first.p50} ms, first→last p50 ${f.spread.p50} ms (${f.reps} shares × ${f.receivers} receivers${f.missing ? `, ${f.missing} receipts missing` : ""}${f.receivers < n - 1 ? `: only ${f.receivers + 1} of ${n} members could join` : ""})${failuresText(f.ackFailures, "share acks")}`
        : "not measured";
    out.push({
      result: {
        name: `fanout-${n}`,
        app: a ? { p50Ms: a.latency.p50, p99Ms: a.latency.p99, maxMs: a.latency.max, completionP50Ms: a.completion.p50, firstReceipt: a.first, firstToLast: a.spread, receivers: a.receivers, shares: a.reps, missing: a.missing, ackFailures: a.ackFailures, eventBytes: a.eventBytes } : null,
        baseline: b ? { p50Ms: b.latency.p50, p99Ms: b.latency.p99, maxMs: b.latency.max, completionP50Ms: b.completion.p50, firstReceipt: b.first, firstToLast: b.spread, receivers: b.receivers, shares: b.reps, missing: b.missing, eventBytes: b.eventBytes } : null,
        ratio,
        target: "p99 ratio ≤ 1.3, nothing missing",
        met: exact !== null && exact <= 1.3 && a?.missing === 0 && a.receivers === n - 1,
        note: errorNote,
      },
      appText: text(a),
      baselineText: text(b),
    });
  }
  if (settings.join) {
    const a = app.join;
    const b = bare.join;
    const { exact, shown: ratio } = ratioOf(a?.seconds, b?.seconds);
    const text = (j: JoinResult | null, p: Pass) =>
      j
        ? `${j.seconds} s for ${j.attempted} concurrent joins, ${j.failed} failed${failuresText(j.failures)}, p99 ${round(j.latency.p99 / 1000, 2)} s` +
          (p.retry ? `; retried 10 at a time: ${p.retry.ok} of ${p.retry.attempted} more joined in ${p.retry.seconds} s` : "")
        : "not measured";
    out.push({
      result: {
        name: `join-${n}`,
        app: a ? { seconds: a.seconds, attempted: a.attempted, failures: a.failed, failureCodes: a.failures, p50Ms: a.latency.p50, p99Ms: a.latency.p99, connectSeconds: app.connect?.seconds, connectFailures: app.connect?.failed, retry: app.retry ? { attempted: app.retry.attempted, ok: app.retry.ok, seconds: app.retry.seconds, concurrency: 10 } : null } : null,
        baseline: b ? { seconds: b.seconds, attempted: b.attempted, failures: b.failed, p50Ms: b.latency.p50, p99Ms: b.latency.p99, connectSeconds: bare.connect?.seconds } : null,
        ratio,
        target: "0 failures, ≤ 10× bare",
        met: a !== null && a.attempted === n && a.failed === 0 && exact !== null && exact <= 10,
        note: errorNote,
      },
      appText: text(a, app),
      baselineText: text(b, bare),
    });
  }
  if (settings.idle) {
    // Per connected socket: a socket whose join was refused still holds its connection state.
    const joinedOf = (p: Pass) => (p.retry ?? p.join)?.joinedTotal ?? 0;
    const connectedOf = (p: Pass) => p.connect?.connected ?? 0;
    const per1000 = (p: Pass) => (p.heapMB === null || connectedOf(p) === 0 ? null : round((p.heapMB * 1000) / connectedOf(p), 2));
    const a = per1000(app);
    const b = per1000(bare);
    const { exact, shown: ratio } = ratioOf(a, b);
    const text = (p: Pass, value: number | null) =>
      value === null ? "not measured (run with node --expose-gc)" : `${value} MB heap per 1,000 sockets (${p.heapMB} MB for ${connectedOf(p)} connected, ${joinedOf(p)} joined)`;
    out.push({
      result: {
        name: `idle-${n}`,
        app: a === null ? null : { heapMBPer1000: a, heapMB: app.heapMB, connected: connectedOf(app), joined: joinedOf(app) },
        baseline: b === null ? null : { heapMBPer1000: b, heapMB: bare.heapMB, connected: connectedOf(bare), joined: joinedOf(bare) },
        ratio,
        target: "≤ 1.5× bare",
        met: exact !== null && exact <= 1.5 && joinedOf(app) === n,
        note: errorNote,
      },
      appText: text(app, a),
      baselineText: text(bare, b),
    });
  }
  return out;
}
