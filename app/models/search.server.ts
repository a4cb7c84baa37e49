// Search across the clues and leads a user may see: PostgreSQL full text ('simple' config) and ILIKE (trigram
// index) for exact matches, pg_trgm word similarity for near-misses when nothing matches exactly. Visibility is
// applied twice: an SQL fragment equivalent to visibleCluesWhere/visibleLeadsWhere (so LIMIT counts only visible
// rows; a test proves they agree; it lives in app/auth/permissions.server.ts) and again on the ids found.
import { Prisma } from "@prisma/client";
import { visibleItemsSql, visibleLeadsWhere, type Actor } from "~/auth/permissions.server";
import { prisma, readSql } from "~/db.server";
import { endOfDay } from "~/utils/dates";
import type { SearchQuery } from "~/validation/search";
import { auditRead } from "./changes.server";
import { selectClueViews, type ClueView } from "./clue-views.server";
import { userRefOf, userRefs, type UserRef } from "./users.server";

export interface ClueHit extends ClueView {
  caseReference: string;
  caseTitle: string;
  rank: number;
}

export interface LeadHit {
  id: string;
  caseId: string;
  caseReference: string;
  caseTitle: string;
  title: string;
  hypothesis: string;
  status: string;
  priority: string;
  handlingCode: string;
  reviewState: string;
  authorId: string;
  author: UserRef | null;
  createdAt: Date;
  updatedAt: Date;
  rank: number;
}

export interface SearchResults {
  clues: ClueHit[];
  leads: LeadHit[];
  /** Per kind: how many matches were ranked and whether older ones were left out. */
  ranking: { clues: RankingNote; leads: RankingNote };
}

const DEFAULT_TAKE = 50;

/** Prefix query over the words of q ("sock typ" finds "socket type"); only letters and digits reach to_tsquery. */
function prefixTsQuery(q: string): string | null {
  const words = (q.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 12);
  return words.length ? words.map((word) => `${word.toLowerCase()}:*`).join(" & ") : null;
}

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

function commonFilters(alias: string, query: SearchQuery): Prisma.Sql[] {
  const a = Prisma.raw(`"${alias}"`);
  const filters: Prisma.Sql[] = [];
  if (query.caseId) filters.push(Prisma.sql`${a}."caseId" = ${query.caseId}`);
  if (query.taskforceId) filters.push(Prisma.sql`${a}."taskforceId" = ${query.taskforceId}`);
  if (query.handlingCode) filters.push(Prisma.sql`${a}."handlingCode"::text = ${query.handlingCode}`);
  if (query.authorId) filters.push(Prisma.sql`${a}."authorId" = ${query.authorId}`);
  if (query.from) filters.push(Prisma.sql`${a}."createdAt" >= ${new Date(query.from)}`);
  if (query.to) filters.push(Prisma.sql`${a}."createdAt" <= ${endOfDay(query.to)}`);
  return filters;
}

function and(parts: Prisma.Sql[]): Prisma.Sql {
  return parts.length ? Prisma.join(parts, " AND ") : Prisma.sql`TRUE`;
}

/** How many of the newest matches are ranked: enough for a useful best-of, few enough to rank in milliseconds. */
export const SEARCH_CANDIDATES = 2000;

/** What the ranking looked at, so the result can say it ("best of the most recent 2,000 matches"). */
export interface RankingNote {
  /** True when the matches ranked were the newest SEARCH_CANDIDATES and older matches may exist. */
  bounded: boolean;
  /** How many matches were ranked. */
  candidates: number;
  explanation: string;
}

interface Found {
  hits: { id: string; rank: number }[];
  candidates: number;
  /** How the candidates were found; "fuzzy" means nothing matched exactly and these are similar values. */
  strategy: Strategy;
}

/** How each kind is searched: its table, the text ILIKE looks in, and the column trigram similarity uses. */
const SEARCHED = {
  clue: { table: `"Clue"`, alias: "c", substringColumns: ["value"], similarColumn: "value", fuzzyMatch: true },
  lead: { table: `"Lead"`, alias: "l", substringColumns: ["title", "hypothesis"], similarColumn: "title", fuzzyMatch: false },
} as const;

