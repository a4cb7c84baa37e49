// The one database handle of the process. PostgreSQL everywhere: a server when DATABASE_URL is a
// postgresql:// URL, otherwise PGlite in-process on a data directory (see docs/decisions/001).
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "@prisma/client";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { dumpEmbedded, findLocalServer, isAlive, openLocalAccess, PG_SOCKET_PORT, type LocalAccess } from "./db/local-commands.server";
import { forgetSingleton, singleton } from "./utils/singleton.server";

/** Raw SQL access for the migration runner and the few statements Prisma cannot express. */
export interface SqlRunner {
  /** Runs a script of several statements with no parameters. */
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Like query, for the hot reads' fixed statements (and, in a plain write transaction, the write's statements):
   * on a PostgreSQL server each connection prepares a statement once and reuses its plan (decision 018), instead
   * of parsing and planning it on every request.
   */
  read?<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]>;
  /**
   * As `read`, on the search connections: each statement keeps the one plan made at its first call
   * (plan_cache_mode=force_generic_plan), and no plan there reads a table whole (enable_seqscan=off).
   */
  readFixedPlan?<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]>;
}

export interface Database {
  kind: "pglite" | "postgres";
  prisma: PrismaClient;
  sql: SqlRunner;
  /** PGlite only: the whole database as a tar, to start other in-memory databases from (tests). */
  dump?(): Promise<Blob>;
  /** Connections open, idle, and queries waiting for one (/metrics). The embedded database is one connection. */
  poolStats(): { total: number; idle: number; waiting: number };
  /** PGlite only: the whole data directory as a gzipped tar, taken with no transaction open (db:backup). */
  backup?(): Promise<Buffer>;
  /** PGlite on a data directory only: lets local commands reach this database while it serves (decision 013). */
  shareWithLocalCommands?(): Promise<LocalAccess>;
  /** Runs `work` in one transaction on one connection, committed if it returns (backups and restores). */
  transaction<T>(isolation: "REPEATABLE READ READ ONLY" | "READ COMMITTED", work: (sql: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseConfig {
  /** postgresql://… for a server; absent for the embedded database. */
  url?: string;
  /** PGlite data directory, or "memory://" for an in-memory database. */
  dataDir?: string;
  /** A PGlite dump (tar) to start an in-memory database from: how tests get a migrated database fast. */
  loadDumpFrom?: string;
  /** The socket directory of a process serving the embedded database: a command connects there (decision 013). */
  servedAt?: string;
}

export function databaseConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) return { url };
  return {
    dataDir: env.PGLITE_DATA_DIR ?? path.join(process.cwd(), "data", "pglite"),
    loadDumpFrom: env.PGLITE_LOAD_DUMP,
  };
}

/**
 * For an operator command: the configured database, reached through the serving process when `npm start`
 * has the embedded database open (PGlite admits one process), directly otherwise.
 */
export function commandDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const config = databaseConfigFromEnv(env);
  if (config.url || !config.dataDir || config.dataDir.startsWith("memory://")) return config;
  const server = findLocalServer(config.dataDir);
  return server ? { servedAt: server.socketDir } : config;
}

export function openDatabase(config: DatabaseConfig): Database {
  // Prisma's schema requires a datasource URL even though the driver adapter does the connecting.
  process.env.PRISMA_DATASOURCE_URL ??= config.url ?? "postgresql://embedded/cluebridge";
  if (config.url) return openServer({ connectionString: config.url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10), options: SERVER_SESSION_OPTIONS }, "postgres");
  // The serving process runs one command's unit of work at a time, so a second connection would only wait.
  if (config.servedAt) return openServer({ host: config.servedAt, port: PG_SOCKET_PORT, user: "postgres", password: "local", database: "postgres", max: 1 }, "pglite");
  return openEmbedded(config);
}

