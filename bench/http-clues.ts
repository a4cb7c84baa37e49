// http-clues: GET /api/v1/cases/{caseId}/clues (the first page, bearer token) under a bounded keep-alive load from
// the client process, beside a bare Express route answering JSON of the same bytes in the same run.
import { startBareExpress } from "./lib/bare";
import { ClientProcess } from "./lib/clients";
import type { HttpResult } from "./lib/protocol";
import type { Measured } from "./lib/report";
import { ratioOf, round } from "./lib/stats";

export async function runHttpClues(appUrl: string, caseId: string, token: string, clues: number, full: boolean, log: (line: string) => void): Promise<Measured> {
  const url = `${appUrl}/api/v1/cases/${caseId}/clues`;
  const headers = { authorization: `Bearer ${token}`, accept: "application/json" };
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`the clue list answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const body: unknown = await response.json();
  const durationMs = full ? 15_000 : 5_000;
  const load = { concurrency: 16, durationMs, maxRequests: 1_000_000 };
  const bare = await startBareExpress(body);
  const clients = ClientProcess.start();
  let app: HttpResult;
  let base: HttpResult;
  // Server CPU per request (the app and the bare route run in this process; the load comes from another):
  // a figure that a busy machine disturbs less than requests per second. The database's CPU is not in it.
  let appCpuMs = 0;
  let baseCpuMs = 0;
  try {
    const bound = durationMs + 60_000;
    await clients.request({ kind: "http", url, headers, ...load, durationMs: 1_000 }, bound);
    let cpu = process.cpuUsage();
    app = await clients.request({ kind: "http", url, headers, ...load }, bound);
    appCpuMs = cpuMsPerRequest(process.cpuUsage(cpu), app.requests);
    log(`  app: ${app.rps} req/s, p99 ${app.latency.p99} ms, ${appCpuMs} ms of this process's CPU per request`);
    await clients.request({ kind: "http", url: `${bare.url}/clues`, headers, ...load, durationMs: 1_000 }, bound);
    cpu = process.cpuUsage();
    base = await clients.request({ kind: "http", url: `${bare.url}/clues`, headers, ...load }, bound);
    baseCpuMs = cpuMsPerRequest(process.cpuUsage(cpu), base.requests);
    log(`  bare: ${base.rps} req/s, p99 ${base.latency.p99} ms, ${baseCpuMs} ms of this process's CPU per request`);
  } finally {
    await clients.close();
    await bare.close();
  }
  const { exact, shown: ratio } = ratioOf(app.rps, base.rps, 3);
  const figures = (r: HttpResult) => ({ rps: r.rps, p50Ms: r.latency.p50, p99Ms: r.latency.p99, requests: r.requests, ok: r.ok, statuses: r.statuses, errors: r.errors, bodyBytes: r.bodyBytes, seconds: r.seconds });
  const text = (r: HttpResult) =>
    `${r.rps} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r === app ? appCpuMs : baseCpuMs} ms CPU per request (${r.bodyBytes} B body, ${load.concurrency} connections, ${r.seconds} s${r.ok < r.requests ? `, ${r.requests - r.ok} not 2xx` : ""})`;
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

function cpuMsPerRequest(used: NodeJS.CpuUsage, requests: number): number {
  return requests > 0 ? round((used.user + used.system) / 1000 / requests, 3) : 0;
}