/** How many of the newest visible rows are sampled to tell a common word from a rare one. */
export const DENSITY_SAMPLE = 500;
/** A word matching at least this share of the sample is common: walking newest first finds its bound soon. */
const COMMON_SHARE = 0.05;
/** When nothing matches exactly, similar values (a typo) are looked for among this many of the newest rows. */
export const FUZZY_WINDOW = 2_000;
/**
 * pg_trgm word_similarity (the query against the closest stretch of the value, so a word inside a long clue
 * counts): 0.4 takes one or two wrong letters in a word ("Lindquist" for "Lindqvist" is 0.54) and leaves
 * unrelated values out (under 0.2).
 */
const FUZZY_WORD_SIMILARITY = 0.4;

type SearchedKind = (typeof SEARCHED)[keyof typeof SEARCHED];
type Strategy = "walk" | "indexes" | "fuzzy";

/**
 * The newest `limit` visible matches, then the best `take` of those by rank; the work is bounded by `limit` and
 * the sample, not by the table (decision 008). A sample of the newest rows tells which bounded plan fits the
 * words: a common word walks the (taskforceId, createdAt) indexes newest first and stops at `limit` matches; a
 * rare one (or none) is collected whole from the text indexes, which hold only its few rows. Only when nothing
 * matches exactly are similar values (trigram similarity: typos) looked for, among the newest FUZZY_WINDOW rows:
 * the trigram index would have to recheck every row sharing a common trigram, which grows with the table.
 */
async function rankNewestMatches(actor: Actor, kind: "clue" | "lead", conditions: Prisma.Sql[], q: string, limit: number, take: number): Promise<Found> {
  if (actor.taskforceIds.size === 0) return { hits: [], candidates: 0, strategy: "indexes" };
  const searched = SEARCHED[kind];
  const a = Prisma.raw(`"${searched.alias}"`);
  const where = [visibleItemsSql(actor, kind, searched.alias), ...conditions];
  if (!q) return rankCandidates(actor, searched, newestMatching(actor, searched, where, limit), Prisma.sql`0`, take, "walk");
  const tsq = prefixTsQuery(q);
  // Cheapest test first: walking the newest rows, PostgreSQL evaluates them in this order on each row.
  const exactParts = searched.substringColumns.map((column) => Prisma.sql`${a}.${Prisma.raw(`"${column}"`)} ILIKE ${likePattern(q)}`);
  if (tsq) exactParts.push(Prisma.sql`${a}."searchVector" @@ to_tsquery('simple', ${tsq})`);
  const exact = Prisma.sql`(${Prisma.join(exactParts, " OR ")})`;
  const similar = Prisma.raw(`"${searched.similarColumn}"`);
  const rank = tsq
    ? Prisma.sql`ts_rank("m"."searchVector", to_tsquery('simple', ${tsq})) + similarity("m".${similar}, ${q})`
    : Prisma.sql`similarity("m".${similar}, ${q})`;

  const common = await isCommon(actor, searched, where, exact);
  const found = common
    ? await rankCandidates(actor, searched, newestMatching(actor, searched, [...where, exact], limit), rank, take, "walk")
    : await rankCandidates(actor, searched, indexedMatches(searched, [...where, exact], limit), rank, take, "indexes");
  if (found.candidates > 0 || !searched.fuzzyMatch) return found;
  const recent = newestMatching(actor, searched, where, FUZZY_WINDOW);
  const fuzzy = Prisma.sql`SELECT * FROM (${recent}) AS "r" WHERE word_similarity(${q}, "r".${similar}) >= ${FUZZY_WORD_SIMILARITY}
    ORDER BY "createdAt" DESC, "id" DESC LIMIT ${limit}`;
  return rankCandidates(actor, searched, fuzzy, rank, take, "fuzzy");
}

/** What matching and ranking read of each candidate. */
function candidateColumns(searched: SearchedKind, a: Prisma.Sql): Prisma.Sql {
  const texts = [...new Set<string>([searched.similarColumn, ...searched.substringColumns])];
  return Prisma.join([Prisma.sql`${a}."id"`, Prisma.sql`${a}."createdAt"`, Prisma.sql`${a}."searchVector"`, ...texts.map((column) => Prisma.sql`${a}.${Prisma.raw(`"${column}"`)}`)]);
}