/**
 * Session settings of the app's connections to a PostgreSQL server (an `options` parameter in DATABASE_URL
 * replaces them). JIT off: the app runs only short, index-bounded queries, but PostgreSQL compiles any plan
 * whose *estimated* cost passes jit_above_cost, and a text-index match at 1M rows is estimated at 20,000 rows
 * for its 10: the compile took 35-90 ms for a query that runs in 0.4 ms (decision 019).
 */
const SERVER_SESSION_OPTIONS = "-c jit=off";

/** Connections for the search statements (fixed plans, below): a few, opened as they are needed. */
const FIXED_PLAN_POOL_SIZE = 4;

/** How long a search connection (and the plans it made) lives: SEARCH_CONNECTION_LIFETIME_SECONDS, default 5 minutes. */
export function searchConnectionLifetimeSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.SEARCH_CONNECTION_LIFETIME_SECONDS);
  return Number.isInteger(seconds) && seconds > 0 ? seconds : 300;
}

function openServer(poolConfig: pg.PoolConfig, kind: Database["kind"]): Database {
  // Connections the pool opened stay open (node-postgres closes one idle for 10 s by default). A room's share
  // needs two or three at once after seconds of quiet: each reopened cost ~17 ms (a server process started, the
  // session set up) and the share's prepared statements were planned again on it, and the room heard that share
  // 25-45 ms late instead of ~9 (issue 9's fan-out, 2026-12-01). The pool still never holds more than `max`.
  const pool = new pg.Pool({ idleTimeoutMillis: 0, ...poolConfig });
  // The search statements' connections (decision 008's sixth pass). A search statement decides at run time, from
  // its own sample, which branch runs; what a plan could choose is only how each branch reads, and the statement
  // leaves one sensible way: a walk is written so that only the newest-first index can serve it, a rare word's
  // collection has the text indexes, and a whole-table scan is switched off. So a plan made for other words is as
  // good, and planning one (1.3-1.7 ms at any size) cost more than running it for a rare word (1.5 ms at 1M rows):
  // each connection plans a statement once and keeps that plan.
  const fixedPlanPool =
    kind === "postgres"
      ? new pg.Pool({
          ...poolConfig,
          max: Math.min(FIXED_PLAN_POOL_SIZE, poolConfig.max ?? FIXED_PLAN_POOL_SIZE),
          // A connection's plans were made for the table as it was when it first searched, and a plan made on a small
          // table stops fitting a large one: a rare word at 100k rows took 16 ms p50 on plans made at 10k, 5 ms on
          // plans made at 100k (bench, 2026-12-01). A busy connection is never idle long enough to be closed, so each
          // lives at most this long and the next one plans for the table as it is then.
          maxLifetimeSeconds: searchConnectionLifetimeSeconds(),
          // Unlike the main pool's, an idle one still closes after node-postgres's 10 s, so the next plans for the
          // table as it is then: kept open, plans made at 10k rows served the bench's table grown to 100k (2026-12-02).
          options: `${poolConfig.options ?? ""} -c plan_cache_mode=force_generic_plan -c enable_seqscan=off`.trim(),
        })
      : null;
  // An idle client whose connection the server ends (restart, admin termination) must not crash the process;
  // the pool drops it and the next query opens a new one.
  for (const each of [pool, fixedPlanPool]) each?.on("error", (error) => console.warn(`PostgreSQL pool: idle connection lost (${error.message})`));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  // One name per statement text for the whole pool: a connection prepares a name at its first use (node-postgres
  // keeps track), and a name never stands for two texts.
  const names = preparedNames();
  return {
    kind,
    prisma,
    sql: { ...sqlRunnerOf(pool), read: preparedReader(pool, names), ...(fixedPlanPool ? { readFixedPlan: preparedReader(fixedPlanPool, preparedNames()) } : {}) },
    async transaction(isolation, work) {
      const client = await pool.connect();
      try {
        await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
        // A write's fixed statements are prepared too (ctx.statements: app/db.server.ts statementsOf): a share
        // of a lead runs three of them before its room hears of it.
        const result = await work({ ...sqlRunnerOf(client), read: preparedReader(client, names) });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await prisma.$disconnect();
      await Promise.all([pool.end(), fixedPlanPool?.end()]);
    },
  };
}

/** Statements a connection keeps prepared, at most: past it (an unexpected variety of texts) they run unnamed. */
const MAX_PREPARED = 200;

/** The names of the statements prepared on a pool's connections: text → name, at most MAX_PREPARED. */
function preparedNames(): (text: string) => string | undefined {
  const names = new Map<string, string>();
  return (text) => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED) {
      name = `cb_read_${names.size + 1}`;
      names.set(text, name);
    }
    return name;
  };
}

