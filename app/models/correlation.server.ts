// Correlation across cases (issue 13, decision 023): links between clues of different cases that share a media
// hash id, a normalised value or a near value, found inside the clue's own write transaction by index probes on
// its keys (never by comparing all pairs), kept to the strongest CORRELATION_MAX_LINKS per clue, and read back
// through need-to-know: a link is shown only to whoever may see both clues; anyone else learns that a match
// exists, its kind and whom to ask (de-confliction, ./deconfliction.server.ts).
import { randomUUID } from "node:crypto";
import { Prisma, type CorrelationKind } from "@prisma/client";
import { canSeeItem, itemVisibility, requirePermission, type Actor, type ItemVisibility } from "~/auth/permissions.server";
import { prisma, type Tx } from "~/db.server";
import { clueWeight, correlationKeysOf, KIND_STRENGTH, linkScore, type CorrelationKey } from "~/utils/correlation-keys";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { loadVisibleCase } from "./cases.server";
import { auditRead, writeChange, type ChangeContext } from "./changes.server";
import { announceCorrelationNotices, deconflictionNoticesFor, type CorrelationNoticeFor } from "./correlation-notices.server";

export interface CorrelationSettings {
  /** pg_trgm similarity (0..1) above which two normalised values of one category are "near" (CORRELATION_NEAR_THRESHOLD). */
  nearThreshold: number;
  /** A key held in more cases than this is common and stops linking (CORRELATION_COMMON_CASES). */
  commonCases: number;
  /** The strongest links kept per clue (CORRELATION_MAX_LINKS). */
  maxLinks: number;
}

