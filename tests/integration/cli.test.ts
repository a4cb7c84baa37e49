// The operator's commands as they are run: separate processes on an embedded database directory.
// (They touch only the embedded database, so they run in the PGlite pass alone.)
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { commandDatabaseConfig, openDatabase, type Database } from "~/db.server";
import { COMMAND_TEST_TIMEOUT, embeddedCommandEnv, migratedDataDir, runCommand, tableFingerprints } from "../helpers/commands";
import { TEST_DB } from "../helpers/test-db";

let workDir: string;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "cluebridge-cli-"));
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

/** One command on an embedded data directory, as an operator runs it. */
const npmScript = (script: string, args: string[], dataDir: string) => runCommand(script, args, embeddedCommandEnv(dataDir));

async function withDatabase<T>(dataDir: string, work: (db: Database) => Promise<T>): Promise<T> {
  const db = openDatabase({ dataDir });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `server/index.ts` and resolves with everything it printed once it is listening. */
async function startServer(dataDir: string, port: number, extraEnv: Record<string, string> = {}): Promise<{ output: string; stop(): Promise<void> }> {
  // node itself (not npx → tsx → node) so that SIGTERM reaches the server, which then releases the database.
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], { env: embeddedCommandEnv(dataDir, { PORT: String(port), NODE_ENV: "production", ...extraEnv }), cwd: process.cwd() });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 240_000);
    child.stdout.on("data", () => {
      if (output.includes("Cluebridge listening on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    output,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners("exit");
        child.on("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

describe.runIf(TEST_DB === "pglite")("operator commands", () => {
  it("creates the first admin with a generated password, ready to enrol a second factor", async () => {
    const dataDir = migratedDataDir(path.join(workDir, "admin"));
    const created = await npmScript("scripts/user-create.ts", ["--role", "admin", "--email", "chief@agency.example", "--name", "Chief Admin", "--agency", "Agency A"], dataDir);
    expect(created.code).toBe(0);
    const password = /Initial password \(shown only now\): (\S+)/.exec(created.stdout)?.[1];
    expect(password?.length).toBeGreaterThanOrEqual(12);
    const user = await withDatabase(dataDir, (db) => db.prisma.user.findUniqueOrThrow({ where: { email: "chief@agency.example" } }));
    expect(user).toMatchObject({ role: "ADMIN", status: "ACTIVE", totpEnabledAt: null });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain(password);
  }, COMMAND_TEST_TIMEOUT);

  it("refuses a bad role or a missing option with a usage message and a non-zero exit", async () => {
    const dataDir = migratedDataDir(path.join(workDir, "refusals"));
    const badRole = await npmScript("scripts/user-create.ts", ["--role", "superuser", "--email", "x@agency.example", "--name", "X", "--agency", "A"], dataDir);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stdout + badRole.stderr).toMatch(/role/i);
    const missing = await npmScript("scripts/user-create.ts", ["--role", "admin"], dataDir);
    expect(missing.code).toBe(2);
    expect(missing.stdout + missing.stderr).toContain("Usage: npm run user:create");
  }, COMMAND_TEST_TIMEOUT);

  it("prints a personal access token once and keeps only its hash", async () => {
    const dataDir = migratedDataDir(path.join(workDir, "token"));
    await npmScript("scripts/user-create.ts", ["--role", "analyst", "--email", "tool@agency.example", "--name", "Tool Owner", "--agency", "Agency A"], dataDir);
    const created = await npmScript("scripts/token-create.ts", ["--email", "tool@agency.example", "--name", "ingest", "--days", "30"], dataDir);
    expect(created.code).toBe(0);
    const token = /(cbt_[A-Za-z0-9_-]+)/.exec(created.stdout)?.[1];
    expect(token).toBeTruthy();
    const stored = await withDatabase(dataDir, (db) => db.prisma.accessToken.findMany());
    expect(stored).toHaveLength(1);
    expect(stored[0].tokenHash).toBe(createHash("sha256").update(token!).digest("hex"));
    expect(JSON.stringify(stored)).not.toContain(token);
    const unknown = await npmScript("scripts/token-create.ts", ["--email", "nobody@agency.example"], dataDir);
    expect(unknown.code).not.toBe(0);
  }, COMMAND_TEST_TIMEOUT);

  it("starts on a bare directory: migrates, seeds the demo once with printed passwords, listens on PORT at 127.0.0.1", async () => {
    const dataDir = path.join(workDir, "start");
    const port = await freePort();
    const first = await startServer(dataDir, port);
    try {
      for (const email of ["analyst@demo.local", "coordinator@demo.local", "liaison@demo.local", "admin@demo.local"]) expect(first.output).toContain(email);
      expect(first.output).toContain("VID-DEMO-0001");
      expect(first.output).toContain(`Cluebridge listening on http://127.0.0.1:${port}`);
      expect((await fetch(`http://127.0.0.1:${port}/login`)).status).toBe(200);
      // A new install has no earlier clues to correlate, and says nothing about it.
      expect(first.output).not.toContain("Correlat");
    } finally {
      await first.stop();
    }
    const second = await startServer(dataDir, port);
    try {
      // The demo is seeded into an empty database only: a restart does not print passwords again.
      expect(second.output).not.toContain("analyst@demo.local");
    } finally {
      await second.stop();
    }
    const counts = await withDatabase(dataDir, async (db) => ({
      taskforces: await db.prisma.taskforce.count({ where: { name: "Demo Taskforce" } }),
      cases: await db.prisma.case.count({ where: { reference: "VID-DEMO-0001" } }),
      // The demo's clues are correlated as saves are: a clue recorded later in another case links to them.
      correlated: (await db.prisma.clueCorrelationKey.groupBy({ by: ["clueId"] })).length === (await db.prisma.clue.count()),
    }));
    expect(counts).toEqual({ taskforces: 1, cases: 1, correlated: true });
  }, COMMAND_TEST_TIMEOUT);
});

/** Keeps one authenticated API read going after another until stopped; resolves with every status seen. */
function keepRequesting(url: string, token: string) {
  const statuses: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return statuses;
    },
  };
}

const tokenIn = (output: string) => /(cbt_[A-Za-z0-9_-]+)/.exec(output)?.[1] ?? "";

describe.runIf(TEST_DB === "pglite")("operator commands while the server serves the embedded database", () => {
  let dataDir: string;
  let server: Awaited<ReturnType<typeof startServer>>;
  let cases: string;
  let token: string;

  beforeAll(async () => {
    dataDir = migratedDataDir(path.join(workDir, "served"));
    const port = await freePort();
    // The rate limit is lifted so that the requests kept going during the commands are all answered.
    server = await startServer(dataDir, port, { LOCAL_COMMAND_HOLD_SECONDS: "5", API_RATE_LIMIT_PER_MINUTE: "1000000" });
    cases = `http://127.0.0.1:${port}/api/v1/cases`;
    const issued = await runCommand("scripts/token-create.ts", ["--email", "analyst@demo.local", "--name", "load"], embeddedCommandEnv(dataDir));
    expect(issued.stderr).toBe("");
    token = tokenIn(issued.stdout);
  }, COMMAND_TEST_TIMEOUT);
  afterAll(() => server?.stop());

  it("creates a user and a token for them and verifies the audit trail while requests keep being answered", async () => {
    const load = keepRequesting(cases, token);
    const created = await runCommand("scripts/user-create.ts", ["--role", "analyst", "--email", "beside@agency.example", "--name", "Beside Server", "--agency", "Agency A"], embeddedCommandEnv(dataDir));
    const issued = await runCommand("scripts/token-create.ts", ["--email", "beside@agency.example"], embeddedCommandEnv(dataDir));
    const verified = await runCommand("scripts/audit-verify.ts", [], embeddedCommandEnv(dataDir));
    const statuses = await load.stop();

    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(issued.code).toBe(0);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/Audit chain intact up to event [1-9]\d*, /);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    // What the commands wrote is in the served database: the new account's token is accepted by the server.
    const asNewUser = await fetch(cases, { headers: { authorization: `Bearer ${tokenIn(issued.stdout)}` } });
    expect(asNewUser.status).toBe(200);
  }, COMMAND_TEST_TIMEOUT);

  it("rolls back and disconnects a command that keeps a transaction open too long, and the server answers meanwhile", async () => {
    const { servedAt } = commandDatabaseConfig(embeddedCommandEnv(dataDir));
    expect(servedAt).toBeTruthy();
    const client = new pg.Client({ host: servedAt, port: 5432, user: "postgres", password: "local", database: "postgres" });
    client.on("error", () => undefined); // the server ends this connection; that is the point
    await client.connect();
    await client.query("BEGIN");
    await client.query(`UPDATE "User" SET "displayName" = 'Held open' WHERE email = 'analyst@demo.local'`);

    const answered = await fetch(cases, { headers: { authorization: `Bearer ${token}` } });
    expect(answered.status).toBe(200);
    await expect(client.query("COMMIT")).rejects.toThrow();
    await client.end().catch(() => undefined);

    const served = openDatabase(commandDatabaseConfig(embeddedCommandEnv(dataDir)));
    try {
      const [user] = await served.sql.query<{ displayName: string }>(`SELECT "displayName" FROM "User" WHERE email = 'analyst@demo.local'`);
      expect(user.displayName).not.toBe("Held open");
    } finally {
      await served.close();
    }
  }, COMMAND_TEST_TIMEOUT);

  it("backs up the served database under load and restores it into an empty directory with every row, where the audit chain verifies", async () => {
    const load = keepRequesting(cases, token);
    const underLoad = path.join(workDir, "under-load.tar.gz");
    const backedUp = await runCommand("scripts/db-backup.ts", ["--out", underLoad], embeddedCommandEnv(dataDir));
    const statuses = await load.stop();
    expect(backedUp.stderr).toBe("");
    expect(backedUp.code).toBe(0);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    const restoredUnderLoad = path.join(workDir, "restored-under-load");
    expect((await runCommand("scripts/db-restore.ts", ["--in", underLoad], embeddedCommandEnv(restoredUnderLoad))).code).toBe(0);
    const verifiedUnderLoad = await runCommand("scripts/audit-verify.ts", ["--seal"], embeddedCommandEnv(restoredUnderLoad));
    expect(verifiedUnderLoad.code).toBe(0);
    expect(verifiedUnderLoad.stdout).toContain("Audit chain intact");

    // With the server idle (its sealer done), a backup holds every row it has, value for value.
    const served = openDatabase(commandDatabaseConfig(embeddedCommandEnv(dataDir)));
    let before: Awaited<ReturnType<typeof tableFingerprints>>;
    let after: typeof before;
    const quiet = path.join(workDir, "quiet.tar.gz");
    try {
      await vi.waitFor(async () => {
        const [{ unsealed }] = await served.sql.query<{ unsealed: number }>(`SELECT count(*)::int AS unsealed FROM "AuditEvent" WHERE "chainSeq" IS NULL`);
        expect(unsealed).toBe(0);
      }, { timeout: 20_000, interval: 250 });
      before = await tableFingerprints(served);
      expect((await runCommand("scripts/db-backup.ts", ["--out", quiet], embeddedCommandEnv(dataDir))).code).toBe(0);
      after = await tableFingerprints(served);
    } finally {
      await served.close();
    }
    expect(after).toEqual(before); // nothing changed while the backup was taken, so the comparison below means something
    expect(before.AuditEvent.rows).toBeGreaterThan(0);

    const restoredDir = path.join(workDir, "restored");
    const restored = await runCommand("scripts/db-restore.ts", ["--in", quiet], embeddedCommandEnv(restoredDir));
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    expect(await withDatabase(restoredDir, (db) => tableFingerprints(db))).toEqual(before);
    const verified = await runCommand("scripts/audit-verify.ts", [], embeddedCommandEnv(restoredDir));
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(new RegExp(`^Audit chain intact up to event ${before.AuditEvent.rows}, `, "m"));

    const again = await runCommand("scripts/db-restore.ts", ["--in", quiet], embeddedCommandEnv(restoredDir));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not empty/);
  }, COMMAND_TEST_TIMEOUT);
});
