// Reading the audit trail, for people: administrators see every event, coordinators the events recorded against
// their taskforces (auditTaskforceScope). Filtered, newest first, a page at a time by keyset on (at, id), so a
// page costs the same on the millionth event as on the first (the indexes of migration *_audit_browsing); the
// same filters give the CSV export. Reading the trail is itself recorded. The chain's state is audit:verify's
// own check (verifyAuditChain), run at most once a minute for all viewers. Why: docs/decisions/022-oversight-and-reports.md.
import { Prisma } from "@prisma/client";
import { auditTaskforceScope, ITEM_VISIBILITY_SELECT, itemVisibility, mayKnowOfItem, visibleItemsSql, type Actor } from "~/auth/permissions.server";
import { SecretKeyError } from "~/auth/secret-box.server";
import { prisma, readSql } from "~/db.server";
import { recordAudit, verifyAuditChain, type ChainCheck } from "~/models/audit.server";
import { toCsv } from "~/utils/csv";
import { endOfDay } from "~/utils/dates";
import { ForbiddenError, NotFoundError } from "~/utils/errors.server";
import { forgetSingleton, singleton } from "~/utils/singleton.server";
import { AUDIT_FILTERS, AUDIT_PAGE_SIZE, type AuditQuery } from "~/validation/audit";

export interface AuditRecordView {
  id: string;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  outcome: string;
  itemType: string | null;
  itemId: string | null;
  taskforceId: string | null;
  caseId: string | null;
  /** Administrators only: where the request came from. */
  ip: string | null;
  /** Null when withheld: the event is about a clue or lead the viewer may not see (its details may quote it). */
  details: unknown;
  detailsWithheld: boolean;
  /** Linked into the hash chain yet (normally within a second). */
  sealed: boolean;
}