function numberSetting(raw: string | undefined, fallback: number, min: number, max: number): number {
  const value = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

/** Read at each save, so an operator's change applies without a restart (and a test can lower the guard). */
export function correlationSettings(env: NodeJS.ProcessEnv = process.env): CorrelationSettings {
  return {
    nearThreshold: numberSetting(env.CORRELATION_NEAR_THRESHOLD, 0.6, 0.3, 0.99),
    commonCases: Math.round(numberSetting(env.CORRELATION_COMMON_CASES, 20, 1, 10_000)),
    maxLinks: Math.round(numberSetting(env.CORRELATION_MAX_LINKS, 50, 1, 1_000)),
  };
}

/** What correlation needs of a clue, as it stands after the write. */
export interface CorrelatedClue {
  id: string;
  caseId: string;
  taskforceId: string;
  authorId: string;
  categoryKey: string;
  value: string;
  confidence: string;
  sourceReliability: string;
  infoAssessment: string;
  mediaRefs: readonly { algorithm: string; value: string }[];
}

/** What correlation needs of a write: its transaction, its audit trail, and what to do once it commits. */
export type CorrelationContext = Pick<ChangeContext, "tx" | "audit" | "afterCommit">;

/** The fields of a clue edit that change its links (anything else leaves them as they are). */
export const CORRELATED_FIELDS = ["category", "value", "mediaRefs", "confidence", "sourceReliability", "infoAssessment"] as const;

const KIND_ORDER: Record<CorrelationKind, number> = { HASH: 0, VALUE: 1, NEAR: 2 };
/** Near values probed per save: the nearest distinct values, each then probed for its clues. */
const NEAR_VALUES = 8;
/** Values this short link only exactly: every short word is "near" too many others. */
const MIN_NEAR_LENGTH = 5;
/** Namespace of the per-key advisory locks (two-int form: apart from every one-bigint lock, the audit sealer's). */
const KEY_LOCK_NAMESPACE = 13_013;

interface Candidate {
  clueId: string;
  caseId: string;
  taskforceId: string;
  authorId: string;
  kind: CorrelationKind;
  matchKey: string;
  score: number;
}

interface CandidateRow {
  clueId: string;
  caseId: string;
  taskforceId: string;
  authorId: string;
  key: string;
  confidence: string;
  sourceReliability: string;
  infoAssessment: string;
}

/** The stored form of a key in ClueLink.matchKey and the lock name: kind, category and key in one string. */
export function matchKeyOf(key: { kind: CorrelationKind; categoryKey: string; key: string }): string {
  return key.kind === "HASH" ? key.key : `${key.categoryKey}/${key.key}`;
}

const kindSql = (kind: CorrelationKind) => Prisma.sql`${kind}::"CorrelationKind"`;

/**
 * (Re)computes the clue's keys and links inside its write. `replace` drops what an earlier version found first
 * (an edit); a de-confliction whose pair is still linked keeps its state. New links are announced after commit.
 */
export async function correlateClue(ctx: CorrelationContext, clue: CorrelatedClue, options: { replace: boolean }): Promise<void> {
  const { tx } = ctx;
  const settings = correlationSettings();
  const affected = new Set<string>([clue.id]);
  if (options.replace) {
    const before = await tx.$queryRaw<{ otherClueId: string }[]>`DELETE FROM "ClueLink" WHERE "clueId" = ${clue.id} RETURNING "otherClueId"`;
    for (const row of before) affected.add(row.otherClueId);
    await tx.$executeRaw`DELETE FROM "ClueLink" WHERE "otherClueId" = ${clue.id}`;
    await tx.$executeRaw`DELETE FROM "ClueCorrelationKey" WHERE "clueId" = ${clue.id}`;
  }
  const keys = correlationKeysOf(clue);
  const candidates = new Map<string, Candidate>();
  if (keys.length > 0) {
    await tx.$executeRaw`INSERT INTO "ClueCorrelationKey" ("clueId", "kind", "categoryKey", "key", "caseId", "taskforceId") VALUES ${Prisma.join(
      keys.map((key) => Prisma.sql`(${clue.id}, ${kindSql(key.kind)}, ${key.categoryKey}, ${key.key}, ${clue.caseId}, ${clue.taskforceId})`),
    )}`;
    const live = await liveKeys(tx, keys);
    const weight = clueWeight(clue);
    for (const key of live) {
      if (await markIfCommon(ctx, key, settings, affected)) continue;
      for (const row of await exactMatches(tx, clue, key, settings.maxLinks * 4)) {
        offer(candidates, row, key.kind, matchKeyOf(key), linkScore(key.kind, weight, clueWeight(row)));
      }
      if (key.kind === "VALUE" && key.key.length >= MIN_NEAR_LENGTH) {
        for (const { row, similarity } of await nearMatches(tx, clue, key, settings)) {
          offer(candidates, row, "NEAR", matchKeyOf({ kind: "VALUE", categoryKey: key.categoryKey, key: row.key }), linkScore("NEAR", weight, clueWeight(row), similarity));
        }
      }
    }
  }
  let kept = [...candidates.values()].sort((a, b) => b.score - a.score || (a.clueId < b.clueId ? -1 : 1)).slice(0, settings.maxLinks);
  // The kinds each linked clue already held before this write: its author hears of a kind once, when it first
  // appears, as the clue's page shows it ("a match exists", one per kind), never once per matching clue.
  const kindsBefore = await linkKindsOf(tx, kept.map((link) => link.clueId));
  if (kept.length > 0) {
    await tx.$executeRaw`INSERT INTO "ClueLink" ("clueId", "otherClueId", "kind", "matchKey", "score", "caseId", "otherCaseId", "taskforceId", "otherTaskforceId") VALUES ${Prisma.join(
      kept.flatMap((link) => [
        Prisma.sql`(${clue.id}, ${link.clueId}, ${kindSql(link.kind)}, ${link.matchKey}, ${link.score}, ${clue.caseId}, ${link.caseId}, ${clue.taskforceId}, ${link.taskforceId})`,
        Prisma.sql`(${link.clueId}, ${clue.id}, ${kindSql(link.kind)}, ${link.matchKey}, ${link.score}, ${link.caseId}, ${clue.caseId}, ${link.taskforceId}, ${clue.taskforceId})`,
      ]),
    )}`;
    const trimmed = await trimOverfull(tx, kept.map((link) => link.clueId), settings.maxLinks);
    for (const pair of trimmed) affected.add(pair.clueId).add(pair.otherClueId);
    // A linked clue already full of stronger links drops this one: it is not a link, so nobody hears of it.
    const dropped = new Set(trimmed.filter((pair) => pair.clueId === clue.id || pair.otherClueId === clue.id).map((pair) => (pair.clueId === clue.id ? pair.otherClueId : pair.clueId)));
    kept = kept.filter((link) => !dropped.has(link.clueId));
  }
  const opened = await openDeconflictions(tx, clue, kept.filter((link) => link.taskforceId !== clue.taskforceId));
  const closed = await closeUnlinkedDeconflictions(tx, [...affected]);

  if (kept.length > 0 || opened.length > 0 || closed > 0) {
    await ctx.audit({
      action: "correlation.update",
      itemType: "CLUE",
      itemId: clue.id,
      taskforceId: clue.taskforceId,
      caseId: clue.caseId,
      details: { links: kept.length, kinds: [...new Set(kept.map((link) => link.kind))], deconflictionsOpened: opened.length, deconflictionsClosed: closed },
    });
  }
  for (const record of opened) {
    await ctx.audit({ action: "deconfliction.open", itemType: "DECONFLICTION", itemId: record.id, taskforceId: clue.taskforceId, caseId: clue.caseId, details: { kind: record.kind } });
  }
  // Each side's author hears that their own clue matched something, and each side's coordinators and liaisons
  // that a de-confliction opened: never which clue, case or value on the other side.
  const previouslyLinked = options.replace ? affected : new Set<string>();
  const notices: CorrelationNoticeFor[] = kept
    .filter((link) => !previouslyLinked.has(link.clueId))
    .flatMap((link) => [
      { userId: clue.authorId, notice: { type: "correlation.found" as const, clueId: clue.id, kind: link.kind } },
      ...(kindsBefore.has(`${link.clueId}|${link.kind}`) ? [] : [{ userId: link.authorId, notice: { type: "correlation.found" as const, clueId: link.clueId, kind: link.kind } }]),
    ]);
  notices.push(...(await deconflictionNoticesFor(tx, opened, "deconfliction.opened")));
  if (notices.length > 0) ctx.afterCommit(() => announceCorrelationNotices(notices));
}

/** "clueId|kind" for every link the clues hold now. */
async function linkKindsOf(tx: Tx, clueIds: string[]): Promise<Set<string>> {
  if (clueIds.length === 0) return new Set();
  const rows = await tx.$queryRaw<{ clueId: string; kind: CorrelationKind }[]>`
    SELECT DISTINCT "clueId", "kind" FROM "ClueLink" WHERE "clueId" IN (${Prisma.join(clueIds)})`;
  return new Set(rows.map((row) => `${row.clueId}|${row.kind}`));
}

function offer(candidates: Map<string, Candidate>, row: CandidateRow, kind: CorrelationKind, matchKey: string, score: number): void {
  const current = candidates.get(row.clueId);
  // One link per pair: its strongest kind (a shared hash says more than a shared word), then its best score.
  if (current && (KIND_ORDER[current.kind] < KIND_ORDER[kind] || (current.kind === kind && current.score >= score))) return;
  candidates.set(row.clueId, { clueId: row.clueId, caseId: row.caseId, taskforceId: row.taskforceId, authorId: row.authorId, kind, matchKey, score });
}

/**
 * The keys that still link, each locked for the rest of the transaction: two clues saved at the same moment
 * with the same key cannot both miss each other (the second waits, then reads the first's committed key). A
 * common or excluded key is not locked: it links nothing, so saves of "bed" never queue behind each other.
 */
async function liveKeys(tx: Tx, keys: CorrelationKey[]): Promise<CorrelationKey[]> {
  await tx.$executeRaw`INSERT INTO "CorrelationValue" ("kind", "categoryKey", "key") VALUES ${Prisma.join(
    keys.map((key) => Prisma.sql`(${kindSql(key.kind)}, ${key.categoryKey}, ${key.key})`),
  )} ON CONFLICT DO NOTHING`;
  const marked = await tx.$queryRaw<{ kind: CorrelationKind; categoryKey: string; key: string }[]>`
    SELECT "kind", "categoryKey", "key" FROM "CorrelationValue"
    WHERE ("kind", "categoryKey", "key") IN (${Prisma.join(keys.map((key) => Prisma.sql`(${kindSql(key.kind)}, ${key.categoryKey}, ${key.key})`))})
      AND "reason" IS NOT NULL`;
  const dead = new Set(marked.map((row) => matchKeyOf(row)));
  const live = keys.filter((key) => !dead.has(matchKeyOf(key)));
  if (live.length > 0) {
    const names = live.map(matchKeyOf).sort();
    // Taken in name order (volatile functions run after ORDER BY), so two saves never wait on each other in a cycle.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${KEY_LOCK_NAMESPACE}::int, hashtext(t.k)) FROM (VALUES ${Prisma.join(names.map((name) => Prisma.sql`(${name}::text)`))}) AS t(k) ORDER BY t.k`;
  }
  return live;
}

/**
 * The over-correlation guard: a key held in more than `commonCases` cases is marked common and its existing
 * links go. Counting stops at commonCases + 1 distinct cases (an index-only walk), so the count costs the same
 * at 10k and 1M clues.
 */
async function markIfCommon(ctx: CorrelationContext, key: CorrelationKey, settings: CorrelationSettings, affected: Set<string>): Promise<boolean> {
  const [{ cases }] = await ctx.tx.$queryRaw<{ cases: number }[]>`
    SELECT count(*)::int AS "cases" FROM (
      SELECT DISTINCT "caseId" FROM "ClueCorrelationKey"
      WHERE "kind" = ${kindSql(key.kind)} AND "categoryKey" = ${key.categoryKey} AND "key" = ${key.key}
      LIMIT ${settings.commonCases + 1}
    ) t`;
  if (cases <= settings.commonCases) return false;
  await markValue(ctx.tx, key, "COMMON", cases, null, affected);
  await ctx.audit({ action: "correlation.value_common", itemType: "CORRELATION_VALUE", details: { kind: key.kind, categoryKey: key.categoryKey, key: key.key, cases } });
  return true;
}

/** Marks a key COMMON or EXCLUDED and drops the links it made (both directions); returns how many pairs went. */
export async function markValue(tx: Tx, key: CorrelationKey, reason: "COMMON" | "EXCLUDED", cases: number, byUserId: string | null, affected: Set<string>): Promise<number> {
  await tx.$executeRaw`
    INSERT INTO "CorrelationValue" ("kind", "categoryKey", "key", "reason", "caseCount", "markedAt", "excludedById")
    VALUES (${kindSql(key.kind)}, ${key.categoryKey}, ${key.key}, ${reason}, ${cases}, now(), ${byUserId})
    ON CONFLICT ("kind", "categoryKey", "key") DO UPDATE SET "reason" = EXCLUDED."reason", "caseCount" = EXCLUDED."caseCount",
      "markedAt" = EXCLUDED."markedAt", "excludedById" = EXCLUDED."excludedById"`;
  const gone = await tx.$queryRaw<{ clueId: string }[]>`
    DELETE FROM "ClueLink" WHERE "kind" = ${kindSql(key.kind)} AND "matchKey" = ${matchKeyOf(key)} RETURNING "clueId"`;
  for (const row of gone) affected.add(row.clueId);
  if (gone.length > 0) await closeUnlinkedDeconflictions(tx, [...new Set(gone.map((row) => row.clueId))]);
  return gone.length / 2;
}

const candidateColumns = Prisma.sql`k."clueId", k."caseId", k."taskforceId", k."key", c."authorId",
  c."confidence"::text AS "confidence", c."sourceReliability"::text AS "sourceReliability", c."infoAssessment"::text AS "infoAssessment"`;

/** Clues of other cases holding the same key: one index range, bounded (the key is not common). */
async function exactMatches(tx: Tx, clue: CorrelatedClue, key: CorrelationKey, limit: number): Promise<CandidateRow[]> {
  return tx.$queryRaw<CandidateRow[]>`
    SELECT ${candidateColumns}
    FROM "ClueCorrelationKey" k JOIN "Clue" c ON c."id" = k."clueId"
    WHERE k."kind" = ${kindSql(key.kind)} AND k."categoryKey" = ${key.categoryKey} AND k."key" = ${key.key} AND k."caseId" <> ${clue.caseId}
    LIMIT ${limit}`;
}

/**
 * Clues of other cases whose normalised value in the same category is near this one: the distinct values above
 * the threshold (a GIN trigram probe), the NEAR_VALUES nearest of them, then each value's clues.
 */
async function nearMatches(tx: Tx, clue: CorrelatedClue, key: CorrelationKey, settings: CorrelationSettings): Promise<{ row: CandidateRow; similarity: number }[]> {
  await tx.$executeRaw`SELECT set_config('pg_trgm.similarity_threshold', ${String(settings.nearThreshold)}, true)`;
  const values = await tx.$queryRaw<{ key: string; similarity: number }[]>`
    SELECT v."key", similarity(v."key", ${key.key})::float8 AS "similarity"
    FROM "CorrelationValue" v
    WHERE v."kind" = 'VALUE' AND v."key" % ${key.key} AND v."key" <> ${key.key} AND v."categoryKey" = ${key.categoryKey} AND v."reason" IS NULL
    ORDER BY v."key" <-> ${key.key}
    LIMIT ${NEAR_VALUES}`;
  if (values.length === 0) return [];
  const similarity = new Map(values.map((value) => [value.key, value.similarity]));
  const rows = await tx.$queryRaw<CandidateRow[]>`
    SELECT ${candidateColumns}
    FROM "ClueCorrelationKey" k JOIN "Clue" c ON c."id" = k."clueId"
    WHERE k."kind" = 'VALUE' AND k."categoryKey" = ${key.categoryKey} AND k."key" IN (${Prisma.join(values.map((value) => value.key))}) AND k."caseId" <> ${clue.caseId}
    LIMIT ${settings.maxLinks * 4}`;
  return rows.map((row) => ({ row, similarity: similarity.get(row.key) ?? settings.nearThreshold }));
}

/** Linked clues now holding more than maxLinks links lose their weakest (both directions); returns the pairs gone. */
async function trimOverfull(tx: Tx, clueIds: string[], maxLinks: number): Promise<{ clueId: string; otherClueId: string }[]> {
  const gone = await tx.$queryRaw<{ clueId: string; otherClueId: string }[]>`
    WITH ranked AS (
      SELECT "clueId", "otherClueId", row_number() OVER (PARTITION BY "clueId" ORDER BY "score" DESC, "otherClueId") AS n
      FROM "ClueLink" WHERE "clueId" IN (${Prisma.join(clueIds)})
    ), gone AS (
      DELETE FROM "ClueLink" l USING ranked r
      WHERE r.n > ${maxLinks} AND l."clueId" = r."clueId" AND l."otherClueId" = r."otherClueId"
      RETURNING l."clueId", l."otherClueId"
    ), reverse AS (
      DELETE FROM "ClueLink" l USING gone g WHERE l."clueId" = g."otherClueId" AND l."otherClueId" = g."clueId"
      RETURNING l."clueId", l."otherClueId"
    )
    SELECT "clueId", "otherClueId" FROM gone UNION ALL SELECT "clueId", "otherClueId" FROM reverse`;
  return gone;
}

export interface OpenedDeconfliction {
  id: string;
  kind: CorrelationKind;
  clueAId: string;
  clueBId: string;
  taskforceAId: string;
  taskforceBId: string;
}

/** Side A is the clue with the smaller id (JavaScript's order, the only one that decides it). */
function sidesOf(clue: CorrelatedClue, link: Candidate) {
  const self = { clueId: clue.id, caseId: clue.caseId, taskforceId: clue.taskforceId };
  const other = { clueId: link.clueId, caseId: link.caseId, taskforceId: link.taskforceId };
  return clue.id < link.clueId ? [self, other] : [other, self];
}

/** A de-confliction for each link across taskforces; an existing one keeps its state (its kind follows the link). */
async function openDeconflictions(tx: Tx, clue: CorrelatedClue, links: Candidate[]): Promise<OpenedDeconfliction[]> {
  if (links.length === 0) return [];
  const rows = await tx.$queryRaw<(OpenedDeconfliction & { inserted: boolean })[]>`
    INSERT INTO "Deconfliction" ("id", "clueAId", "clueBId", "caseAId", "caseBId", "taskforceAId", "taskforceBId", "kind", "updatedAt")
    VALUES ${Prisma.join(
      links.map((link) => {
        const [a, b] = sidesOf(clue, link);
        return Prisma.sql`(${randomUUID()}, ${a.clueId}, ${b.clueId}, ${a.caseId}, ${b.caseId}, ${a.taskforceId}, ${b.taskforceId}, ${kindSql(link.kind)}, now())`;
      }),
    )}
    ON CONFLICT ("clueAId", "clueBId") DO UPDATE SET "kind" = EXCLUDED."kind"
    RETURNING "id", "kind", "clueAId", "clueBId", "taskforceAId", "taskforceBId", (xmax = 0) AS "inserted"`;
  return rows.filter((row) => row.inserted).map(({ inserted: _inserted, ...record }) => record);
}

/**
 * De-confliction records of these clues whose pair is no longer linked (an edit, a trim, a common value). A
 * decline stands: its record stays, out of the queues while the pair is unlinked, and is the pair's record again
 * if they link again (an edit that drops the link and restores it would otherwise reopen the question).
 */
async function closeUnlinkedDeconflictions(tx: Tx, clueIds: string[]): Promise<number> {
  if (clueIds.length === 0) return 0;
  return tx.$executeRaw`
    DELETE FROM "Deconfliction" d
    WHERE (d."clueAId" IN (${Prisma.join(clueIds)}) OR d."clueBId" IN (${Prisma.join(clueIds)}))
      AND d."status" <> 'DECLINED'
      AND NOT EXISTS (SELECT 1 FROM "ClueLink" l WHERE l."clueId" = d."clueAId" AND l."otherClueId" = d."clueBId")`;
}

// ---- reading links under need-to-know ------------------------------------------------------------------

export interface VisibleLink {
  clueId: string;
  caseId: string;
  kind: CorrelationKind;
  score: number;
  /** For pages: the other clue as the reader may see it (null when only a de-confliction disclosed the link). */
  caseReference: string;
  value: string | null;
  categoryKey: string | null;
  /** Disclosed by an accepted de-confliction, not by the reader's own access to the other clue. */
  disclosed: boolean;
  deconflictionId: string | null;
}

export interface HiddenLink {
  kind: CorrelationKind;
  deconflictionId: string | null;
  /** Whom to ask: the other taskforce's liaison (or, without one, its coordinator). */
  contact: Contact | null;
}

export interface Contact {
  displayName: string;
  email: string;
  agency: string;
}

export interface ClueCorrelations {
  visible: VisibleLink[];
  /** At most one per kind: that a match exists and whom to ask, nothing more (no count, value or date). */
  hidden: HiddenLink[];
}

interface LinkRow {
  clueId: string;
  otherClueId: string;
  otherCaseId: string;
  otherTaskforceId: string;
  kind: CorrelationKind;
  score: number;
  /** The score without either clue's weight (the kind's strength, a near value's times its similarity). */
  strength: number;
  own: ItemVisibility & { id: string };
  other: ItemVisibility & { id: string; value: string; categoryKey: string };
  caseReference: string;
  deconflictionId: string | null;
  deconflictionStatus: string | null;
  deconflictionCreatedAt: Date | null;
}

type RawLinkRow = Omit<LinkRow, "own" | "other"> & Record<string, unknown>;

function evaluationColumns(alias: string, prefix: string) {
  const a = Prisma.raw(`"${alias}"`);
  const p = (name: string) => Prisma.raw(`"${prefix}_${name}"`);
  return Prisma.sql`${a}."confidence"::text AS ${p("confidence")}, ${a}."sourceReliability"::text AS ${p("sourceReliability")}, ${a}."infoAssessment"::text AS ${p("infoAssessment")}`;
}

function visibilityColumns(alias: string, prefix: string) {
  const a = Prisma.raw(`"${alias}"`);
  const p = (name: string) => Prisma.raw(`"${prefix}_${name}"`);
  return Prisma.sql`${a}."taskforceId" AS ${p("taskforceId")}, ${a}."handlingCode"::text AS ${p("handlingCode")}, ${a}."authorId" AS ${p("authorId")},
    ${a}."authorAgency" AS ${p("authorAgency")}, ${a}."reviewState"::text AS ${p("reviewState")},
    COALESCE(ARRAY(SELECT r."userId" FROM "ClueRecipient" r WHERE r."clueId" = ${a}."id"), '{}') AS ${p("recipientIds")}`;
}

function unpack(raw: RawLinkRow): LinkRow {
  const pick = (prefix: string) =>
    itemVisibility({
      taskforceId: raw[`${prefix}_taskforceId`] as string,
      handlingCode: raw[`${prefix}_handlingCode`] as ItemVisibility["handlingCode"],
      authorId: raw[`${prefix}_authorId`] as string,
      authorAgency: raw[`${prefix}_authorAgency`] as string,
      reviewState: raw[`${prefix}_reviewState`] as ItemVisibility["reviewState"],
      recipientIds: raw[`${prefix}_recipientIds`] as string[],
    });
  return {
    clueId: raw.clueId,
    otherClueId: raw.otherClueId,
    otherCaseId: raw.otherCaseId,
    otherTaskforceId: raw.otherTaskforceId,
    kind: raw.kind,
    score: Number(raw.score),
    strength: strengthOf(raw.kind, Number(raw.score), raw),
    caseReference: raw.caseReference,
    deconflictionId: raw.deconflictionId,
    deconflictionStatus: raw.deconflictionStatus,
    deconflictionCreatedAt: raw.deconflictionCreatedAt === null ? null : new Date(raw.deconflictionCreatedAt),
    own: { id: raw.clueId, ...pick("own") },
    other: { id: raw.otherClueId, value: raw.other_value as string, categoryKey: raw.other_categoryKey as string, ...pick("other") },
  };
}

/**
 * What a link says of the two values alone: its kind's strength, and a near value's similarity (its score divided
 * by both clues' weight, linkScore's inverse, to two decimals: the stored score's rounding, magnified by small
 * weights, must not show through).
 */
function strengthOf(kind: CorrelationKind, score: number, raw: RawLinkRow): number {
  if (kind !== "NEAR") return KIND_STRENGTH[kind];
  const weight = (prefix: string) =>
    clueWeight({ confidence: raw[`${prefix}_confidence`] as string, sourceReliability: raw[`${prefix}_sourceReliability`] as string, infoAssessment: raw[`${prefix}_infoAssessment`] as string });
  const weights = Math.sqrt(weight("own") * weight("other"));
  return weights > 0 ? Math.min(KIND_STRENGTH.NEAR, Math.round((score / weights) * 100) / 100) : 0;
}

/** The links from these clues (the strongest first), with both clues' visibility and the pair's de-confliction. */
async function linkRows(where: Prisma.Sql, limit: number): Promise<LinkRow[]> {
  const rows = await prisma.$queryRaw<RawLinkRow[]>`
    SELECT l."clueId", l."otherClueId", l."otherCaseId", l."otherTaskforceId", l."kind", l."score",
      ${visibilityColumns("c", "own")}, ${visibilityColumns("o", "other")}, o."value" AS "other_value", o."categoryKey" AS "other_categoryKey",
      ${evaluationColumns("c", "own")}, ${evaluationColumns("o", "other")},
      oc."reference" AS "caseReference", d."id" AS "deconflictionId", d."status"::text AS "deconflictionStatus", d."createdAt" AS "deconflictionCreatedAt"
    FROM "ClueLink" l
    JOIN "Clue" c ON c."id" = l."clueId"
    JOIN "Clue" o ON o."id" = l."otherClueId"
    JOIN "Case" oc ON oc."id" = l."otherCaseId"
    LEFT JOIN "Deconfliction" d ON (d."clueAId" = l."clueId" AND d."clueBId" = l."otherClueId") OR (d."clueAId" = l."otherClueId" AND d."clueBId" = l."clueId")
    WHERE ${where}
    ORDER BY l."score" DESC, l."otherClueId"
    LIMIT ${limit}`;
  return rows.map(unpack);
}

/** Whom to ask in each taskforce: its first liaison by name, else its first coordinator. */
export async function contactsOf(taskforceIds: string[]): Promise<Map<string, Contact>> {
  if (taskforceIds.length === 0) return new Map();
  const rows = await prisma.$queryRaw<(Contact & { taskforceId: string })[]>`
    SELECT DISTINCT ON (m."taskforceId") m."taskforceId", u."displayName", u."email", u."agency"
    FROM "TaskforceMember" m JOIN "User" u ON u."id" = m."userId"
    WHERE m."taskforceId" IN (${Prisma.join(taskforceIds)}) AND u."status" = 'ACTIVE' AND u."role" IN ('LIAISON', 'COORDINATOR')
    ORDER BY m."taskforceId", (u."role" = 'LIAISON') DESC, u."displayName", u."id"`;
  return new Map(rows.map(({ taskforceId, ...contact }) => [taskforceId, contact]));
}

/** How the reader sees one link: visible (they may see both clues, or a de-confliction disclosed it) or hidden. */
function classify(actor: Actor, row: LinkRow): "visible" | "disclosed" | "hidden" | "none" {
  if (!canSeeItem(actor, row.own)) return "none";
  if (canSeeItem(actor, row.other)) return "visible";
  return row.deconflictionStatus === "ACCEPTED" ? "disclosed" : "hidden";
}

function toVisible(row: LinkRow, disclosed: boolean): VisibleLink {
  return {
    clueId: row.otherClueId,
    caseId: row.otherCaseId,
    kind: row.kind,
    // A disclosed link says which clue and whom to ask, not how the other side evaluated it: its score with
    // both weights would let the reader solve for the other clue's confidence and evaluation, and watch them.
    score: disclosed ? row.strength : row.score,
    caseReference: row.caseReference,
    value: disclosed ? null : row.other.value,
    categoryKey: disclosed ? null : row.other.categoryKey,
    disclosed,
    deconflictionId: row.deconflictionId,
  };
}

/** Whether `row` stands for its kind before `other`: the older de-confliction first, then by id. */
function representsBefore(row: LinkRow, other: LinkRow): boolean {
  if (row.deconflictionCreatedAt === null || other.deconflictionCreatedAt === null) return row.deconflictionCreatedAt !== null && other.deconflictionCreatedAt === null;
  const age = row.deconflictionCreatedAt.getTime() - other.deconflictionCreatedAt.getTime();
  return age < 0 || (age === 0 && (row.deconflictionId ?? "") < (other.deconflictionId ?? ""));
}

/** Hidden links, one per kind (see hiddenPerKind for which), each with whom to ask. */
async function hiddenPerKind(rows: LinkRow[]): Promise<HiddenLink[]> {
  // Per kind, the link of the oldest de-confliction (then one with none: the same taskforce's): not the strongest,
  // which changes as clues are saved and edited on the other side, and would show it to whoever polls.
  const first = new Map<CorrelationKind, LinkRow>();
  for (const row of rows) {
    const current = first.get(row.kind);
    if (!current || representsBefore(row, current)) first.set(row.kind, row);
  }
  const contacts = await contactsOf([...new Set([...first.values()].map((row) => row.otherTaskforceId))]);
  return [...first.values()]
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind])
    .map((row) => ({ kind: row.kind, deconflictionId: row.deconflictionId, contact: contacts.get(row.otherTaskforceId) ?? null }));
}

