// Per test file: a database of its own (copied from the migrated base), console.error fails the test, and an
// API response the OpenAPI document does not allow fails the test that received it.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeEach, expect, inject, vi } from "vitest";
import { silenceAssessedWarnings } from "../../server/assessed-warnings";
import { installApiContractCheck } from "./api-conformance";
import { TEST_DB, pgBaseDb, pgliteBaseDump, pgUrlFor, runPrefix, withPgAdmin } from "./test-db";

silenceAssessedWarnings();

const runId = inject("testRunId");
const dbName = `${runPrefix(runId)}_${process.pid}_${randomBytes(4).toString("hex")}`;

if (TEST_DB === "postgres") {
  await withPgAdmin((client) => client.query(`CREATE DATABASE ${dbName} TEMPLATE ${pgBaseDb(runId)}`));
  process.env.DATABASE_URL = pgUrlFor(dbName);
  delete process.env.PGLITE_LOAD_DUMP;
} else {
  delete process.env.DATABASE_URL;
  process.env.PGLITE_DATA_DIR = "memory://";
  process.env.PGLITE_LOAD_DUMP = pgliteBaseDump(runId);
}

// A fixed key for encrypting TOTP secrets and signing audit checkpoints, as a PostgreSQL deployment sets one.
process.env.CLUEBRIDGE_SECRET_KEY ??= "Y2x1ZWJyaWRnZSB0ZXN0IGtleSwgbm90IGEgc2VjcmU=";

// Every /api/v1 response any test receives is checked against the OpenAPI document.
installApiContractCheck();

let consoleErrors: unknown[][] = [];
beforeEach(() => {
  consoleErrors = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    consoleErrors.push(args);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  expect(consoleErrors, "console.error was called").toEqual([]);
});

afterAll(async () => {
  const { closeDatabase } = await import("~/db.server");
  await closeDatabase();
  if (TEST_DB === "postgres") await withPgAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
});
