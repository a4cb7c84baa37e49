// Command-line options of `npm run bench`. Every option takes `--name value` or `--name=value`.
export const BENCHMARKS = ["insert", "http-clues", "join-1000", "idle-1000", "fanout-1000", "search-1m", "correlation"] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export interface BenchOptions {
  full: boolean;
  only: Set<BenchmarkName>;
  /** Clues in the case the clue list reads (and the insert figure writes). */
  clues: number;
  members: number;
  searchSizes: number[];
  /** Clue counts the correlation benchmark saves into (10k and 100k quick, also 1M with --full). */
  correlationSizes: number[];
  /** PostgreSQL server URL of a maintenance database; the bench creates and drops its own database beside it. */
  pgUrl: string;
  db: "postgres" | "pglite";
  out: string;
}

const FLAGS = new Set(["full"]);

export function parseArgs(argv: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new Error(`Unexpected argument "${arg}" (options look like --name value or --name=value).`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (eq !== -1) values.set(name, arg.slice(eq + 1));
    else if (FLAGS.has(name)) values.set(name, "true");
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) values.set(name, argv[++i]);
    else throw new Error(`--${name} needs a value.`);
  }
  return values;
}

function positiveInt(name: string, raw: string): number {
  const value = Number(raw.replace(/_/g, "").replace(/k$/i, "000").replace(/m$/i, "000000"));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number (got "${raw}").`);
  return value;
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const args = parseArgs(argv);
  const known = new Set(["full", "only", "clues", "members", "search-sizes", "correlation-sizes", "pg-url", "db", "out"]);
  for (const name of args.keys()) if (!known.has(name)) throw new Error(`Unknown option --${name}. Known: ${[...known].map((k) => `--${k}`).join(", ")}.`);
  const full = args.get("full") === "true";
  let only = new Set<BenchmarkName>(BENCHMARKS);
  if (args.has("only")) {
    const names = args.get("only")!.split(",").map((name) => name.trim()).filter(Boolean);
    const unknown = names.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
    if (unknown.length) throw new Error(`Unknown benchmark ${unknown.join(", ")}. Known: ${BENCHMARKS.join(", ")}.`);
    only = new Set(names as BenchmarkName[]);
  }
  const db = args.get("db") ?? "postgres";
  if (db !== "postgres" && db !== "pglite") throw new Error(`--db is postgres or pglite (got "${db}").`);
  return {
    full,
    only,
    clues: positiveInt("clues", args.get("clues") ?? "5000"),
    members: positiveInt("members", args.get("members") ?? "1000"),
    searchSizes: (args.get("search-sizes") ?? (full ? "10000,100000,1000000" : "10000,100000")).split(",").map((size) => positiveInt("search-sizes", size.trim())),
    correlationSizes: (args.get("correlation-sizes") ?? (full ? "10000,100000,1000000" : "10000,100000")).split(",").map((size) => positiveInt("correlation-sizes", size.trim())),
    pgUrl: args.get("pg-url") ?? env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
    db,
    out: args.get("out") ?? "bench/results",
  };
}