/** The links of a clue the actor may see (404 for a clue they may not see), audited as a read. */
export async function getClueCorrelations(actor: Actor, clueId: string): Promise<ClueCorrelations> {
  const clue = await prisma.clue.findUnique({ where: { id: clueId }, include: { recipients: { select: { userId: true } } } });
  if (!clue || !canSeeItem(actor, itemVisibility(clue))) throw new NotFoundError("Clue not found.");
  requirePermission(actor, "clue:read", { type: "clue", ...itemVisibility(clue) });
  const rows = await linkRows(Prisma.sql`l."clueId" = ${clueId}`, correlationSettings().maxLinks);
  const visible: VisibleLink[] = [];
  const hidden: LinkRow[] = [];
  for (const row of rows) {
    const seen = classify(actor, row);
    if (seen === "visible" || seen === "disclosed") visible.push(toVisible(row, seen === "disclosed"));
    else if (seen === "hidden") hidden.push(row);
  }
  const result = { visible, hidden: await hiddenPerKind(hidden) };
  await auditRead(actor, {
    action: "correlation.read",
    itemType: "CLUE",
    itemId: clueId,
    taskforceId: clue.taskforceId,
    caseId: clue.caseId,
    details: { visible: visible.length, hiddenKinds: result.hidden.map((link) => link.kind) },
  });
  return result;
}

