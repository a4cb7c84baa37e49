// How case data is written: the change, its audit records and its room events commit in one transaction, and
// the events are announced only after the commit (write, then announce). Creates take an idempotency key
// (a socket's `clientEventId`, the API's `Idempotency-Key` header): the key is stored on the room event the
// create appends, unique per actor (RoomEvent_actorId_clientEventId_key), so a retry finds the first result
// across reconnects, restarts and nodes, and two identical sends racing each other cannot both insert: the
// loser's transaction fails on the unique index, rolls back whole (row, audit, seq) and answers with the
// winner's result. Reads of case data are recorded here too (auditRead).
import { canReceiveEvent, type Actor } from "~/auth/permissions.server";
import { Prisma } from "@prisma/client";
import { getDatabase, isOrmClient, prisma, statementsOf, type SqlRunner, type StatementRunner, type Tx } from "~/db.server";
import { isUniqueViolation } from "~/db/errors.server";
import { appendAudit, auditEntriesInsert, recordAudit, recordRead, type AuditEntry } from "~/models/audit.server";
import { announceRoomEvents, appendEventStatement, appendRoomEvent, roomEventStatement, toStoredEvent, type NewRoomEvent, type RoomEventType, type StoredEventRow, type StoredRoomEvent } from "~/models/rooms.server";
import { AppError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { jsonSafe } from "~/utils/json";

export type AuditRecord = Omit<AuditEntry, "actor" | "origin">;

export interface ChangeContext {
  /** The ORM inside the change's transaction (a write of kind "statements" has none: it refuses every use). */
  tx: Tx;
  /** Plain statements inside the change's transaction, whatever its kind. */
  statements: StatementRunner;
  /** Who writes (notifications leave them out). */
  actor: Actor;
  audit(entry: AuditRecord): Promise<void>;
  /** Appends a room event to the change (its payload as clients receive it: JSON); announced after the commit. */
  event(event: ChangeEvent): Promise<StoredRoomEvent>;
  /** Runs after the commit, after the room events are announced (e.g. notifications: app/models/notifications.server.ts). */
  afterCommit(announce: () => void): void;
}

/**
 * What is not a change of the case's content (its "Last change" stays): sharing and claiming a lead touch no
 * field of it. Every other audited write that names a case moves the case's lastChangeAt.
 */
const NOT_CASE_CHANGES: ReadonlySet<string> = new Set(["lead.share", "lead.claim", "lead.release", "lead.reassign_claim"]);

/** What the stored event must be for an idempotency key to count as the same action (a reused key is a client bug). */
export interface CreateMatch {
  type: RoomEventType;
  /** The item the action is about, when the caller knows it beforehand (the lead being shared). */
  itemId?: string;
}

/** What a create accepts from a caller that may retry. */
export interface CreateOptions {
  /** 8-64 of [A-Za-z0-9_-], e.g. a UUID: made once per user action and sent again unchanged with every retry. */
  idempotencyKey?: string;
  /** Where the caller sent the key (named in the error for a reused key): "clientEventId" or "Idempotency-Key". */
  keyField?: string;
}

/**
 * A burst of writes queues for the connection pool (and, in one room, for the room's seq row): waiting a few
 * seconds for a turn is better than refusing the write (Prisma's default is two seconds).
 */
const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 15_000 };

/**
 * How a write's transaction runs. "orm": Prisma's interactive transaction, for any model code. "statements": a
 * plain transaction on a pool connection of its own, for a write made only of `ctx.statements` (and the audit
 * and event helpers): three statements cost ~0.6 ms there against ~2.8 ms in the ORM's, and a lead shared to a
 * room of 1,000 waits for its transaction before the broadcast (issue 9). Code that reaches for `ctx.tx` in it
 * fails at once instead of waiting for a second connection.
 */
export type WriteKind = "orm" | "statements";