function preparedReader(client: pg.Pool | pg.PoolClient, nameOf: (text: string) => string | undefined): NonNullable<SqlRunner["read"]> {
  return async <T>(text: string, values: unknown[]) => {
    const name = nameOf(text);
    return (await client.query(name === undefined ? { text, values } : { name, text, values })).rows as T[];
  };
}

function sqlRunnerOf(client: pg.Pool | pg.PoolClient): SqlRunner {
  return {
    async exec(sql) {
      await client.query(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as T[];
    },
  };
}

function openEmbedded(config: DatabaseConfig): Database {
  const dataDir = config.dataDir ?? "memory://";
  const inMemory = dataDir.startsWith("memory://");
  if (!inMemory) {
    fs.mkdirSync(dataDir, { recursive: true });
    takeDataDirLock(dataDir);
  }
  const loadDataDir = config.loadDumpFrom ? new Blob([fs.readFileSync(config.loadDumpFrom)]) : undefined;
  // In memory, the "disk" is already memory: a 128 MB buffer pool above it buys nothing, and PGlite clears all of
  // it at every start (~0.5 s and as much CPU per open, measured; each test file opens one).
  const startParams = inMemory ? [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"] : undefined;
  const client = new PGlite({ dataDir, extensions: { pg_trgm }, loadDataDir, startParams });
  // pglite-prisma-adapter is typed against an older @prisma/driver-adapter-utils; the runtime contract matches.
  const adapter = new PrismaPGlite(client) as unknown as SqlDriverAdapterFactory;
  const prisma = new PrismaClient({ adapter });
  let sharing: LocalAccess | undefined;
  return {
    kind: "pglite",
    prisma,
    sql: {
      async exec(sql) {
        await client.exec(sql);
      },
      async query<T>(sql: string, params: unknown[] = []) {
        return (await client.query<T>(sql, params)).rows;
      },
    },
    async transaction(isolation, work) {
      return client.transaction(async (tx) => {
        await tx.exec(`SET TRANSACTION ISOLATION LEVEL ${isolation}`);
        return work({
          async exec(sql) {
            await tx.exec(sql);
          },
          async query<T>(sql: string, params: unknown[] = []) {
            return (await tx.query<T>(sql, params)).rows;
          },
        });
      });
    },
    async dump() {
      return client.dumpDataDir("none");
    },
    poolStats: () => ({ total: 1, idle: 0, waiting: 0 }),
    backup: () => dumpEmbedded(client),
    shareWithLocalCommands: inMemory
      ? undefined
      : async () => {
          sharing ??= await openLocalAccess(client, dataDir);
          return sharing;
        },
    async close() {
      await sharing?.close();
      await prisma.$disconnect();
      await client.close();
      if (!inMemory) releaseDataDirLock(dataDir);
    },
  };
}

// PGlite is one process's database: a second process opening the same directory would corrupt it.
function lockPath(dataDir: string) {
  return path.join(dataDir, "..", `${path.basename(dataDir)}.lock`);
}

function takeDataDirLock(dataDir: string) {
  const file = lockPath(dataDir);
  try {
    fs.writeFileSync(file, String(process.pid), { flag: "wx" });
    return;
  } catch {
    const holder = Number(fs.readFileSync(file, "utf8"));
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `The embedded database at ${dataDir} is in use by process ${holder}, which does not serve it to local commands. Stop that process first, or use a PostgreSQL server (DATABASE_URL).`,
      );
    }
    fs.writeFileSync(file, String(process.pid));
  }
}