/**
 * The newest `limit` rows meeting `where`, newest first: one branch per taskforce of the actor, each walking
 * that taskforce's (taskforceId, createdAt) index; Merge Append pulls from the branches lazily, so each walks
 * only as far back as the overall `limit` reaches. The branches only partition: each applies all of `where`.
 */
function newestMatching(actor: Actor, searched: SearchedKind, where: Prisma.Sql[], limit: number): Prisma.Sql {
  const a = Prisma.raw(`"${searched.alias}"`);
  const branches = [...actor.taskforceIds].map(
    (taskforceId) => Prisma.sql`(SELECT ${candidateColumns(searched, a)}
      FROM ${Prisma.raw(searched.table)} ${a} WHERE ${a}."taskforceId" = ${taskforceId} AND ${and(where)}
      ORDER BY ${a}."createdAt" DESC, ${a}."id" DESC LIMIT ${limit})`,
  );
  return Prisma.sql`SELECT * FROM (${Prisma.join(branches, " UNION ALL ")}) AS "b" ORDER BY "createdAt" DESC, "id" DESC LIMIT ${limit}`;
}

/**
 * Every row meeting `where` (a rare word's few), newest `limit` of them. MATERIALIZED and unordered inside, so
 * PostgreSQL collects them from the text indexes instead of walking the newest rows to find them.
 */
function indexedMatches(searched: SearchedKind, where: Prisma.Sql[], limit: number): Prisma.Sql {
  const a = Prisma.raw(`"${searched.alias}"`);
  return Prisma.sql`SELECT * FROM (
    WITH "hits" AS MATERIALIZED (SELECT ${candidateColumns(searched, a)} FROM ${Prisma.raw(searched.table)} ${a} WHERE ${and(where)})
    SELECT * FROM "hits") AS "h" ORDER BY "createdAt" DESC, "id" DESC LIMIT ${limit}`;
}

/** Whether the words match at least COMMON_SHARE of the newest DENSITY_SAMPLE visible rows (a small set counts as common: walking it is cheap). */
async function isCommon(actor: Actor, searched: SearchedKind, where: Prisma.Sql[], exact: Prisma.Sql): Promise<boolean> {
  const a = Prisma.raw(`"${searched.alias}"`);
  const sample = newestMatching(actor, searched, where, DENSITY_SAMPLE);
  const [row] = await readSql<{ rows: number; hits: number }>(Prisma.sql`
    SELECT count(*)::int AS "rows", count(*) FILTER (WHERE ${exact})::int AS "hits" FROM (${sample}) AS ${a}`);
  return !row || row.rows < DENSITY_SAMPLE || row.hits >= row.rows * COMMON_SHARE;
}

/** Ranks the candidates (MATERIALIZED: the ranking runs over them, never pushed down into the scans). */
async function rankCandidates(actor: Actor, searched: SearchedKind, candidates: Prisma.Sql, rank: Prisma.Sql, take: number, strategy: Strategy): Promise<Found> {
  const rows = await readSql<{ id: string; rank: number; candidates: number }>(Prisma.sql`
    WITH "m" AS MATERIALIZED (${candidates})
    SELECT "m"."id", (${rank})::float8 AS "rank", (SELECT count(*) FROM "m")::int AS "candidates" FROM "m"
    ORDER BY "rank" DESC, "m"."createdAt" DESC, "m"."id" DESC
    LIMIT ${take}`);
  return { hits: rows.map(({ id, rank }) => ({ id, rank: Number(rank) })), candidates: rows[0]?.candidates ?? 0, strategy };
}

function searchClueIds(actor: Actor, query: SearchQuery, take: number): Promise<Found> {
  const conditions = commonFilters("c", query);
  if (query.category) conditions.push(Prisma.sql`c."categoryKey" = ${query.category}`);
  // Without words every match ranks alike: the newest `take` are the answer.
  return rankNewestMatches(actor, "clue", conditions, query.q, query.q ? SEARCH_CANDIDATES : take, take);
}

function searchLeadIds(actor: Actor, query: SearchQuery, take: number): Promise<Found> {
  const conditions = commonFilters("l", query);
  if (query.status) conditions.push(Prisma.sql`l."status"::text = ${query.status}`);
  return rankNewestMatches(actor, "lead", conditions, query.q, query.q ? SEARCH_CANDIDATES : take, take);
}

const NOT_SEARCHED: RankingNote = { bounded: false, candidates: 0, explanation: "Not searched with these filters." };