/** Runs a write: the change, its audit records and its room events commit together; events are announced after. */
export async function writeChange<T>(actor: Actor, run: (ctx: ChangeContext) => Promise<T>, kind: WriteKind = "orm"): Promise<T> {
  return runChange(actor, undefined, run, kind);
}

/** A create: who writes, with which key, what a stored event must be to count as it, the write, the replay. */
type CreateWriter = <T>(
  actor: Actor,
  options: CreateOptions,
  match: CreateMatch,
  run: (ctx: ChangeContext) => Promise<T>,
  replay: (stored: StoredRoomEvent) => T,
  kind?: WriteKind,
) => Promise<T>;

/**
 * Runs a create once per (actor, idempotency key): without a key it simply writes; with a key already stored it
 * returns `replay(stored event)` and writes, audits and announces nothing. The create's first room event carries
 * the key.
 */
export const writeCreate: CreateWriter = async (actor, options, match, run, replay, kind = "orm") => {
  if (!options.idempotencyKey) return runChange(actor, undefined, run, kind);
  const stored = await findCreate(actor, options, match);
  if (stored) return replay(stored);
  return insertCreate(actor, options, match, run, replay, kind);
};

/**
 * The write half of writeCreate, after a look-up found nothing: when an identical send committed in between,
 * the unique index refuses this one, which rolls back whole and answers with the winner's result.
 */
export const insertCreate: CreateWriter = async (actor, options, match, run, replay, kind = "orm") => {
  try {
    return await runChange(actor, options.idempotencyKey, run, kind);
  } catch (error) {
    const winner = await racedWinner(error, actor, options, match);
    if (!winner) throw error;
    return replay(winner);
  }
};

/** When a create lost a race on its idempotency key (the unique index refused it): the event the winner stored. */
async function racedWinner(error: unknown, actor: Actor, options: CreateOptions, match: CreateMatch): Promise<StoredRoomEvent | null> {
  return options.idempotencyKey && isUniqueViolation(error) ? findCreate(actor, options, match) : null;
}

/** A room event as a write appends it (the actor and the idempotency key are the pipeline's). */
export type ChangeEvent = Omit<NewRoomEvent, "actorId" | "clientEventId" | "payload"> & { payload: object };

/** What a guarded create writes, decided from rows read without a lock (writeGuardedCreate). */
export interface GuardedCreate {
  /**
   * Selects and locks the rows the decision was made on, only as they were read (e.g. `SELECT FROM "Lead" WHERE
   * "id" = … AND xmin = … FOR UPDATE`, xmin changing with every update of the row): when it finds nothing, they
   * changed in between and nothing is written.
   */
  guard: Prisma.Sql;
  audit: AuditRecord[];
  event: ChangeEvent;
  /** After the commit and the event's announcement (notifications written after the announcement). */
  afterAnnounce?(stored: StoredRoomEvent): void;
}

/** How often a guarded create decides again when its rows keep changing under it before giving up (CONFLICT). */
const GUARDED_ATTEMPTS = 3;

/**
 * A create of one room event written in ONE statement, with no BEGIN or COMMIT round trips: `decide` reads what
 * it needs without locks and checks it, and the statement locks the rows it read (`guard`), then writes the audit
 * records and the event only if they are unchanged; when they changed, `decide` runs again on what they are now.
 * The guarantees are writeCreate's (audit and event commit together and are announced after; one create per
 * idempotency key; nothing commits before the actor's re-check confirms them), for two round trips before the
 * announcement instead of five: a lead shared to a room of 1,000 waits for them (issue 9's fan-out, decision 030).
 */