function releaseDataDirLock(dataDir: string) {
  const file = lockPath(dataDir);
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === String(process.pid)) fs.unlinkSync(file);
}

/** The process-wide database, opened on first use from the environment. */
export function getDatabase(): Database {
  return singleton("database", () => openDatabase(databaseConfigFromEnv()));
}

/** The Prisma client every model module uses. */
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getDatabase().prisma;
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

/**
 * Plain SQL on the process-wide database, past Prisma's query compiler: for the hot read paths only (the API
 * credential check and the clue list; decision 011), where the compiler's work per query and per include was
 * most of a request's CPU. Takes a Prisma.sql fragment, so values are always bound, never spliced. Timestamps
 * must be selected as timestamptz (`AT TIME ZONE 'UTC'`) so both drivers read them as the same instant.
 */
export async function readSql<T>(query: Prisma.Sql, { fixedPlan = false }: { fixedPlan?: boolean } = {}): Promise<T[]> {
  const { sql } = getDatabase();
  // A prepared statement is planned for its values five times, then PostgreSQL may keep one generic plan for
  // every value, or go on planning each call. `fixedPlan` is for statements written so that one plan fits every
  // value (search): they run on the connections that plan once and never scan a table whole. The embedded
  // database runs them unnamed, planned for each call's values.
  if (fixedPlan) return sql.readFixedPlan ? sql.readFixedPlan<T>(query.text, query.values) : sql.query<T>(query.text, query.values);
  return sql.read ? sql.read<T>(query.text, query.values) : sql.query<T>(query.text, query.values);
}

/**
 * A row count written into the statement, not bound: `LIMIT $n` makes PostgreSQL cost a prepared statement's
 * generic plan for a tenth of the rows, so it never chose that plan and planned every call again (0.7 ms of the
 * clue list's ~2 ms in PostgreSQL; a literal let it keep the generic plan: ~45 % more lists a second, 2026-12-02).
 * For counts the code decides (a page size within its bounds), never for text from a request.
 */
export function rowCount(rows: number): Prisma.Sql {
  if (!Number.isSafeInteger(rows) || rows < 0) throw new Error(`Not a row count: ${rows}`);
  return Prisma.raw(String(rows));
}

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/**
 * One bound statement's rows, run inside a transaction of either kind: the ORM's (a Prisma `Tx`) or a plain
 * connection's (`Database.transaction`). Select timestamps as timestamptz (`AT TIME ZONE 'UTC'`): both read them
 * as the same instant.
 */
export type StatementRunner = <T = Record<string, unknown>>(query: Prisma.Sql) => Promise<T[]>;

export function statementsOf(client: Tx | SqlRunner): StatementRunner {
  if (isOrmClient(client)) return <T>(query: Prisma.Sql) => client.$queryRaw<T[]>(query);
  if (client.read) {
    const read = client.read.bind(client);
    return <T>(query: Prisma.Sql) => read<T>(query.text, query.values);
  }
  return <T>(query: Prisma.Sql) => client.query<T>(query.text, query.values);
}

/** True for the ORM's transaction, false for a plain connection's runner. */
export function isOrmClient(client: Tx | SqlRunner): client is Tx {
  return "$queryRaw" in client;
}

/** Closes the process-wide database (tests, shutdown) so the next getDatabase() opens afresh. */
export async function closeDatabase() {
  const store = globalThis as unknown as { __cluebridge?: Record<string, unknown> };
  const db = store.__cluebridge?.database as Database | undefined;
  if (!db) return;
  forgetSingleton("database");
  await db.close();
}
