// Clues as clients receive them: the row with its media references, category, recipients, 4x4 evaluation and
// author. Shared by clues, the leads that cite them and search, so none of them imports another's writes.
import { Prisma, type Clue } from "@prisma/client";
import { prisma, readSql, rowCount, type Tx } from "~/db.server";
import { facetValueOut, LIST_FACET_TYPES } from "~/validation/facets";
import { userRefOf, userRefs, type UserRef } from "./users.server";

export const clueInclude = {
  mediaRefs: { select: { id: true, algorithm: true, value: true }, orderBy: { id: "asc" } },
  recipients: { select: { userId: true } },
  category: { select: { key: true, label: true } },
  facets: { select: { type: true, value: true }, orderBy: { id: "asc" } },
} satisfies Prisma.ClueInclude;
export type ClueRow = Prisma.ClueGetPayload<{ include: typeof clueInclude }>;

/** A clue as clients receive it. */
export interface ClueView extends Omit<Clue, never> {
  category: { key: string; label: string };
  mediaRefs: { id: string; algorithm: string; value: string }[];
  recipientIds: string[];
  /** Typed facets (issue 14); list facets (productSoldIn) as arrays. */
  facets: ClueFacetView[];
  evaluation: { sourceReliability: string; infoAssessment: number };
  author: UserRef | null;
}

export interface ClueFacetView {
  type: string;
  value: string | string[];
}

function facetViews(facets: { type: string; value: string }[]): ClueFacetView[] {
  return facets.map(({ type, value }) => ({ type, value: facetValueOut(type, value) }));
}

export function infoAssessmentNumber(value: string): number {
  return Number(value.replace(/^I/, ""));
}

export function toClueView(row: ClueRow, users: Map<string, UserRef>): ClueView {
  const { recipients, facets, ...rest } = row;
  return {
    ...rest,
    facets: facetViews(facets),
    recipientIds: recipients.map((recipient) => recipient.userId),
    evaluation: { sourceReliability: row.sourceReliability, infoAssessment: infoAssessmentNumber(row.infoAssessment) },
    author: userRefOf(users, row.authorId),
  };
}

export async function toClueViews(rows: ClueRow[], client: Tx | typeof prisma = prisma): Promise<ClueView[]> {
  const users = await userRefs(rows.map((row) => row.authorId), client);
  return rows.map((row) => toClueView(row, users));
}

export type ClueViewRow = Omit<ClueView, "evaluation" | "author" | "createdAt" | "updatedAt" | "facets"> & {
  author: UserRef | null;
  createdAtMs: number;
  updatedAtMs: number;
  /** As stored (list facets comma-separated): facetViews turns them into the API's values. */
  facets: { type: string; value: string }[];
};

/** A clue's category, media references, recipients and author as JSON (alias "c", its category "cat"). */
const categoryJson = Prisma.sql`json_build_object('key', cat."key", 'label', cat."label")`;
const mediaRefsJson = Prisma.sql`COALESCE((SELECT json_agg(json_build_object('id', m."id", 'algorithm', m."algorithm", 'value', m."value") ORDER BY m."id")
        FROM "ClueMediaRef" m WHERE m."clueId" = c."id"), '[]')`;
const recipientIdsJson = Prisma.sql`COALESCE((SELECT json_agg(r."userId") FROM "ClueRecipient" r WHERE r."clueId" = c."id"), '[]')`;
/** Null when the author no longer resolves (the views then name them "Unknown user"). */
const authorJson = Prisma.sql`(SELECT json_build_object('id', u."id", 'displayName', u."displayName", 'email', u."email", 'agency', u."agency", 'role', u."role")
        FROM "User" u WHERE u."id" = c."authorId")`;

/**
 * The select list of a ClueView over `"Clue" c JOIN "ClueCategory" cat ON cat."key" = c."categoryKey"`: the row
 * with its media references, recipients, facets, category and author folded in as JSON (read with toClueViewRows).
 */
export const clueViewColumns = Prisma.sql`c."id", c."caseId", c."taskforceId", c."authorId", c."authorAgency", c."categoryKey", c."value", c."detail",
      c."confidence"::text AS "confidence", c."handlingCode"::text AS "handlingCode",
      c."sourceReliability"::text AS "sourceReliability", c."infoAssessment"::text AS "infoAssessment",
      c."reviewState"::text AS "reviewState", c."version",
      (EXTRACT(EPOCH FROM c."createdAt") * 1000)::float8 AS "createdAtMs", (EXTRACT(EPOCH FROM c."updatedAt") * 1000)::float8 AS "updatedAtMs",
      ${categoryJson} AS "category", ${mediaRefsJson} AS "mediaRefs", ${recipientIdsJson} AS "recipientIds",
      COALESCE((SELECT json_agg(json_build_object('type', f."type", 'value', f."value") ORDER BY f."id")
        FROM "ClueFacet" f WHERE f."clueId" = c."id"), '[]') AS "facets",
      ${authorJson} AS "author"`;