function rankingNote(q: string, found: Found): RankingNote {
  const bounded = Boolean(q) && found.candidates >= SEARCH_CANDIDATES;
  const count = found.candidates.toLocaleString("en-GB");
  let explanation: string;
  if (!q) explanation = "Newest first.";
  else if (bounded) explanation = `Best of the most recent ${count} matches; narrow the search or add dates to reach older ones.`;
  else if (found.candidates === 0) explanation = "No matches.";
  else if (found.strategy === "fuzzy") {
    explanation = `No exact matches; best of ${count} similar ${found.candidates === 1 ? "value" : "values"} among the most recent ${FUZZY_WINDOW.toLocaleString("en-GB")}.`;
  } else explanation = `Best of all ${count} ${found.candidates === 1 ? "match" : "matches"}.`;
  return { bounded, candidates: found.candidates, explanation };
}

export async function search(actor: Actor, query: SearchQuery): Promise<SearchResults> {
  const take = query.take ?? DEFAULT_TAKE;
  const kind = query.kind ?? "ALL";
  const notSearched: Found = { hits: [], candidates: 0, strategy: "indexes" };
  const searchClues = kind !== "LEADS" && !query.status;
  const searchLeads = kind !== "CLUES" && !query.category;
  const [foundClues, foundLeads] = await Promise.all([
    searchClues ? searchClueIds(actor, query, take) : notSearched,
    searchLeads ? searchLeadIds(actor, query, take) : notSearched,
  ]);
  const [clueIds, leadIds] = [foundClues.hits, foundLeads.hits];

  // Visibility again on the ids found (the fragment can only ever narrow, never widen), hydrated in plain SQL.
  const [clueViews, clueCases, leadRows] = await Promise.all([
    clueIds.length ? selectClueViews(Prisma.sql`c."id" IN (${Prisma.join(clueIds.map((hit) => hit.id))}) AND ${visibleItemsSql(actor, "clue", "c")}`, clueIds.length) : [],
    clueIds.length
      ? readSql<{ clueId: string; reference: string; title: string }>(Prisma.sql`
          SELECT c."id" AS "clueId", k."reference", k."title" FROM "Clue" c JOIN "Case" k ON k."id" = c."caseId"
          WHERE c."id" IN (${Prisma.join(clueIds.map((hit) => hit.id))})`)
      : [],
    leadIds.length
      ? prisma.lead.findMany({
          where: { AND: [visibleLeadsWhere(actor), { id: { in: leadIds.map((hit) => hit.id) } }] },
          include: { case: { select: { reference: true, title: true } } },
        })
      : [],
  ]);

  const viewById = new Map(clueViews.map((view) => [view.id, view]));
  const caseByClue = new Map(clueCases.map((row) => [row.clueId, row]));
  const clues = clueIds.flatMap((hit) => {
    const view = viewById.get(hit.id);
    const kase = caseByClue.get(hit.id);
    if (!view || !kase) return [];
    return [{ ...view, caseReference: kase.reference, caseTitle: kase.title, rank: Number(hit.rank) }];
  });
  const users = await userRefs(leadRows.map((row) => row.authorId));
  const leadById = new Map(leadRows.map((row) => [row.id, row]));
  const leads = leadIds.flatMap((hit): LeadHit[] => {
    const row = leadById.get(hit.id);
    if (!row) return [];
    return [
      {
        id: row.id,
        caseId: row.caseId,
        caseReference: row.case.reference,
        caseTitle: row.case.title,
        title: row.title,
        hypothesis: row.hypothesis,
        status: row.status,
        priority: row.priority,
        handlingCode: row.handlingCode,
        reviewState: row.reviewState,
        authorId: row.authorId,
        author: userRefOf(users, row.authorId),
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
        rank: Number(hit.rank),
      },
    ];
  });
  await auditRead(actor, {
    action: "search",
    caseId: query.caseId ?? null,
    details: { q: query.q, filters: { ...query, q: undefined }, clues: clues.length, leads: leads.length },
  });
  const ranking = {
    clues: searchClues ? rankingNote(query.q, foundClues) : NOT_SEARCHED,
    leads: searchLeads ? rankingNote(query.q, foundLeads) : NOT_SEARCHED,
  };
  return { clues, leads, ranking };
}
