// The audit trail: who did what to which record, when and from where. Requests only insert rows (no lock); one
// sealer links committed rows into a hash chain in batches, so an edited or deleted sealed row breaks the chain
// (audit:verify). Why it is split so: docs/decisions/007-audit-sealing.md. Signed checkpoints of the chain's head
// detect removal of the newest rows: docs/decisions/012-secrets-and-audit-anchors.md.
import { createHash, timingSafeEqual } from "node:crypto";
import { Prisma, type AuditCheckpoint, type AuditEvent } from "@prisma/client";
import { currentSecretKey, signWithKey, type SecretKey } from "~/auth/secret-box.server";
import { getDatabase, prisma, statementsOf, type SqlRunner, type Tx } from "~/db.server";
import { repeatInBackground, type BackgroundLoop } from "~/utils/background.server";
import { singleton } from "~/utils/singleton.server";

/** Where a request came from; carried from the HTTP request or the socket handshake. */
export interface RequestOrigin {
  ip?: string | null;
  userAgent?: string | null;
}

export interface AuditEntry {
  actor?: { id: string; email: string } | null;
  /** e.g. "auth.sign_in", "clue.read", "clue.update", "lead.share". */
  action: string;
  outcome?: "ok" | "failure" | "denied";
  itemType?: string | null;
  itemId?: string | null;
  taskforceId?: string | null;
  caseId?: string | null;
  details?: Record<string, unknown>;
  origin?: RequestOrigin;
}

export const GENESIS_HASH = "0".repeat(64);
/** Held by the sealer only (in its own transaction), never by a request: one sealer at a time across nodes. */
const AUDIT_SEAL_LOCK = 4_247_001;
/** The sealer's tick: no committed row waits longer than about this to be chained. */
export const SEAL_INTERVAL_MS = 1_000;
/** Rows chained per sealing transaction. */
const SEAL_BATCH = 2_000;
/** Rows per INSERT when recorded events are written (well under PostgreSQL's 65,535 parameters). */
const WRITE_BATCH = 1_000;
/** At most one checkpoint this often (and one at shutdown): rows removed from the newest minute go unnoticed. */
export const CHECKPOINT_INTERVAL_MS = Number(process.env.AUDIT_CHECKPOINT_SECONDS ?? 60) * 1_000;

interface HashedFields {
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  outcome: string;
  itemType: string | null;
  itemId: string | null;
  taskforceId: string | null;
  caseId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: unknown;
}

export function auditHash(prevHash: string, fields: HashedFields): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonicalJson(fields)).digest("hex");
}

/** JSON with sorted keys, so the same fields always hash the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

function hashedFieldsOf(row: Pick<AuditEvent, keyof Omit<HashedFields, "at">> & { at: Date }): HashedFields {
  return {
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorEmail: row.actorEmail,
    action: row.action,
    outcome: row.outcome,
    itemType: row.itemType,
    itemId: row.itemId,
    taskforceId: row.taskforceId,
    caseId: row.caseId,
    ip: row.ip,
    userAgent: row.userAgent,
    details: row.details,
  };
}

/** The unsealed row for an entry, stamped now. */
function auditRow(entry: AuditEntry): Prisma.AuditEventCreateManyInput {
  return {
    at: new Date(),
    actorId: entry.actor?.id ?? null,
    actorEmail: entry.actor?.email ?? null,
    action: entry.action,
    outcome: entry.outcome ?? "ok",
    itemType: entry.itemType ?? null,
    itemId: entry.itemId ?? null,
    taskforceId: entry.taskforceId ?? null,
    caseId: entry.caseId ?? null,
    ip: entry.origin?.ip ?? null,
    userAgent: entry.origin?.userAgent?.slice(0, 300) ?? null,
    details: JSON.parse(JSON.stringify(entry.details ?? {})) as object,
  };
}

/** Appends one audit event inside the caller's transaction, so the change and its record commit together. */
export async function appendAudit(tx: Tx | SqlRunner, entry: AuditEntry): Promise<void> {
  // The recorder's INSERT, in the write's transaction and durable with it: the ORM's create compiled a query on
  // every audited write (a lead shared to a room waited ~1 ms for it before its broadcast).
  await statementsOf(tx)(auditInsert([auditRow(entry)], { waitForDisk: true }));
}