export interface LinkedCase {
  caseId: string;
  caseReference: string;
  /** How many links the reader may see between the two cases. */
  links: number;
  kinds: CorrelationKind[];
  /** The strongest of them. */
  score: number;
  disclosed: boolean;
}

export interface CaseCorrelations {
  visible: LinkedCase[];
  hidden: HiddenLink[];
}

/** The most links of one case read for its panel: the strongest first. */
const CASE_LINKS_READ = 2_000;

/** The cases linked to a case through clues the actor may see, aggregated per case; hidden ones as for a clue. */
export async function getCaseCorrelations(actor: Actor, caseId: string): Promise<CaseCorrelations> {
  const kase = await loadVisibleCase(actor, caseId);
  requirePermission(actor, "case:read", { type: "case", taskforceId: kase.taskforceId });
  const rows = await linkRows(Prisma.sql`l."caseId" = ${caseId}`, CASE_LINKS_READ);
  const cases = new Map<string, LinkedCase>();
  const hidden: LinkRow[] = [];
  for (const row of rows) {
    const seen = classify(actor, row);
    if (seen === "hidden") hidden.push(row);
    if (seen !== "visible" && seen !== "disclosed") continue;
    const entry = cases.get(row.otherCaseId) ?? { caseId: row.otherCaseId, caseReference: row.caseReference, links: 0, kinds: [], score: 0, disclosed: seen === "disclosed" };
    entry.links += 1;
    if (!entry.kinds.includes(row.kind)) entry.kinds.push(row.kind);
    entry.kinds.sort((a, b) => KIND_ORDER[a] - KIND_ORDER[b]);
    entry.score = Math.max(entry.score, seen === "disclosed" ? row.strength : row.score);
    entry.disclosed &&= seen === "disclosed";
    cases.set(row.otherCaseId, entry);
  }
  const result = { visible: [...cases.values()].sort((a, b) => b.score - a.score), hidden: await hiddenPerKind(hidden) };
  await auditRead(actor, {
    action: "correlation.read",
    itemType: "CASE",
    itemId: caseId,
    taskforceId: kase.taskforceId,
    caseId,
    details: { cases: result.visible.length, hiddenKinds: result.hidden.map((link) => link.kind) },
  });
  return result;
}

