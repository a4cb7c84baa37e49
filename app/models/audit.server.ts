// The audit trail: who did what to which record, when and from where. Append-only and hash-chained: each
// row stores the hash of the row before it, so an edited or deleted row breaks the chain (audit:verify).
import { createHash } from "node:crypto";
import type { AuditEvent } from "@prisma/client";
import { prisma, type Tx } from "~/db.server";

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
// Serialises appends so every row links to the one committed just before it.
const AUDIT_CHAIN_LOCK = 4_247_001;

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

/** Appends one audit event inside the caller's transaction (so the record and its audit commit together). */
export async function appendAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const last = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  const prevHash = last?.hash ?? GENESIS_HASH;
  const row = {
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
  await tx.auditEvent.create({ data: { ...row, prevHash, hash: auditHash(prevHash, hashedFieldsOf(row)) } });
}

/** Records an event in a transaction of its own: for reads, sign-ins and refusals. */
export async function recordAudit(entry: AuditEntry): Promise<void> {
  await prisma.$transaction((tx) => appendAudit(tx, entry));
}

export type ChainCheck = { ok: true; checked: number } | { ok: false; checked: number; brokenAt: bigint; reason: string };

/** Walks the chain in id order and reports the first row whose link or content does not match. */
export async function verifyAuditChain(batchSize = 1000): Promise<ChainCheck> {
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let cursor: bigint | undefined;
  for (;;) {
    const rows = await prisma.auditEvent.findMany({
      where: cursor === undefined ? {} : { id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: batchSize,
    });
    if (rows.length === 0) return { ok: true, checked };
    for (const row of rows) {
      if (row.prevHash !== prevHash) {
        return { ok: false, checked, brokenAt: row.id, reason: "the row before it was changed or deleted (link does not match)" };
      }
      if (auditHash(row.prevHash, hashedFieldsOf(row)) !== row.hash) {
        return { ok: false, checked, brokenAt: row.id, reason: "this row was edited (content does not match its hash)" };
      }
      prevHash = row.hash;
      checked += 1;
      cursor = row.id;
    }
  }
}
