// `npm run bench [-- --full] [-- --only fanout-1000,search-1m] [-- --clues 20000]`: every benchmark prints the app's
// figure beside its bare baseline measured in the same run, and bench/results/latest.{json,md,txt} record them.
// Figures, never pass/fail: see bench/README.md. The app is driven only through its HTTP API and socket protocol.
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { loadRemixBuild, startApp, type RunningApp } from "../server/app";
import { silenceAssessedWarnings } from "../server/assessed-warnings";
import { runHttpClues } from "./http-clues";
import { openBenchDatabase, type BenchDatabase } from "./lib/database";
import { seedClueCase, seedRoom, type Room } from "./lib/fixtures";
import { parseOptions, type BenchmarkName } from "./lib/options";
import { settle } from "./lib/quiet";
import { formatLine, writeResults, type Machine, type Measured } from "./lib/report";
import { round } from "./lib/stats";
import { runRealtime } from "./realtime";
import { runCorrelation } from "./correlation";
import { runSearch } from "./search";

silenceAssessedWarnings();
const options = parseOptions(process.argv.slice(2));
/** Members of the room that warms each server up before the realtime pass (bench/realtime.ts). */
const WARM_UP_MEMBERS = 100;
// The per-token API limit (600 a minute) would turn a load test into a test of the limiter.
process.env.API_RATE_LIMIT_PER_MINUTE ??= "1000000000";
// A throwaway key for the bench's own database (a PostgreSQL server needs one to sign audit checkpoints).
process.env.CLUEBRIDGE_SECRET_KEY ??= randomBytes(32).toString("base64");

const consoleLines: string[] = [];
const log = (line: string) => {
  console.log(line);
  consoleLines.push(line);
};
const selected = (name: BenchmarkName) => options.only.has(name);
const measured: Measured[] = [];

function record(item: Measured) {
  measured.push(item);
  log(formatLine(item));
}

function failed(name: string, error: unknown): Measured {
  const message = error instanceof Error ? error.message : String(error);
  return { result: { name, app: null, baseline: null, ratio: null, target: null, met: false, note: `failed: ${message}` }, appText: `failed: ${message}`, baselineText: "—" };
}

const machine: Machine = {
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memoryGB: round(os.totalmem() / 1024 ** 3, 1),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  database: "",
  loadAverage: { start: round(os.loadavg()[0], 2) },
  mode: options.full ? "full" : "quick",
  startedAt: new Date().toISOString(),
  options: process.argv.slice(2).join(" "),
};

/** Waits for the machine to settle before a section (bench/lib/quiet.ts), and says so in the log and the record. */
async function settleBefore(section: string): Promise<void> {
  const settled = await settle();
  (machine.settled ??= []).push({ section, ...settled });
  log(`  waited ${settled.waitedSeconds} s for a quiet machine${settled.quiet ? "" : ` (still ${settled.busyCores ?? "?"} cores busy: measured anyway)`}`);
}

let database: BenchDatabase | undefined;
let app: RunningApp | undefined;

