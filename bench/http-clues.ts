// http-clues: GET /api/v1/cases/{caseId}/clues (the first page, bearer token) under a bounded keep-alive load from
// the client process, beside a bare Express route answering JSON of the same bytes in the same run.
import { flushAuditRecords, sealAudit } from "~/models/audit.server";
import { startBareExpress } from "./lib/bare";
import { ClientProcess } from "./lib/clients";
import type { HttpResult } from "./lib/protocol";
import type { Measured } from "./lib/report";
import { ratioOf, round, summarize } from "./lib/stats";

const WARM_UP_MS = 3_000;

export async function runHttpClues(appUrl: string, caseId: string, token: string, clues: number, full: boolean, log: (line: string) => void): Promise<Measured> {
  const url = `${appUrl}/api/v1/cases/${caseId}/clues`;
  const headers = { authorization: `Bearer ${token}`, accept: "application/json" };
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`the clue list answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const body: unknown = await response.json();
  // The two sides take turns, a second each (5 turns quick, 15 full), the order swapped every round: this 2-core
  // machine's speed drifts by up to 2x over minutes (the bare route alone served 1,900-3,650 req/s in runs of one
  // day), and two back-to-back 5 s windows measured the app and its floor at different speeds.
  const turns = full ? 15 : 5;
  const turnMs = 1_000;
  const load = { concurrency: 16, durationMs: turnMs, maxRequests: 1_000_000, keepSamples: true };
  const bare = await startBareExpress(body);
  const clients = ClientProcess.start();
  const sides = {
    app: { url, runs: [] as HttpResult[], cpuMicros: 0, settleSeconds: 0 },
    bare: { url: `${bare.url}/clues`, runs: [] as HttpResult[], cpuMicros: 0, settleSeconds: 0 },
  };
  try {
    const bound = turnMs + 60_000;
    // Warm-up, unmeasured: the app's pool opens its connections and plans its statements, and its code is compiled,
    // under this load. After one second the app's first turns still served 20-30 % less than its last ones.
    for (const side of Object.values(sides)) await clients.request({ kind: "http", url: side.url, headers, ...load, durationMs: WARM_UP_MS }, bound + WARM_UP_MS);
    for (let turn = 0; turn < turns; turn++) {
      const order = turn % 2 === 0 ? [sides.app, sides.bare] : [sides.bare, sides.app];
      for (const side of order) {
        // Server CPU per request (the app and the bare route run in this process; the load comes from another):
        // a figure that a busy machine disturbs less than requests per second. The database's CPU is not in it.
        const cpu = process.cpuUsage();
        side.runs.push(await clients.request({ kind: "http", url: side.url, headers, ...load }, bound));
        // The app's turn ends when its reads' audit records are written and sealed, and that time and CPU are the
        // app's: none of its work may spill into the bare route's turn.
        if (side === sides.app) {
          const settleStarted = performance.now();
          await flushAuditRecords();
          await sealAudit();
          side.settleSeconds += (performance.now() - settleStarted) / 1000;
        }
        const used = process.cpuUsage(cpu);
        side.cpuMicros += used.user + used.system;
      }
    }
  } finally {
    await clients.close();
    await bare.close();
  }
  const app = merged(sides.app.runs, sides.app.settleSeconds);
  const base = merged(sides.bare.runs, 0);
  const appCpuMs = app.requests > 0 ? round(sides.app.cpuMicros / 1000 / app.requests, 3) : 0;
  const baseCpuMs = base.requests > 0 ? round(sides.bare.cpuMicros / 1000 / base.requests, 3) : 0;
  log(`  app: ${app.rps} req/s, p99 ${app.latency.p99} ms, ${appCpuMs} ms of this process's CPU per request (${turns} turns of ${turnMs / 1000} s)`);
  log(`  bare: ${base.rps} req/s, p99 ${base.latency.p99} ms, ${baseCpuMs} ms of this process's CPU per request`);
  log(`  ratio per turn: ${sides.app.runs.map((run, i) => round(run.rps / sides.bare.runs[i].rps, 3)).join(", ")}`);
  const { exact, shown: ratio } = ratioOf(app.rps, base.rps, 3);
  const figures = (r: HttpResult) => ({ rps: r.rps, p50Ms: r.latency.p50, p99Ms: r.latency.p99, requests: r.requests, ok: r.ok, statuses: r.statuses, errors: r.errors, bodyBytes: r.bodyBytes, seconds: r.seconds });
  const text = (r: HttpResult) =>
    `${r.rps} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r === app ? appCpuMs : baseCpuMs} ms CPU per request (${r.bodyBytes} B body, ${load.concurrency} connections, ${r.seconds} s in ${turns} turns${r.ok < r.requests ? `, ${r.requests - r.ok} not 2xx` : ""})`;
  return {
    result: {
      name: "http-clues",
      app: { ...figures(app), cpuMsPerRequest: appCpuMs, cluesInCase: clues },
      baseline: { ...figures(base), cpuMsPerRequest: baseCpuMs },
      ratio,
      target: "throughput ≥ 0.15× bare",
      met: exact !== null && exact >= 0.15 && app.ok === app.requests,
    },
    appText: text(app),
    baselineText: text(base),
  };
}

/** One side's turns as one run: counts and seconds summed (with the time its records took to settle), latencies from every request. */
function merged(runs: HttpResult[], settleSeconds: number): HttpResult {
  const statuses: Record<string, number> = {};
  for (const run of runs) for (const [status, count] of Object.entries(run.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  const sum = (pick: (run: HttpResult) => number) => runs.reduce((total, run) => total + pick(run), 0);
  const seconds = sum((run) => run.seconds) + settleSeconds;
  const ok = sum((run) => run.ok);
  return {
    requests: sum((run) => run.requests),
    ok,
    statuses,
    errors: sum((run) => run.errors),
    seconds: round(seconds, 3),
    rps: round(ok / seconds, 1),
    latency: summarize(runs.flatMap((run) => run.samples ?? [])),
    bodyBytes: runs[runs.length - 1]?.bodyBytes ?? 0,
  };
}