export async function writeGuardedCreate(actor: Actor, options: CreateOptions, match: CreateMatch, decide: (statements: StatementRunner) => Promise<GuardedCreate>): Promise<StoredRoomEvent> {
  const statements = statementsOf(getDatabase().sql);
  // A socket's re-check, if it has not started yet, starts now, beside the reads of `decide`.
  void actor.confirmed;
  for (let attempt = 1; ; attempt++) {
    let plan: GuardedCreate;
    try {
      plan = await decide(statements);
    } catch (error) {
      // A retry of a create that did go through is answered with its result, as writeCreate's look-up first would.
      const stored = error instanceof AppError ? await findCreate(actor, options, match) : null;
      if (stored) return stored;
      await auditRefusal(error, actor);
      throw error;
    }
    await actor.confirmed;
    let row: StoredEventRow | undefined;
    try {
      [row] = await statements<StoredEventRow>(guardedCreateStatement(actor, options.idempotencyKey, plan));
    } catch (error) {
      const winner = await racedWinner(error, actor, options, match);
      if (winner) return winner;
      throw error;
    }
    if (row) {
      const stored = toStoredEvent(row);
      announceRoomEvents([stored]);
      plan.afterAnnounce?.(stored);
      return stored;
    }
    if (attempt === GUARDED_ATTEMPTS) throw new AppError("CONFLICT", 409, "This item kept changing while it was being saved. Nothing was saved: try again.");
  }
}

/**
 * A create that its one statement decides (writeDecidedCreate): `source` selects and locks (FOR UPDATE) the one row
 * the event is about, only when the actor may act on it, and computes what is written from the row as locked.
 */
export interface DecidedCreate<Extra> {
  /**
   * `SELECT … FOR UPDATE` of the item's row, with the permission check and `confirmedWhere` (the actor's re-check,
   * for the row's taskforce) in its WHERE; its columns: "itemId", "taskforceId", "caseId", "visibility" and "payload"
   * (jsonb), and the `extra` ones the caller reads back.
   */
  source(confirmedWhere: ((taskforceId: Prisma.Sql) => Prisma.Sql) | undefined): Prisma.Sql;
  /** Extra columns of `source` returned with the stored event (alias "s"). */
  extra: Prisma.Sql;
  /** The audit records; their item, taskforce and case are the source row's. */
  audit: Omit<AuditRecord, "itemId" | "taskforceId" | "caseId">[];
  event: Pick<ChangeEvent, "type" | "itemType">;
  afterAnnounce?(stored: StoredRoomEvent, extra: Extra): void;
}

/**
 * A create decided inside its one statement, from the row it locks: permission, payload and visibility are SQL over
 * that row, and the actor's re-check is a condition in the same statement (`Actor.confirmedWhere`), so the room hears
 * of it ONE round trip after the request, not two (issue 9's fan-out, decision 033). Audit and event commit together
 * and are announced after, as in every write.
 *
 * Null means this path wrote nothing and has no answer: the row is missing or not the actor's to act on, the
 * credential's condition failed, or the idempotency key was used already. The caller then runs its ordinary write
 * (writeGuardedCreate), which decides again in TypeScript and gives every refusal and retry its usual answer.
 * An actor whose re-check runs beside the work is decided here only with an idempotency key: if that re-check
 * then finds the access narrowed, the handler runs the event again as the fresh actor, and the key makes that
 * run return the stored event instead of creating a second one.
 */