// ---- the API's shapes (issue 13: exactly these fields) -------------------------------------------------------

export function clueCorrelationsBody(result: ClueCorrelations) {
  return {
    data: {
      visible: result.visible.map(({ clueId, caseId, kind, score }) => ({ clueId, caseId, kind, score })),
      hidden: result.hidden.map(({ kind, deconflictionId }) => ({ kind, deconflictionId })),
    },
  };
}

export function caseCorrelationsBody(result: CaseCorrelations) {
  return {
    data: {
      visible: result.visible.map(({ caseId, links, kinds, score }) => ({ caseId, links, kinds, score })),
      hidden: result.hidden.map(({ kind, deconflictionId }) => ({ kind, deconflictionId })),
    },
  };
}

// ---- the over-correlation guard, as an administrator manages it ------------------------------------------------

export interface StoppedValue {
  kind: CorrelationKind;
  categoryKey: string;
  key: string;
  reason: "COMMON" | "EXCLUDED";
  caseCount: number;
  markedAt: string | null;
}

/** The values that no longer link (common or excluded), newest first: for administrators only. */
export async function listStoppedValues(actor: Actor, take = 200): Promise<StoppedValue[]> {
  requirePermission(actor, "correlation:manage", { type: "administration" });
  const rows = await prisma.correlationValue.findMany({ where: { reason: { not: null } }, orderBy: [{ markedAt: "desc" }], take });
  await auditRead(actor, { action: "correlation.values_list", details: { count: rows.length } });
  return rows.map((row) => ({ kind: row.kind, categoryKey: row.categoryKey, key: row.key, reason: row.reason as StoppedValue["reason"], caseCount: row.caseCount, markedAt: row.markedAt?.toISOString() ?? null }));
}