// ---- events outside a write: reads, sign-ins, refusals, deliveries ---------------------------------------

/** A read's record is written within this long (issue 9: "flushed within a second"); a burst shares one INSERT. */
export const READ_RECORD_LINGER_MS = 100;
/**
 * Read records waiting to be written, at most. Beyond it a read waits for its own record's commit, as every
 * record did before decision 018: memory stays bounded and a database that cannot keep up slows the readers.
 */
export const MAX_PENDING_READ_RECORDS = 5_000;
/** A failed write of read records is retried this often, this many times, before the rows go to the log. */
const RETRY_DELAY_MS = 1_000;
const MAX_WRITE_ATTEMPTS = 5;

interface PendingRecord {
  row: Prisma.AuditEventCreateManyInput;
  /** Set for a caller that waits for the commit; a read's record (detached) has none and is retried instead. */
  resolve?(): void;
  reject?(error: unknown): void;
  attempts: number;
}

/**
 * Group commit: records made while a write is in flight go out together in the next one, so a burst of
 * reads becomes a few multi-row INSERTs instead of a transaction each. One write in flight per process.
 * Reads' records are detached (decision 018): the read is answered while its record waits up to
 * READ_RECORD_LINGER_MS for others to share its INSERT; the queue is bounded by MAX_PENDING_READ_RECORDS.
 */
class AuditRecorder {
  private pending: PendingRecord[] = [];
  private detached = 0;
  /** A write is scheduled: "now" (next turn of the event loop), or a timer (linger, retry). */
  private scheduled: "now" | NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  lingerMs = READ_RECORD_LINGER_MS;

  /** Resolves when the record is committed; a failed write rejects it. */
  add(row: Prisma.AuditEventCreateManyInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ row, resolve, reject, attempts: 0 });
      this.schedule(0);
    });
  }

  /** A read's record: returns at once while the queue has room, else waits for the record's commit. */
  addDetached(row: Prisma.AuditEventCreateManyInput): Promise<void> {
    if (this.detached >= MAX_PENDING_READ_RECORDS) return this.add(row);
    this.pending.push({ row, attempts: 0 });
    this.detached += 1;
    this.schedule(this.lingerMs);
    return Promise.resolve();
  }

  /** Records waiting to be written (tests, /metrics). */
  get size(): number {
    return this.pending.length;
  }

  /** Resolves when everything recorded so far is written (or has failed: awaited callers were told, read records logged). */
  async flush(): Promise<void> {
    this.unschedule();
    this.writing = this.writing.then(() => this.writePending(true));
    await this.writing;
  }

  private schedule(delayMs: number): void {
    if (this.scheduled === "now") return;
    if (this.scheduled !== null) {
      if (delayMs > 0) return;
      // An awaited record does not wait for a read's linger.
      this.unschedule();
    }
    const run = () => {
      this.scheduled = null;
      this.writing = this.writing.then(() => this.writePending(false));
    };
    if (delayMs === 0) {
      this.scheduled = "now";
      // The next macrotask: records made by the same burst of I/O callbacks join this write.
      setImmediate(run);
    } else {
      // Not unref'd: a process that still holds records stays up until they are written.
      this.scheduled = setTimeout(run, delayMs);
    }
  }

  private unschedule(): void {
    if (this.scheduled !== null && this.scheduled !== "now") clearTimeout(this.scheduled);
    if (this.scheduled !== "now") this.scheduled = null;
  }

  private async writePending(final: boolean): Promise<void> {
    const batch = this.pending.splice(0);
    const retry: PendingRecord[] = [];
    for (let start = 0; start < batch.length; start += WRITE_BATCH) {
      const chunk = batch.slice(start, start + WRITE_BATCH);
      try {
        await insertRecorded(chunk.map((record) => record.row));
        for (const record of chunk) record.resolve?.();
      } catch (error) {
        for (const record of chunk) {
          if (record.reject) record.reject(error);
          else if (++record.attempts < MAX_WRITE_ATTEMPTS && !final) retry.push(record);
          // Never silently: a read record that cannot be written is at least in the server's log.
          else console.error("[audit] a read record could not be written; it follows here", JSON.stringify(record.row, jsonBigInt), error);
        }
      }
    }
    this.detached -= batch.filter((record) => !record.resolve).length - retry.length;
    if (retry.length > 0) {
      console.error(`[audit] writing ${retry.length} read records failed; retrying in ${RETRY_DELAY_MS / 1000} s`);
      this.pending.unshift(...retry);
      if (this.scheduled === null) {
        this.scheduled = setTimeout(() => {
          this.scheduled = null;
          this.writing = this.writing.then(() => this.writePending(false));
        }, RETRY_DELAY_MS);
      }
    }
  }
}