/** Rows selected with clueViewColumns as ClueViews (a caller's own further columns are its to read). */
export function toClueViewRows(rows: ClueViewRow[]): ClueView[] {
  const unknownAuthors = new Map<string, UserRef>();
  return rows.map((row) => clueViewOfRow(row, unknownAuthors));
}

/**
 * One row as a ClueView, every field named in one object literal: one shape for every view, on which the hot
 * path's allocation and JSON.stringify are cheaper than on a copy spread from the driver's row (decision 025).
 */
function clueViewOfRow(row: ClueViewRow, unknownAuthors: Map<string, UserRef>): ClueView {
  return {
    id: row.id,
    caseId: row.caseId,
    taskforceId: row.taskforceId,
    authorId: row.authorId,
    authorAgency: row.authorAgency,
    categoryKey: row.categoryKey,
    value: row.value,
    detail: row.detail,
    confidence: row.confidence,
    handlingCode: row.handlingCode,
    sourceReliability: row.sourceReliability,
    infoAssessment: row.infoAssessment,
    reviewState: row.reviewState,
    version: row.version,
    category: row.category,
    mediaRefs: row.mediaRefs,
    recipientIds: row.recipientIds,
    facets: facetViews(row.facets),
    author: row.author ?? userRefOf(unknownAuthors, row.authorId),
    // Instants arrive as milliseconds since the epoch (the columns hold UTC): a number becomes a Date far more
    // cheaply than the driver parses a timestamp's text, twice per clue (decision 018).
    createdAt: new Date(row.createdAtMs),
    updatedAt: new Date(row.updatedAtMs),
    evaluation: { sourceReliability: row.sourceReliability, infoAssessment: infoAssessmentNumber(row.infoAssessment) },
  };
}

/**
 * The clue views of the rows that `where` selects (alias "c"), newest first, at most `limit`: one round trip in
 * plain SQL with the media references, recipients, category and author folded in, instead of four queries
 * through the ORM. The clue list's hot path (decision 011); the same views as toClueViews.
 */
export async function selectClueViews(where: Prisma.Sql, limit: number): Promise<ClueView[]> {
  return toClueViewRows(await readSql<ClueViewRow>(newestClueViews(where, limit)));
}

/** The SELECT of the clue views that `where` selects (alias "c"), newest first, at most `limit`. */
function newestClueViews(where: Prisma.Sql, limit: number): Prisma.Sql {
  return Prisma.sql`
    SELECT ${clueViewColumns}
    FROM "Clue" c JOIN "ClueCategory" cat ON cat."key" = c."categoryKey"
    WHERE ${where}
    ORDER BY c."createdAt" DESC, c."id" DESC
    LIMIT ${rowCount(limit)}`;
}

/**
 * The case's taskforce (null: no such case) and, in the same statement, the clue views of that case that `where`
 * selects (alias "c"), newest first, at most `limit`: the case's entry check and a page of its clues in one
 * round trip (decision 025). The caller makes the entry check before it uses the views.
 */
export async function selectCaseClueViews(caseId: string, where: Prisma.Sql, limit: number): Promise<{ caseTaskforceId: string | null; views: ClueView[] }> {
  // Each clue comes back as one JSON value, not 21 columns: the driver's per-column work was most of its cost
  // on the clue list (decision 025). Its fields are clueViewColumns', read by toClueViewRows as always.
  const rows = await readSql<{ caseTaskforceId: string; view: ClueViewRow | null }>(Prisma.sql`
    SELECT k."taskforceId" AS "caseTaskforceId", row_to_json(p) AS "view"
    FROM "Case" k
    LEFT JOIN LATERAL (${newestClueViews(Prisma.sql`c."caseId" = k."id" AND ${where}`, limit)}) p ON true
    WHERE k."id" = ${caseId}`);
  if (rows.length === 0) return { caseTaskforceId: null, views: [] };
  return { caseTaskforceId: rows[0].caseTaskforceId, views: toClueViewRows(rows.flatMap((row) => (row.view ? [row.view] : []))) };
}

