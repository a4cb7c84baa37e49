// search-1m: p50/p99 of a fixed query set (common, prefix, mid, rare, no-match) through the model's search(),
// beside a plain ILIKE '%…%' scan over the same rows, at growing table sizes on one PostgreSQL database.
// `DATABASE_URL=postgresql://…/db npx tsx bench/search.ts --sizes=10000,100000,1000000 [--runs=40]`
// The database is seeded (or topped up) by the script; reuse it across runs with the same URL.
import { performance } from "node:perf_hooks";
import { Prisma } from "@prisma/client";
import { loadActor, type Actor } from "~/auth/permissions.server";
import { openDatabase } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { singleton } from "~/utils/singleton.server";

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const sizes = arg("sizes", "10000,100000,1000000").split(",").map(Number);
const runs = Number(arg("runs", "40"));
const url = process.env.DATABASE_URL;
if (!url) throw new Error("Set DATABASE_URL to a PostgreSQL database the bench may fill.");
const db = singleton("database", () => openDatabase({ url }));
await migrate(db.sql);
const { search } = await import("~/models/search.server");
const explain = process.argv.includes("--explain");

// --explain: also run the ranking query itself under EXPLAIN ANALYZE, captured from search(), and print its
// execution time, buffers and how many rows the scans read: figures the machine's load does not move.
let captured: Prisma.Sql[] = [];
const queryRaw = db.prisma.$queryRaw.bind(db.prisma);
Object.assign(db.prisma, {
  $queryRaw: (strings: TemplateStringsArray, ...values: unknown[]) => {
    if (strings[0].trimStart().startsWith("WITH")) captured.push(Prisma.sql(strings, ...values));
    return queryRaw(strings, ...values);
  },
});

interface PlanNode {
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  "Node Type": string;
  "Shared Hit Blocks"?: number;
  Plans?: PlanNode[];
}
/** Rows the table scans produced or threw away: the work the bound is about. */
function rowsRead(node: PlanNode): number {
  const own = ["Seq Scan", "Index Scan", "Bitmap Heap Scan"].includes(node["Node Type"])
    ? ((node["Actual Rows"] ?? 0) + (node["Rows Removed by Filter"] ?? 0)) * (node["Actual Loops"] ?? 1)
    : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child), 0);
}
async function explainLast(): Promise<string> {
  const sql = captured.at(-1);
  if (!sql) return "";
  const [row] = await db.sql.query<{ "QUERY PLAN": [{ Plan: PlanNode; "Execution Time": number }] }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql.text}`,
    sql.values,
  );
  const [{ Plan, "Execution Time": ms }] = row["QUERY PLAN"];
  return `   sql ${ms.toFixed(1).padStart(7)} ms, ${String(Plan["Shared Hit Blocks"] ?? 0).padStart(6)} buffers, ${String(rowsRead(Plan)).padStart(7)} rows read`;
}

const QUERIES = {
  common: "window", // in about one clue in five
  prefix: "win", // a word prefix and a substring of the common word
  mid: "tagalog", // one clue in 500
  rare: "quokka", // ten clues, whatever the size
  "no-match": "zyxwvutsr",
} as const;

// Fixed ids so a second run finds its people and only tops the clues up.
await db.sql.exec(`
  INSERT INTO "Taskforce" ("id", "name") VALUES ('bench-tf-a', 'Bench A'), ('bench-tf-b', 'Bench B') ON CONFLICT DO NOTHING;
  INSERT INTO "User" ("id", "email", "displayName", "agency", "role", "status", "passwordHash", "updatedAt") VALUES
    ('bench-analyst', 'analyst@bench.local', 'Analyst', 'Agency A', 'ANALYST', 'ACTIVE', 'x', now()),
    ('bench-liaison', 'liaison@bench.local', 'Liaison', 'Agency L', 'LIAISON', 'ACTIVE', 'x', now()),
    ('bench-small', 'small@bench.local', 'Small', 'Agency A', 'ANALYST', 'ACTIVE', 'x', now())
    ON CONFLICT DO NOTHING;
  INSERT INTO "TaskforceMember" ("taskforceId", "userId") VALUES
    ('bench-tf-a', 'bench-analyst'), ('bench-tf-b', 'bench-analyst'), ('bench-tf-a', 'bench-liaison'), ('bench-tf-b', 'bench-small')
    ON CONFLICT DO NOTHING;
  INSERT INTO "Case" ("id", "taskforceId", "reference", "title", "createdById", "updatedAt") VALUES
    ('bench-case-a', 'bench-tf-a', 'VID-BENCH-A', 'Bench A', 'bench-analyst', now()),
    ('bench-case-b', 'bench-tf-b', 'VID-BENCH-B', 'Bench B', 'bench-analyst', now()) ON CONFLICT DO NOTHING;