/** The key an administrator means: a value normalised as its category's clues are, or a media hash id as stored. */
export function exclusionKey(input: { kind: "VALUE" | "HASH"; categoryKey: string; value: string }): CorrelationKey {
  if (input.kind === "VALUE") return { kind: "VALUE", categoryKey: input.categoryKey, key: correlationKeysOf({ categoryKey: input.categoryKey, value: input.value, mediaRefs: [] })[0]?.key ?? "" };
  const [algorithm, ...rest] = input.value.split(":");
  const id = rest.join(":").trim();
  const hex = ["MD5", "SHA1", "SHA256", "SHA512"].includes(algorithm.toUpperCase());
  return { kind: "HASH", categoryKey: "", key: `${algorithm.toUpperCase()}:${hex ? id.toLowerCase() : id.toUpperCase()}` };
}

/** Excludes a value from correlation: it stops linking and its links go at once. Audited. */
export async function excludeValue(actor: Actor, input: { kind: "VALUE" | "HASH"; categoryKey: string; value: string }): Promise<{ key: CorrelationKey; linksRemoved: number }> {
  requirePermission(actor, "correlation:manage", { type: "administration" });
  const key = exclusionKey(input);
  if (key.kind === "VALUE" && !(await prisma.clueCategory.findUnique({ where: { key: key.categoryKey }, select: { key: true } }))) {
    throw new ValidationError({ categoryKey: ["There is no such category: choose one from the list."] });
  }
  return writeChange(actor, async (ctx) => {
    const linksRemoved = await markValue(ctx.tx, key, "EXCLUDED", 0, actor.id, new Set());
    await ctx.audit({ action: "correlation.exclude", itemType: "CORRELATION_VALUE", details: { kind: key.kind, categoryKey: key.categoryKey, key: key.key, linksRemoved } });
    return { key, linksRemoved };
  });
}

/** Lets an excluded or common value link again, from the next save of a clue holding it. Audited. */
export async function includeValue(actor: Actor, key: CorrelationKey): Promise<void> {
  requirePermission(actor, "correlation:manage", { type: "administration" });
  await writeChange(actor, async (ctx) => {
    const { count } = await ctx.tx.correlationValue.updateMany({
      where: { kind: key.kind, categoryKey: key.categoryKey, key: key.key, reason: { not: null } },
      data: { reason: null, caseCount: 0, markedAt: null, excludedById: null },
    });
    if (count === 0) throw new ValidationError({ key: ["This value is neither excluded nor common: it links already."] });
    await ctx.audit({ action: "correlation.include", itemType: "CORRELATION_VALUE", details: { kind: key.kind, categoryKey: key.categoryKey, key: key.key } });
  });
}