export interface AuditPage {
  items: AuditRecordView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Rows in one CSV export at most; a larger view is cut there (the response says so) and is narrowed by filters. */
export const AUDIT_CSV_LIMIT = 50_000;
const CSV_BATCH = 1_000;

/** The scope the actor may read, narrowed to the taskforce asked for: "all" or the taskforce ids. */
function scopeFor(actor: Actor, taskforceId: string | undefined): "all" | string[] {
  const scope = auditTaskforceScope(actor);
  if (scope === null) throw new ForbiddenError("Only administrators and coordinators can read the audit trail.");
  if (!taskforceId) return scope;
  if (scope !== "all" && !scope.includes(taskforceId)) throw new NotFoundError("Taskforce not found.");
  return [taskforceId];
}

function filtersSql(query: AuditQuery): Prisma.Sql[] {
  const filters: Prisma.Sql[] = [];
  if (query.actor) {
    filters.push(query.actor.includes("@") ? Prisma.sql`lower(a."actorEmail") = lower(${query.actor})` : Prisma.sql`a."actorId" = ${query.actor}`);
  }
  if (query.action) {
    filters.push(
      query.action.endsWith(".")
        ? Prisma.sql`a."action" >= ${query.action} AND a."action" < ${`${query.action.slice(0, -1)}/`}` // "clue." .. "clue/": the family, as an index range
        : Prisma.sql`a."action" = ${query.action}`,
    );
  }
  if (query.itemType) filters.push(Prisma.sql`a."itemType" = ${query.itemType}`);
  if (query.itemId) filters.push(Prisma.sql`a."itemId" = ${query.itemId}`);
  if (query.caseId) filters.push(Prisma.sql`a."caseId" = ${query.caseId}`);
  if (query.from) filters.push(Prisma.sql`a."at" >= ${new Date(query.from)}`);
  if (query.to) filters.push(Prisma.sql`a."at" <= ${endOfDay(query.to)}`);
  if (query.cursor) {
    const [atMs, id] = query.cursor.split("_");
    filters.push(Prisma.sql`(a."at", a."id") < (${new Date(Number(atMs))}, ${BigInt(id)})`);
  }
  return filters;
}

const COLUMNS = Prisma.sql`a."id"::text AS "id", a."at", a."actorId", a."actorEmail", a."action", a."outcome", a."itemType", a."itemId",
  a."taskforceId", a."caseId", a."ip", a."details", a."chainSeq" IS NOT NULL AS "sealed"`;

type AuditRow = Omit<AuditRecordView, "detailsWithheld">;

/**
 * The newest `limit` events in scope meeting the filters. A coordinator's taskforces are one branch each, every
 * branch walking its (taskforceId, at, id) index newest first; the merge reads only as far as `limit` reaches.
 */
function selectNewest(scope: "all" | string[], filters: Prisma.Sql[], limit: number): Promise<AuditRow[]> {
  const where = (extra: Prisma.Sql[]) => {
    const parts = [...extra, ...filters];
    return parts.length ? Prisma.join(parts, " AND ") : Prisma.sql`TRUE`;
  };
  if (scope === "all") {
    return readSql<AuditRow>(Prisma.sql`SELECT ${COLUMNS} FROM "AuditEvent" a WHERE ${where([])} ORDER BY a."at" DESC, a."id" DESC LIMIT ${limit}`);
  }
  if (scope.length === 0) return Promise.resolve([]);
  const branches = scope.map(
    (taskforceId) => Prisma.sql`(SELECT ${COLUMNS} FROM "AuditEvent" a WHERE ${where([Prisma.sql`a."taskforceId" = ${taskforceId}`])}
      ORDER BY a."at" DESC, a."id" DESC LIMIT ${limit})`,
  );
  return readSql<AuditRow>(Prisma.sql`SELECT * FROM (${Prisma.join(branches, " UNION ALL ")}) AS "b" ORDER BY "at" DESC, "id"::bigint DESC LIMIT ${limit}`);
}

/**
 * An administrator reads everything. A coordinator oversees the taskforce's work, not the content of items kept
 * from them: on an event about a clue or lead they may not see (TLP:RED they are not named on, another agency's
 * AMBER+STRICT), the details (a share's note, for one) are withheld; the event itself stays in the list.
 */
async function withVisibleDetails(actor: Actor, rows: AuditRow[]): Promise<AuditRecordView[]> {
  const admin = actor.role === "ADMIN";
  const hiddenIds = new Set<string>();
  if (!admin) {
    for (const [kind, itemType, table] of [["clue", "CLUE", `"Clue"`], ["lead", "LEAD", `"Lead"`]] as const) {
      const ids = [...new Set(rows.filter((row) => row.itemType === itemType && row.itemId).map((row) => row.itemId!))];
      if (ids.length === 0) continue;
      const visible = await readSql<{ id: string }>(
        Prisma.sql`SELECT i."id" FROM ${Prisma.raw(table)} i WHERE i."id" IN (${Prisma.join(ids)}) AND ${visibleItemsSql(actor, kind, "i")}`,
      );
      const seen = new Set(visible.map((row) => row.id));
      for (const id of ids) if (!seen.has(id)) hiddenIds.add(`${itemType}:${id}`);
    }
    for (const id of await unknownDeconflictionSides(actor, rows)) hiddenIds.add(id);
  }
  return rows.map((row) => {
    const withheld = !admin && (hiddenIds.has(`${row.itemType}:${row.itemId}`) || hiddenIds.has(`DECONFLICTION:${row.itemId}:${row.caseId}`));
    const details = withheld ? null : admin ? row.details : withoutCounts(actor, row);
    return { ...row, ip: admin ? row.ip : null, details, detailsWithheld: withheld };
  });
}

/**
 * A de-confliction event is filed under one side's taskforce and case; its details (a decline's reason) are that
 * side's, and withheld from whoever may not know of that side's clue (decision 023: a TLP:RED clue's side is its
 * readers'). Returns "DECONFLICTION:<id>:<caseId>" for each such side among the rows.
 */
async function unknownDeconflictionSides(actor: Actor, rows: AuditRow[]): Promise<string[]> {
  const ids = [...new Set(rows.filter((row) => row.itemType === "DECONFLICTION" && row.itemId).map((row) => row.itemId!))];
  if (ids.length === 0) return [];
  const clue = { select: { caseId: true, ...ITEM_VISIBILITY_SELECT } } as const;
  const records = await prisma.deconfliction.findMany({ where: { id: { in: ids } }, select: { id: true, clueA: clue, clueB: clue } });
  return records.flatMap((record) =>
    [record.clueA, record.clueB].filter((side) => !mayKnowOfItem(actor, itemVisibility(side))).map((side) => `DECONFLICTION:${record.id}:${side.caseId}`),
  );
}

/**
 * Details that count links into other clues, which the reader may not see (another taskforce's, a TLP:RED one):
 * an administrator's to read. A coordinator learns of a hidden match what its clue's page says (one per kind).
 */
const COUNTS_BEYOND_NEED_TO_KNOW: Record<string, readonly string[]> = {
  "correlation.update": ["links", "deconflictionsOpened", "deconflictionsClosed"],
  "clue.delete": ["links"],
};

/**
 * Reads, whose counts are what their reader could see ("visible": 3 on a clue's correlations, a search's hits):
 * another reader's counts would tell what that reader may see beyond this one. Their own are theirs.
 */
const READ_ACTIONS = new Set([
  "appeal.queue", "case.list", "case.narrowing", "case.read", "clue.list", "clue.read", "comment.list", "comment.mentions", "correlation.read",
  "correlation.values_list", "deconfliction.list", "dissemination.list", "dissemination.read", "lead.list", "lead.narrowing", "lead.read",
  "review.queue", "room.view", "search", "task.board", "task.list", "task.list_mine", "task.read", "taskforce.overview",
]);

function withoutCounts(reader: Actor, row: AuditRow): AuditRow["details"] {
  const { details } = row;
  if (!details || typeof details !== "object" || Array.isArray(details)) return details;
  const othersRead = READ_ACTIONS.has(row.action) && row.actorId !== reader.id;
  const keys = COUNTS_BEYOND_NEED_TO_KNOW[row.action] ?? [];
  if (!othersRead && keys.length === 0) return details;
  return Object.fromEntries(Object.entries(details).filter(([key, value]) => !keys.includes(key) && !(othersRead && typeof value === "number")));
}

function cursorOf(row: AuditRow): string {
  return `${new Date(row.at).getTime()}_${row.id}`;
}

function filtersOf(query: AuditQuery): Record<string, string> {
  return Object.fromEntries(AUDIT_FILTERS.flatMap((key) => (query[key] ? [[key, String(query[key])]] : [])));
}

/** One page of the events the actor may read, newest first; the reading is recorded (audit.view). */
export async function listAuditEvents(actor: Actor, query: AuditQuery): Promise<AuditPage> {
  const scope = scopeFor(actor, query.taskforceId);
  const take = query.take ?? AUDIT_PAGE_SIZE;
  const rows = await selectNewest(scope, filtersSql(query), take + 1);
  const page = rows.slice(0, take);
  const items = await withVisibleDetails(actor, page);
  await recordAudit({
    actor,
    action: "audit.view",
    taskforceId: query.taskforceId ?? null,
    origin: actor.origin,
    details: { filters: filtersOf(query), cursor: query.cursor ?? null, count: items.length },
  });
  return { items, nextCursor: rows.length > take ? cursorOf(page[page.length - 1]) : null };
}

const CSV_COLUMNS = ["id", "at", "actorEmail", "actorId", "action", "outcome", "itemType", "itemId", "taskforceId", "caseId", "ip", "details", "sealed"] as const;

/** The filtered view as CSV (newest first, at most AUDIT_CSV_LIMIT rows); the export is recorded (audit.export). */
export async function exportAuditCsv(actor: Actor, query: AuditQuery): Promise<{ csv: string; rows: number; truncated: boolean }> {
  const scope = scopeFor(actor, query.taskforceId);
  const filters = filtersSql({ ...query, cursor: undefined });
  const lines: Record<string, string | boolean | Date | null>[] = [];
  let cursor: string | undefined;
  let truncated = false;
  for (;;) {
    const rows = await selectNewest(scope, [...filters, ...filtersSql({ cursor } as AuditQuery)], CSV_BATCH);
    for (const row of await withVisibleDetails(actor, rows)) {
      if (lines.length === AUDIT_CSV_LIMIT) {
        truncated = true;
        break;
      }
      lines.push({ ...row, details: row.detailsWithheld ? "(withheld: about an item you may not see)" : JSON.stringify(row.details), at: new Date(row.at) });
    }
    if (truncated || rows.length < CSV_BATCH) break;
    cursor = cursorOf(rows[rows.length - 1]);
  }
  await recordAudit({
    actor,
    action: "audit.export",
    taskforceId: query.taskforceId ?? null,
    origin: actor.origin,
    details: { format: "csv", filters: filtersOf(query), rows: lines.length, truncated },
  });
  return { csv: toCsv(CSV_COLUMNS, lines), rows: lines.length, truncated };
}

// ---- the chain's state, as audit:verify reports it ----------------------------------------------------------

export interface ChainStatus {
  state: "intact" | "broken" | "unverifiable";
  /** Sealed events found intact (up to the break, if any). */
  intactUpTo: number;
  brokenAt: string | null;
  reason: string | null;
  checkpointAt: number | null;
  unsealed: { count: number; oldestAt: Date | null };
  checkedAt: Date;
}

/** How long one walk of the chain serves every viewer: the walk reads every sealed row. */
export const CHAIN_STATUS_TTL_MS = 60_000;

function toStatus(check: ChainCheck): ChainStatus {
  return {
    state: check.ok ? "intact" : "broken",
    intactUpTo: check.checked,
    brokenAt: check.ok || check.brokenAt === null ? null : check.brokenAt.toString(),
    reason: check.ok ? null : check.reason,
    checkpointAt: check.checkpoints.newest ? Number(check.checkpoints.newest.chainSeq) : null,
    unsealed: check.unsealed,
    checkedAt: new Date(),
  };
}

const CHAIN_STATUS_CACHE = "auditChainStatus";
function chainStatusCache() {
  return singleton(CHAIN_STATUS_CACHE, () => ({ at: 0, running: null as Promise<ChainStatus> | null, last: null as ChainStatus | null }));
}

/**
 * audit:verify's result (the same verifyAuditChain): "intact up to event N", or where it broke, and the unsealed
 * tail. One walk at a time in this process, and its result is reused for a minute.
 */
export async function auditChainStatus(actor: Actor): Promise<ChainStatus> {
  if (auditTaskforceScope(actor) === null) throw new ForbiddenError("Only administrators and coordinators can read the audit trail.");
  const cache = chainStatusCache();
  if (cache.last && Date.now() - cache.at < CHAIN_STATUS_TTL_MS) return cache.last;
  cache.running ??= verifyAuditChain()
    .then(toStatus, (error: unknown) => {
      if (!(error instanceof SecretKeyError)) throw error;
      return { state: "unverifiable", intactUpTo: 0, brokenAt: null, reason: error.message, checkpointAt: null, unsealed: { count: 0, oldestAt: null }, checkedAt: new Date() } satisfies ChainStatus;
    })
    .then((status) => {
      cache.last = status;
      cache.at = Date.now();
      return status;
    })
    .finally(() => {
      cache.running = null;
    });
  return cache.running;
}

/** Forgets the cached result (tests). */
export function forgetAuditChainStatus(): void {
  forgetSingleton(CHAIN_STATUS_CACHE);
}