export async function writeDecidedCreate<Extra extends Record<string, unknown>>(actor: Actor, options: CreateOptions, plan: DecidedCreate<Extra>): Promise<StoredRoomEvent | null> {
  // The statement does not move a case's "Last change" (the guarded create's "touched"): only creates that change
  // no content of the case may come here.
  if (plan.audit.some((entry) => !NOT_CASE_CHANGES.has(entry.action))) throw new Error("writeDecidedCreate is for creates that change no case content (NOT_CASE_CHANGES).");
  // `confirmedWhere` first: asking for `confirmed` starts a re-check that the statement's condition makes needless.
  if (!(actor.confirmedWhere && options.idempotencyKey) && actor.confirmed) return null;
  const statement = decidedCreateStatement(actor, options.idempotencyKey, plan);
  let row: (StoredEventRow & Extra) | undefined;
  try {
    [row] = await statementsOf(getDatabase().sql)<StoredEventRow & Extra>(statement);
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
  if (!row) return null;
  if (actor.confirmedWhere) actor.heldInWrite?.();
  const stored = toStoredEvent(row);
  announceRoomEvents([stored]);
  plan.afterAnnounce?.(stored, row);
  return stored;
}

function decidedCreateStatement<Extra>(actor: Actor, idempotencyKey: string | undefined, plan: DecidedCreate<Extra>): Prisma.Sql {
  const entries = plan.audit.map((entry) => ({ ...entry, actor, origin: actor.origin }));
  return appendEventStatement(
    {
      ...plan.event,
      taskforceId: Prisma.sql`(SELECT "taskforceId" FROM "source")`,
      itemId: Prisma.sql`s."itemId"`,
      actorId: actor.id,
      clientEventId: idempotencyKey,
      visibility: Prisma.sql`s."visibility"`,
      payload: Prisma.sql`s."payload"`,
    },
    {
      before: Prisma.sql`"source" AS (${plan.source(actor.confirmedWhere)}),
        "audit" AS (${auditEntriesInsert(entries, Prisma.sql`"source" s, `, Prisma.raw(`s`))})`,
      from: Prisma.sql`"source" s`,
      alsoReturn: plan.extra,
    },
  );
}

function guardedCreateStatement(actor: Actor, idempotencyKey: string | undefined, plan: GuardedCreate): Prisma.Sql {
  const entries = plan.audit.map((entry) => ({ ...entry, actor, origin: actor.origin }));
  const changedCases = casesChangedBy(plan.audit);
  return roomEventStatement(
    { ...plan.event, actorId: actor.id, clientEventId: idempotencyKey, payload: jsonSafe(plan.event.payload) as Record<string, unknown> },
    {
      before: Prisma.sql`
        "guard" AS (${plan.guard}),
        "held" AS (SELECT FROM "guard" LIMIT 1),
        "audit" AS (${auditEntriesInsert(entries, Prisma.sql`"held", `)})
        ${changedCases.length > 0 ? Prisma.sql`, "touched" AS (${touchCases(changedCases)} AND EXISTS (SELECT FROM "held"))` : Prisma.empty}`,
      when: Prisma.sql`EXISTS (SELECT FROM "held")`,
    },
  );
}

/** The cases whose "Last change" these audited writes move. */
function casesChangedBy(audit: readonly AuditRecord[]): string[] {
  return [...new Set(audit.filter((entry) => entry.caseId && !NOT_CASE_CHANGES.has(entry.action)).map((entry) => entry.caseId!))];
}

function touchCases(caseIds: readonly string[]): Prisma.Sql {
  return Prisma.sql`UPDATE "Case" SET "lastChangeAt" = GREATEST("lastChangeAt", now()) WHERE "id" IN (${Prisma.join([...caseIds])})`;
}

/**
 * A write refused from inside its transaction whose refusal must itself be audited: the record is written after
 * the rollback (the transaction holds the embedded database's only connection until then, and would take the
 * record down with it).
 */
export class AuditedRefusal extends ValidationError {
  constructor(fields: Record<string, string[]>, readonly auditRecord: AuditRecord) {
    super(fields);
  }
}

async function runChange<T>(actor: Actor, idempotencyKey: string | undefined, run: (ctx: ChangeContext) => Promise<T>, kind: WriteKind): Promise<T> {
  try {
    return await runChangeTransaction(actor, idempotencyKey, run, kind);
  } catch (error) {
    await auditRefusal(error, actor);
    throw error;
  }
}

/** An AuditedRefusal's record, written once the refused write is gone (nothing for any other error). */
async function auditRefusal(error: unknown, actor: Actor): Promise<void> {
  if (error instanceof AuditedRefusal) await recordAudit({ ...error.auditRecord, actor, origin: actor.origin });
}

/** What a write of kind "statements" has for `ctx.tx`: nothing to use. */
const NO_ORM = new Proxy({} as Tx, {
  get() {
    throw new Error("This write runs plain statements (ctx.statements): the ORM is not available inside it.");
  },
});

/** The write's transaction: the ORM's, or a plain one on a pool connection (both READ COMMITTED). */
function inTransaction<T>(kind: WriteKind, work: (client: Tx | SqlRunner) => Promise<T>): Promise<T> {
  return kind === "orm" ? prisma.$transaction(work, TRANSACTION_LIMITS) : getDatabase().transaction("READ COMMITTED", work);
}

async function runChangeTransaction<T>(actor: Actor, idempotencyKey: string | undefined, run: (ctx: ChangeContext) => Promise<T>, kind: WriteKind): Promise<T> {
  const events: StoredRoomEvent[] = [];
  const announcements: (() => void)[] = [];
  const result = await inTransaction(kind, async (client) => {
    announcements.length = 0;
    const changedCases = new Set<string>();
    const statements = statementsOf(client);
    const ctx: ChangeContext = {
      tx: isOrmClient(client) ? client : NO_ORM,
      statements,
      actor,
      audit: (entry) => {
        if (entry.caseId && !NOT_CASE_CHANGES.has(entry.action)) changedCases.add(entry.caseId);
        return appendAudit(client, { ...entry, actor, origin: actor.origin });
      },
      event: async (event) => {
        const clientEventId = events.length === 0 ? idempotencyKey : undefined;
        const stored = await appendRoomEvent(client, { ...event, actorId: actor.id, clientEventId, payload: jsonSafe(event.payload) as Record<string, unknown> });
        events.push(stored);
        return stored;
      },
      afterCommit: (announce) => void announcements.push(announce),
    };
    const value = await run(ctx);
    if (changedCases.size > 0) await statements(touchCases([...changedCases]));
    // Nothing commits for an actor whose re-check has not confirmed them (a rejection rolls the write back).
    await actor.confirmed;
    return value;
  });
  announceRoomEvents(events);
  for (const announce of announcements) announce();
  return result;
}

/** The event this actor stored under the create's idempotency key, or null (none stored, or no key). */
export async function findCreate(actor: Actor, options: CreateOptions, match: CreateMatch): Promise<StoredRoomEvent | null> {
  const clientEventId = options.idempotencyKey;
  if (!clientEventId) return null;
  const row = await prisma.roomEvent.findUnique({ where: { actorId_clientEventId: { actorId: actor.id, clientEventId } } });
  if (!row) return null;
  const event = toStoredEvent(row);
  if (event.type !== match.type || (match.itemId !== undefined && event.itemId !== match.itemId)) {
    const keyField = options.keyField ?? "idempotencyKey";
    throw new ValidationError({
      [keyField]: [`This ${keyField} was already used for a different action. Send a new one for each action, and the same one only when retrying it.`],
    });
  }
  // The first result is only handed back while the actor may still see it (e.g. not after leaving the taskforce).
  if (!canReceiveEvent(actor, event)) throw new NotFoundError();
  return event;
}

/** For creates: the first result is the stored event's payload, the item as first written (JSON). */
export function createdItemOf<T>(stored: StoredRoomEvent): T {
  return stored.payload as T;
}

/**
 * Audits a read of case data: the record is queued and written within a fraction of a second with the reads
 * around it, and at shutdown; the read does not wait for its commit unless the queue is full (decision 018).
 */
export async function auditRead(actor: Actor, entry: AuditRecord): Promise<void> {
  await recordRead({ ...entry, actor, origin: actor.origin });
}

/** The message of a refused stale edit (optimistic concurrency): never a silent overwrite. */
export function staleMessage(kind: string, editedVersion: number, currentVersion: number): string {
  return `This ${kind} was changed by someone else while you were editing (you edited version ${editedVersion}; it is now version ${currentVersion}). Your change was not saved: review the newer version below and apply your change again.`;
}

/** Field -> { from, to } for the fields whose value changed (compared as JSON), for version history and audit. */
export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after)) {
    if (after[key] === undefined) continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = { from: before[key] ?? null, to: after[key] };
  }
  return changes;
}