/** Bounded like every other wait: a stuck close must not keep the figures from being written. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T | void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(() => resolve(console.warn(`${what}: gave up after ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function shutdown() {
  await within(app?.close() ?? Promise.resolve(), 30_000, "closing the app").catch((error: unknown) => console.warn("closing the app:", error));
  app = undefined;
  await within(database?.close() ?? Promise.resolve(), 30_000, "dropping the bench database").catch((error: unknown) => console.warn("dropping the bench database:", error));
  database = undefined;
}

process.once("SIGINT", () => void shutdown().finally(() => process.exit(130)));

try {
  database = await openBenchDatabase(options.db, options.pgUrl);
  machine.database = database.version;
  const { prisma, sql } = database.db;
  log(`Cluebridge benchmarks (${machine.mode}) on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, Node ${machine.node}, ${machine.database}, load average ${machine.loadAverage.start}`);
  if (!(globalThis as { gc?: unknown }).gc) log("(no global.gc: heap figures need `node --expose-gc`, which `npm run bench` passes)");

  const { attachRealtime } = await import("../server/socket");
  app = await startApp({ port: 0, host: "127.0.0.1", production: true, allowedOrigins: [] }, await loadRemixBuild(path.join(process.cwd(), "build", "index.js")), { attachRealtime });
  const appUrl = app.url;

  const needsRoom = ["insert", "http-clues", "join-1000", "idle-1000", "fanout-1000"].some((name) => selected(name as BenchmarkName));
  let room: Room | undefined;
  if (needsRoom) {
    const started = performance.now();
    room = await seedRoom(prisma, options.members);
    // Statistics as autovacuum keeps them on a live database (its analyze follows a thousand new rows within a
    // minute): without them the planner took the room's 1,000 members for 5, and a share's notice push looked
    // each one up by index (3.2 ms in PostgreSQL per share, beside the broadcast on the same two cores).
    await prisma.$executeRaw`ANALYZE`;
    log(`\nseeded ${options.members} members with tokens in ${round((performance.now() - started) / 1000, 1)} s`);
  }

  if (room && (selected("insert") || selected("http-clues"))) {
    log(`\ninsert / http-clues (${options.clues} clues in the case)`);
    let caseId: string | undefined;
    try {
      const seeded = await seedClueCase(prisma, room, options.clues);
      caseId = seeded.caseId;
      if (selected("insert")) {
        const started = performance.now();
        await sql.query(
          `INSERT INTO "Clue" ("id", "caseId", "taskforceId", "authorId", "authorAgency", "categoryKey", "value", "handlingCode", "updatedAt")
           SELECT 'bench-insert-' || g, $1, $2, $3, 'Agency A', 'object_product', 'window frame PVC #' || g, 'GREEN', now() FROM generate_series(1, $4::int) AS g`,
          [room.caseId, room.taskforceId, room.userIds[0], options.clues],
        );
        const bareSeconds = (performance.now() - started) / 1000;
        await sql.query(`DELETE FROM "Clue" WHERE "caseId" = $1`, [room.caseId]);
        const appRate = Math.round(options.clues / seeded.seconds);
        const bareRate = Math.round(options.clues / bareSeconds);
        record({
          result: { name: "insert", app: { clues: options.clues, seconds: round(seeded.seconds, 3), perSecond: appRate }, baseline: { rows: options.clues, seconds: round(bareSeconds, 3), perSecond: bareRate }, ratio: round(appRate / bareRate, 3), target: null, met: null },
          appText: `${appRate} clues/s (Prisma createMany, batches of 500, ${options.clues} clues in ${round(seeded.seconds, 2)} s)`,
          baselineText: `${bareRate} rows/s (one INSERT … SELECT FROM generate_series)`,
        });
      }
    } catch (error) {
      record(failed("insert", error));
    }
    if (selected("http-clues")) {
      try {
        if (!caseId) throw new Error("no clue case was seeded");
        // Statistics as autovacuum keeps them on a live database: without them the planner, told the freshly
        // written case holds ~20 rows, sorts all of its clues instead of reading the first page from the index,
        // and takes the never-analysed facet, media and recipient tables for ten pages each, so that every clue of
        // the page looked in each with a bitmap scan (the clue list served ~30 % fewer requests that way).
        await prisma.$executeRaw`ANALYZE`;
        record(await runHttpClues(appUrl, caseId, room.tokens[0], options.clues, options.full, log));
      } catch (error) {
        record(failed("http-clues", error));
      }
    }
  }

  if (room && (selected("join-1000") || selected("idle-1000") || selected("fanout-1000"))) {
    log(`\nrealtime: ${options.members} members over websocket from the client process`);
    try {
      await settleBefore("realtime");
      // A room of its own for the warm-up, so the measured room and its members are untouched before the pass.
      const warmUp = await seedRoom(prisma, WARM_UP_MEMBERS, "warm");
      for (const item of await runRealtime(appUrl, room, warmUp, { members: options.members, full: options.full, fanout: selected("fanout-1000"), join: selected("join-1000"), idle: selected("idle-1000") }, log)) record(item);
    } catch (error) {
      record(failed(`realtime-${options.members}`, error));
    }
  }

  if (selected("search-1m") && database.db.kind !== "postgres") {
    const note = "not run: search-1m needs the PostgreSQL server (--db postgres)";
    record({ result: { name: "search-1m", app: null, baseline: null, ratio: null, target: null, met: null, note }, appText: note, baselineText: "—" });
  } else if (selected("search-1m")) {
    log(`\nsearch-1m at ${options.searchSizes.join(", ")} rows`);
    try {
      await settleBefore("search-1m");
      const searcher = await seedRoom(prisma, 1, "search");
      for (const item of await runSearch(appUrl, sql, { taskforceId: searcher.taskforceId, caseId: searcher.caseId, userId: searcher.userIds[0], token: searcher.tokens[0] }, options.searchSizes, options.full, log)) record(item);
    } catch (error) {
      record(failed("search-1m", error));
    }
  }

  if (selected("correlation") && database.db.kind !== "postgres") {
    const note = "not run: correlation needs the PostgreSQL server (--db postgres)";
    record({ result: { name: "correlation", app: null, baseline: null, ratio: null, target: null, met: null, note }, appText: note, baselineText: "—" });
  } else if (selected("correlation")) {
    log(`\ncorrelation at ${options.correlationSizes.join(", ")} clues`);
    try {
      await settleBefore("correlation");
      const saver = await seedRoom(prisma, 1, "correlation");
      for (const item of await runCorrelation(appUrl, database.db, { taskforceId: saver.taskforceId, caseId: saver.caseId, userId: saver.userIds[0], token: saver.tokens[0] }, options.correlationSizes, options.full, log)) record(item);
    } catch (error) {
      record(failed("correlation", error));
    }
  }
} catch (error) {
  record(failed("setup", error));
} finally {
  await shutdown();
  machine.finishedAt = new Date().toISOString();
  machine.loadAverage.end = round(os.loadavg()[0], 2);
  const missed = measured.filter((item) => item.result.met === false).map((item) => item.result.name);
  log(`\n${measured.length} figures; targets missed: ${missed.length ? missed.join(", ") : "none"}`);
  writeResults(options.out, machine, measured, `${consoleLines.join("\n")}\n`);
  console.log(`wrote ${path.join(options.out, "latest.json")}, latest.md, latest.txt`);
}
process.exit(0);