`);

/** Ten rare clues at every size (sizes are multiples of 1,000): i % rareEvery(size) = 51. */
const rareEvery = (size: number) => Math.max(1000, Math.floor(size / 10));

/**
 * Clues numbered from..to-1, newest last: 9 in 10 in taskforce A (in runs of 100), codes in turn, one in fifty
 * under review (what a liaison sees). The moduli differ so that taskforce, code, author and text are independent.
 */
async function seed(from: number, to: number) {
  await db.sql.exec(`
    INSERT INTO "Clue" ("id", "caseId", "taskforceId", "authorId", "authorAgency", "categoryKey", "value", "detail",
                        "handlingCode", "reviewState", "createdAt", "updatedAt")
    SELECT 'bench-' || i,
      CASE WHEN (i / 100) % 10 = 0 THEN 'bench-case-b' ELSE 'bench-case-a' END,
      CASE WHEN (i / 100) % 10 = 0 THEN 'bench-tf-b' ELSE 'bench-tf-a' END,
      CASE WHEN i % 7 = 0 THEN 'bench-analyst' ELSE 'someone-else' END,
      CASE WHEN i % 3 = 0 THEN 'Agency B' ELSE 'Agency A' END,
      'object_product',
      (ARRAY['Power socket type F', 'Shampoo label in Polish', 'Radiator under the window', 'Blue tiles with white grout',
             'Curtain with floral print', 'Wooden window frame, white paint', 'Light switch, rocker type', 'Carpet, beige',
             'Kettle brand Bosch', 'Window blinds, venetian'])[1 + (i / 10) % 10]
        || CASE WHEN (i / 7) % 500 = 3 THEN ' Tagalog speech' ELSE '' END
        || CASE WHEN i % ${rareEvery(to)} = 51 THEN ' quokka plush toy' ELSE '' END
        || ' #' || i,
      'Seen in frame ' || (i % 997) || ', ' || (ARRAY['left of the bed', 'behind the person', 'on the wall', 'near the door'])[1 + i % 4],
      (ARRAY['RED', 'AMBER_STRICT', 'AMBER', 'GREEN', 'CLEAR'])[1 + i % 5]::"HandlingCode",
      CASE WHEN (i / 3) % 50 = 1 THEN 'REQUESTED' ELSE 'NONE' END::"ReviewState",
      timestamp '2024-01-01' + i * interval '1 minute', now()
    FROM generate_series(${from}, ${to - 1}) AS i;
  `);
  // The rare word must stay in ten clues at every size: drop the copies an earlier, smaller seed wrote.
  await db.sql.exec(`
    UPDATE "Clue" SET "value" = replace("value", ' quokka plush toy', '')
    WHERE "id" LIKE 'bench-%' AND "value" LIKE '%quokka%' AND substring("id" from 7)::int % ${rareEvery(to)} <> 51;
  `);
  await db.sql.exec(`VACUUM ANALYZE "Clue"`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function time(fn: () => Promise<unknown>, times = runs): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 3; i++) await fn(); // warm caches and plans
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

// Who sees most clues (an analyst in both taskforces), a tenth of them (an analyst in the small taskforce B)
// and one in fifty (a liaison: only clues under review).
const actorOf = async (id: string) => loadActor(await db.prisma.user.findUniqueOrThrow({ where: { id } }));
const actors: [string, Actor][] = [
  ["analyst", await actorOf("bench-analyst")],
  ["small-tf", await actorOf("bench-small")],
  ["liaison", await actorOf("bench-liaison")],
];
const only = arg("actors", "").split(",").filter(Boolean);

const fmt = (ms: number) => ms.toFixed(1).padStart(8);
console.log(`search-1m on ${db.kind}, ${runs} runs per figure (ms)`);
console.log("size      actor    query      matches   search p50/p99        ILIKE scan p50/p99");
let seeded = Number((await db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM "Clue" WHERE "id" LIKE 'bench-%'`))[0].n);
for (const size of sizes) {
  if (seeded > size) throw new Error(`The database already holds ${seeded} bench clues; use a fresh one for ${size}.`);
  if (seeded < size) await seed(seeded, size);
  seeded = size;
  for (const [name, q] of Object.entries(QUERIES)) {
    const pattern = `%${q}%`;
    const matches = Number((await db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM "Clue" WHERE ("value" || ' ' || "detail") ILIKE $1`, [pattern]))[0].n);
    // The floor: the same words as a plain scan (no index helps a leading wildcard on an expression), newest 50.
    const scan = await time(
      () => db.sql.query(`SELECT "id" FROM "Clue" WHERE ("value" || ' ' || "detail") ILIKE $1 ORDER BY "createdAt" DESC LIMIT 50`, [pattern]),
      Math.min(runs, 10),
    );
    for (const [who, actor] of actors.filter(([who]) => !only.length || only.includes(who))) {
      captured = [];
      const found = await time(() => search(actor, { q, kind: "CLUES" }));
      console.log(
        `${String(size).padEnd(9)} ${who.padEnd(8)} ${name.padEnd(9)} ${String(matches).padStart(8)} ${fmt(found.p50)} ${fmt(found.p99)}      ${fmt(scan.p50)} ${fmt(scan.p99)}${explain ? await explainLast() : ""}`,
      );
    }
  }
}
await db.close();