/**
 * A clue view as JSON built by PostgreSQL over `"Clue" c JOIN "ClueCategory" cat`: the same value as
 * JSON.stringify(clueViewOfRow(…)) (a test compares them), for the API's clue list (decision 027).
 */
const clueViewJson = Prisma.sql`json_build_object(
      'id', c."id", 'caseId', c."caseId", 'taskforceId', c."taskforceId", 'authorId', c."authorId", 'authorAgency', c."authorAgency",
      'categoryKey', c."categoryKey", 'value', c."value", 'detail', c."detail", 'confidence', c."confidence"::text,
      'handlingCode', c."handlingCode"::text, 'sourceReliability', c."sourceReliability"::text, 'infoAssessment', c."infoAssessment"::text,
      'reviewState', c."reviewState"::text, 'version', c."version",
      'category', ${categoryJson}, 'mediaRefs', ${mediaRefsJson}, 'recipientIds', ${recipientIdsJson},
      'facets', COALESCE((SELECT json_agg(json_build_object('type', f."type", 'value',
          CASE WHEN f."type" IN (${Prisma.join([...LIST_FACET_TYPES])}) THEN to_json(array_remove(string_to_array(f."value", ','), '')) ELSE to_json(f."value") END)
          ORDER BY f."id") FROM "ClueFacet" f WHERE f."clueId" = c."id"), '[]'),
      'author', COALESCE(${authorJson}, json_build_object('id', c."authorId", 'displayName', 'Unknown user', 'email', '', 'agency', '', 'role', '')),
      'createdAt', to_char(c."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'updatedAt', to_char(c."updatedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'evaluation', json_build_object('sourceReliability', c."sourceReliability"::text, 'infoAssessment', substr(c."infoAssessment"::text, 2)::int))`;

export interface CaseClueViewsJson {
  /** Null: no such case. */
  caseTaskforceId: string | null;
  /** The page's views, newest first, as a JSON array's text. */
  itemsJson: string;
  count: number;
  /** The page's last clue, when a clue after it exists (what the next page's cursor is made of). */
  nextAfter: { createdAt: Date; id: string } | null;
}

/**
 * selectCaseClueViews for the API: the case's taskforce and the page of `take` views (plus whether one more
 * exists) in one statement, the views as one JSON text written by PostgreSQL. The driver reads one string, and
 * the API sends it on: no JSON.parse of 50 rows and no JSON.stringify of 40 KB in the serving process.
 */
export async function selectCaseClueViewsJson(caseId: string, where: Prisma.Sql, take: number): Promise<CaseClueViewsJson> {
  const rows = await readSql<{ caseTaskforceId: string; itemsJson: string | null; found: number | null; lastId: string | null; lastMs: number | null }>(Prisma.sql`
    SELECT k."taskforceId" AS "caseTaskforceId", p."itemsJson", p."found", p."lastId", p."lastMs"
    FROM "Case" k
    LEFT JOIN LATERAL (
      SELECT COALESCE(json_agg(w."view" ORDER BY w."n") FILTER (WHERE w."n" <= ${take}), '[]')::text AS "itemsJson", count(*)::int AS "found",
        max(w."id") FILTER (WHERE w."n" = ${take}) AS "lastId", max(w."ms") FILTER (WHERE w."n" = ${take}) AS "lastMs"
      FROM (
        SELECT row_number() OVER (ORDER BY c."createdAt" DESC, c."id" DESC) AS "n", c."id", (EXTRACT(EPOCH FROM c."createdAt") * 1000)::float8 AS "ms",
          ${clueViewJson} AS "view"
        FROM "Clue" c JOIN "ClueCategory" cat ON cat."key" = c."categoryKey"
        WHERE c."caseId" = k."id" AND ${where}
        ORDER BY c."createdAt" DESC, c."id" DESC
        LIMIT ${rowCount(take + 1)}
      ) w
    ) p ON true
    WHERE k."id" = ${caseId}`);
  const row = rows[0];
  if (!row) return { caseTaskforceId: null, itemsJson: "[]", count: 0, nextAfter: null };
  const found = row.found ?? 0;
  const nextAfter = found > take && row.lastId !== null && row.lastMs !== null ? { createdAt: new Date(row.lastMs), id: row.lastId } : null;
  return { caseTaskforceId: row.caseTaskforceId, itemsJson: row.itemsJson ?? "[]", count: Math.min(found, take), nextAfter };
}