function jsonBigInt(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/**
 * One statement, one round trip, past Prisma's query compiler (decision 019: the ORM's transaction of two
 * statements was ~2 ms of CPU and three more round trips on every audited read). Records outside a write need
 * not wait for the disk (issue 9: "flushed within a second"): `set_config(…, true)` turns synchronous_commit off
 * for this statement's own transaction, so it commits without waiting for the WAL flush, which PostgreSQL's WAL
 * writer does within wal_writer_delay (200 ms); a request waits for the commit, not for an fsync (decision 007).
 */
async function insertRecorded(rows: Prisma.AuditEventCreateManyInput[]): Promise<void> {
  await statementsOf(getDatabase().sql)(auditInsert(rows, { waitForDisk: false }));
}

/**
 * The INSERT of audit rows, as arrays (one statement for any number). A write's own records wait for the disk
 * with its commit; the others need not (insertRecorded). The instant is sent as UTC text and stored as Prisma
 * stores it (timestamp(3) in UTC), so sealing hashes the same.
 */
function auditInsert(rows: Prisma.AuditEventCreateManyInput[], { waitForDisk }: { waitForDisk: boolean }): Prisma.Sql {
  return Prisma.sql`${waitForDisk ? Prisma.empty : Prisma.sql`WITH "options" AS (SELECT set_config('synchronous_commit', 'off', true))`}
     ${auditRowsInsert(rows, waitForDisk ? Prisma.empty : Prisma.sql`"options", `)}`;
}

/**
 * A write's audit records as one INSERT for a larger statement (a guarded create): `from` names what each row
 * is joined with (ending in a comma), e.g. the guard's row, so no row is written when the guard holds nothing.
 * `itemFrom` takes the item's, taskforce's and case's ids from that row instead of the entries (a create that the
 * statement decides on the row it locks: app/models/changes.server.ts writeDecidedCreate).
 */
export function auditEntriesInsert(entries: readonly AuditEntry[], from: Prisma.Sql, itemFrom?: Prisma.Sql): Prisma.Sql {
  return auditRowsInsert(entries.map(auditRow), from, itemFrom);
}

function auditRowsInsert(rows: Prisma.AuditEventCreateManyInput[], from: Prisma.Sql, itemFrom?: Prisma.Sql): Prisma.Sql {
  const column = <K extends keyof Prisma.AuditEventCreateManyInput>(key: K) => rows.map((row) => row[key] ?? null);
  const item = itemFrom ?? Prisma.raw(`r`);
  return Prisma.sql`INSERT INTO "AuditEvent" ("at", "actorId", "actorEmail", "action", "outcome", "itemType", "itemId", "taskforceId", "caseId", "ip", "userAgent", "details")
     SELECT r."at" AT TIME ZONE 'UTC', r."actorId", r."actorEmail", r."action", r."outcome", r."itemType", ${item}."itemId", ${item}."taskforceId", ${item}."caseId", r."ip", r."userAgent", r."details"
     FROM ${from}unnest(${rows.map((row) => new Date(row.at ?? Date.now()).toISOString())}::timestamptz[],
       ${column("actorId")}::text[], ${column("actorEmail")}::text[], ${column("action")}::text[], ${rows.map((row) => row.outcome ?? "ok")}::text[],
       ${column("itemType")}::text[], ${column("itemId")}::text[], ${column("taskforceId")}::text[], ${column("caseId")}::text[], ${column("ip")}::text[],
       ${column("userAgent")}::text[], ${rows.map((row) => JSON.stringify(row.details ?? {}))}::jsonb[])
       AS r("at", "actorId", "actorEmail", "action", "outcome", "itemType", "itemId", "taskforceId", "caseId", "ip", "userAgent", "details")`;
}

function recorder(): AuditRecorder {
  return singleton("auditRecorder", () => new AuditRecorder());
}

/**
 * Records an event that is not part of a write and must be committed before the caller goes on (a sign-in, a
 * refusal, an export). Concurrent records are written together; the promise resolves once this record is
 * committed, so a caller that awaits it serves nothing unaudited.
 */
export function recordAudit(entry: AuditEntry): Promise<void> {
  return recorder().add(auditRow(entry));
}

/**
 * Records a read of case data (decision 018): queued, written within READ_RECORD_LINGER_MS together with the
 * reads around it, retried on failure, and written at shutdown (`flushAuditRecords`, which the sealer's stop()
 * calls). Resolves at once while the queue has room; when MAX_PENDING_READ_RECORDS are waiting, it resolves
 * only once this record is committed (backpressure).
 */
export function recordRead(entry: AuditEntry): Promise<void> {
  return recorder().addDetached(auditRow(entry));
}

/** Tests: how long read records wait for company before they are written; returns the previous value. */
export function setReadRecordLinger(ms: number): number {
  const previous = recorder().lingerMs;
  recorder().lingerMs = ms;
  return previous;
}

/** Records not yet written (tests). */
export function pendingAuditRecords(): number {
  return recorder().size;
}

/** Writes every record made so far (shutdown, tests). */
export function flushAuditRecords(): Promise<void> {
  return recorder().flush();
}

// ---- sealing ----------------------------------------------------------------------------------------------

interface SealerState {
  /** Sealing runs one batch at a time in a process; across processes the advisory lock decides. */
  running: Promise<unknown>;
}

function sealerState(): SealerState {
  return singleton("auditSealer", (): SealerState => ({ running: Promise.resolve() }));
}

/**
 * Chains one batch of committed, unsealed rows in id order after the last sealed row. Returns the number
 * sealed, or null when another node's sealer holds the lock and `wait` is false.
 */
async function sealBatch(wait: boolean): Promise<number | null> {
  // Plain statements, not the ORM: the sealer runs every second in the process that serves the rooms, and the
  // ORM's interactive transaction and row decoding held its event loop for milliseconds at each tick (a room's
  // broadcast waited behind it: issue 9's fan-out). The rows read hash exactly as the ORM's did (audit:verify).
  return getDatabase().transaction("READ COMMITTED", async (client) => {
    const statements = statementsOf(client);
    if (wait) {
      await statements(Prisma.sql`SELECT pg_advisory_xact_lock(${AUDIT_SEAL_LOCK}::bigint)`);
    } else {
      const [{ locked }] = await statements<{ locked: boolean }>(Prisma.sql`SELECT pg_try_advisory_xact_lock(${AUDIT_SEAL_LOCK}::bigint) AS "locked"`);
      if (!locked) return null;
    }
    const rows = await statements<UnsealedRow>(Prisma.sql`
      SELECT a."id"::text AS "id", a."at" AT TIME ZONE 'UTC' AS "at", a."actorId", a."actorEmail", a."action", a."outcome", a."itemType", a."itemId",
        a."taskforceId", a."caseId", a."ip", a."userAgent", a."details"
      FROM "AuditEvent" a WHERE a."chainSeq" IS NULL ORDER BY a."id" LIMIT ${SEAL_BATCH}`);
    if (rows.length === 0) return 0;
    const [last] = await statements<{ chainSeq: string; hash: string }>(
      Prisma.sql`SELECT a."chainSeq"::text AS "chainSeq", a."hash" FROM "AuditEvent" a WHERE a."chainSeq" IS NOT NULL ORDER BY a."chainSeq" DESC LIMIT 1`,
    );
    let seq = BigInt(last?.chainSeq ?? 0);
    let prevHash = last?.hash ?? GENESIS_HASH;
    const seals = rows.map((row) => {
      seq += 1n;
      const hash = auditHash(prevHash, hashedFieldsOf(row));
      const seal = { id: row.id, seq: seq.toString(), prev: prevHash, hash };
      prevHash = hash;
      return seal;
    });
    const updated = await statements<{ sealed: number }>(Prisma.sql`
      WITH "sealed" AS (
        UPDATE "AuditEvent" AS a SET "chainSeq" = s.seq, "prevHash" = s.prev, "hash" = s.hash
          FROM jsonb_to_recordset(${JSON.stringify(seals)}::jsonb) AS s(id bigint, seq bigint, prev text, hash text)
         WHERE a.id = s.id AND a."chainSeq" IS NULL
        RETURNING 1)
      SELECT count(*)::int AS "sealed" FROM "sealed"`);
    if (updated[0].sealed !== seals.length) throw new Error(`Audit sealing: sealed ${updated[0].sealed} of ${seals.length} rows; rolled back`);
    return seals.length;
  });
}

/** An unsealed row as the sealer reads it (the id as text: a bigint). */
type UnsealedRow = Omit<Pick<AuditEvent, keyof Omit<HashedFields, "at">>, never> & { id: string; at: Date };

export interface SealOptions {
  /** Wait for another node's sealer instead of leaving the work to it (tests, audit:verify --seal). */
  wait?: boolean;
}

/**
 * Seals every row committed before the call (in batches). Rows that commit later, even with a lower id, are
 * sealed by a later call. Returns how many rows this call sealed.
 */
export function sealAudit(options: SealOptions = {}): Promise<number> {
  const state = sealerState();
  const run = state.running.then(async () => {
    let total = 0;
    for (;;) {
      const sealed = await sealBatch(options.wait ?? true);
      if (!sealed) return total;
      total += sealed;
      if (sealed < SEAL_BATCH) return total;
    }
  });
  state.running = run.catch(() => undefined);
  return run;
}

async function hasUnsealed(): Promise<boolean> {
  const [row] = await statementsOf(getDatabase().sql)<{ unsealed: boolean }>(Prisma.sql`SELECT EXISTS (SELECT FROM "AuditEvent" WHERE "chainSeq" IS NULL) AS "unsealed"`);
  return row.unsealed;
}

/**
 * Starts this process's sealer: a pass now (a tail left by a crash), then one every `intervalMs`; after a pass,
 * a checkpoint of the chain's head at most every `checkpointIntervalMs`. The returned stop() ends the timer,
 * writes pending records, seals a last time and writes a last checkpoint; call it before closing the database.
 */
export function startAuditSealer(intervalMs = SEAL_INTERVAL_MS, checkpointIntervalMs = CHECKPOINT_INTERVAL_MS): BackgroundLoop {
  let lastCheckpointAt = 0;
  const loop = repeatInBackground(
    async () => {
      // Another node's sealer may hold the lock: then it seals, and this pass has nothing to do.
      if (await hasUnsealed()) await sealAudit({ wait: false });
      if (Date.now() - lastCheckpointAt >= checkpointIntervalMs) {
        await writeAuditCheckpoint({ wait: false });
        lastCheckpointAt = Date.now();
      }
      return "again";
    },
    intervalMs,
    (error) => console.error("[audit] sealing failed; will retry", error),
  );
  return {
    async stop() {
      await loop.stop();
      await flushAuditRecords();
      // A failure here leaves the rows unsealed, not lost: the next sealer to run chains them.
      await sealAudit({ wait: false }).catch((error) => console.error("[audit] final sealing failed", error));
      await writeAuditCheckpoint({ wait: false }).catch((error) => console.error("[audit] final checkpoint failed", error));
    },
  };
}

// ---- checkpoints ------------------------------------------------------------------------------------------

/** What a checkpoint's signature covers. */
function checkpointMessage(checkpoint: Pick<AuditCheckpoint, "chainSeq" | "headHash" | "keyId" | "createdAt">): string {
  return `cluebridge audit checkpoint v1\n${checkpoint.chainSeq}\n${checkpoint.headHash}\n${checkpoint.keyId}\n${checkpoint.createdAt.toISOString()}`;
}

function signatureMatches(checkpoint: AuditCheckpoint, key: SecretKey): boolean {
  const expected = Buffer.from(signWithKey(key, checkpointMessage(checkpoint)), "hex");
  const actual = Buffer.from(checkpoint.signature, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Inside the caller's transaction: signs the newest sealed row's place and hash, unless the newest checkpoint
 * under this key already covers it (or a longer chain: then rows were removed, and writing a shorter checkpoint
 * would hide it). Returns the checkpoint written, or null.
 */
export async function insertAuditCheckpoint(tx: Tx, key: SecretKey = currentSecretKey()): Promise<AuditCheckpoint | null> {
  const head = await tx.auditEvent.findFirst({ where: { chainSeq: { not: null } }, orderBy: { chainSeq: "desc" }, select: { chainSeq: true, hash: true } });
  if (head?.chainSeq == null || head.hash == null) return null;
  const newest = await tx.auditCheckpoint.findFirst({ where: { keyId: key.id }, orderBy: { chainSeq: "desc" }, select: { chainSeq: true } });
  if (newest && newest.chainSeq >= head.chainSeq) return null;
  const unsigned = { chainSeq: head.chainSeq, headHash: head.hash, keyId: key.id, createdAt: new Date() };
  return tx.auditCheckpoint.create({ data: { ...unsigned, signature: signWithKey(key, checkpointMessage(unsigned)) } });
}

/**
 * Writes a checkpoint of the chain's head if it moved since the last one. Holds the sealer's lock, so the head
 * does not move meanwhile and two nodes do not sign the same head; with `wait: false` it leaves the work to
 * a node that holds it.
 */
export async function writeAuditCheckpoint(options: SealOptions & { key?: SecretKey } = {}): Promise<AuditCheckpoint | null> {
  const key = options.key ?? currentSecretKey();
  // Two indexed reads first: an idle chain costs no transaction (a pool slot is scarce under a burst).
  const [head, newest] = await Promise.all([
    prisma.auditEvent.findFirst({ where: { chainSeq: { not: null } }, orderBy: { chainSeq: "desc" }, select: { chainSeq: true } }),
    prisma.auditCheckpoint.findFirst({ where: { keyId: key.id }, orderBy: { chainSeq: "desc" }, select: { chainSeq: true } }),
  ]);
  if (head?.chainSeq == null || (newest && newest.chainSeq >= head.chainSeq)) return null;
  return prisma.$transaction(
    async (tx) => {
      if (options.wait ?? true) {
        await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_SEAL_LOCK})`);
      } else {
        const [{ locked }] = await tx.$queryRawUnsafe<{ locked: boolean }[]>(`SELECT pg_try_advisory_xact_lock(${AUDIT_SEAL_LOCK}) AS locked`);
        if (!locked) return null;
      }
      return insertAuditCheckpoint(tx, key);
    },
    // As long as a sealing batch may wait: the same pool, the same lock.
    { maxWait: 10_000, timeout: 60_000 },
  );
}

// ---- verification -----------------------------------------------------------------------------------------

export interface UnsealedTail {
  /** Committed rows not yet in the chain. */
  count: number;
  oldestAt: Date | null;
}

export interface CheckpointSummary {
  /** The newest checkpoint signed by the current key: the chain must reach at least this far. */
  newest: { chainSeq: bigint; createdAt: Date } | null;
  /** Checkpoints signed by another key (before a key rotation): their place and hash are checked, their signature cannot be. */
  otherKey: number;
}

export type ChainCheck = (
  | { ok: true }
  /** A row was edited, moved or deleted (brokenAt: its id), or a checkpoint does not match (brokenAt: null). */
  | { ok: false; brokenAt: bigint | null; reason: string }
) & {
  /** Sealed rows found intact (before the break, if any): the chain is intact up to event `checked`. */
  checked: number;
  unsealed: UnsealedTail;
  checkpoints: CheckpointSummary;
};

/** What is not sealed yet: normal for about a second; older means no sealer is running. */
export async function unsealedTail(): Promise<UnsealedTail> {
  const tail = await prisma.auditEvent.aggregate({ where: { chainSeq: null }, _count: { _all: true }, _min: { at: true } });
  return { count: tail._count._all, oldestAt: tail._min.at };
}

/**
 * Walks the sealed chain in seal order and reports the first row whose link, place or content does not match;
 * checks every checkpoint against the row it names (same hash; the current key's signature) and that the chain
 * reaches the newest one: rows removed from the end leave it short of the checkpoint.
 */
export async function verifyAuditChain(batchSize = 1000, key: SecretKey = currentSecretKey()): Promise<ChainCheck> {
  const unsealed = await unsealedTail();
  const checkpoints: CheckpointSummary = { newest: null, otherKey: 0 };
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let cursor: bigint | undefined;
  const notMatching = (reason: string): ChainCheck => ({ ok: false, checked, brokenAt: null, reason, unsealed, checkpoints });
  /** Null when the checkpoint is sound (and counted), else why not. */
  const checkCheckpoint = (checkpoint: AuditCheckpoint, rowHash: string | undefined): string | null => {
    const at = `the checkpoint of ${checkpoint.createdAt.toISOString()} at event ${checkpoint.chainSeq}`;
    if (checkpoint.keyId === key.id) {
      if (!signatureMatches(checkpoint, key)) return `${at} has a wrong signature (forged or altered)`;
    } else {
      checkpoints.otherKey += 1;
    }
    if (rowHash === undefined) return null;
    if (checkpoint.headHash !== rowHash) return `${at} does not match the chain there (the chain was rewritten)`;
    if (checkpoint.keyId === key.id) checkpoints.newest = { chainSeq: checkpoint.chainSeq, createdAt: checkpoint.createdAt };
    return null;
  };
  for (;;) {
    const rows = await prisma.auditEvent.findMany({
      where: { chainSeq: cursor === undefined ? { not: null } : { gt: cursor } },
      orderBy: { chainSeq: "asc" },
      take: batchSize,
    });
    if (rows.length === 0) break;
    const hashBySeq = new Map<bigint, string>();
    for (const row of rows) {
      const broken = (reason: string): ChainCheck => ({ ok: false, checked, brokenAt: row.id, reason, unsealed, checkpoints });
      if (row.prevHash !== prevHash) return broken("the row before it was changed or deleted (link does not match)");
      if (row.chainSeq !== BigInt(checked + 1)) return broken("its place in the chain was changed (chainSeq out of sequence)");
      const hash = auditHash(prevHash, hashedFieldsOf(row));
      if (row.hash !== hash) return broken("this row was edited (content does not match its hash)");
      hashBySeq.set(row.chainSeq, hash);
      prevHash = hash;
      checked += 1;
      cursor = row.chainSeq;
    }
    const inBatch = await prisma.auditCheckpoint.findMany({
      where: { chainSeq: { gte: rows[0].chainSeq!, lte: cursor } },
      orderBy: [{ chainSeq: "asc" }, { id: "asc" }],
    });
    for (const checkpoint of inBatch) {
      const problem = checkCheckpoint(checkpoint, hashBySeq.get(checkpoint.chainSeq));
      if (problem) return notMatching(problem);
    }
  }
  // Checkpoints past the end of the chain: the rows they signed are gone.
  const beyond = await prisma.auditCheckpoint.findMany({ where: { chainSeq: { gt: BigInt(checked) } }, orderBy: [{ chainSeq: "desc" }, { id: "desc" }] });
  for (const checkpoint of beyond) {
    const problem = checkCheckpoint(checkpoint, undefined);
    if (problem) return notMatching(problem);
  }
  const signedBeyond = beyond.find((checkpoint) => checkpoint.keyId === key.id) ?? beyond[0];
  if (signedBeyond) {
    if (signedBeyond.keyId === key.id) checkpoints.newest = { chainSeq: signedBeyond.chainSeq, createdAt: signedBeyond.createdAt };
    const removed = signedBeyond.chainSeq - BigInt(checked);
    return notMatching(
      `the newest ${removed === 1n ? "event was" : `${removed} events were`} removed (the checkpoint of ${signedBeyond.createdAt.toISOString()} signed the chain at event ${signedBeyond.chainSeq})`,
    );
  }
  return { ok: true, checked, unsealed, checkpoints };
}
