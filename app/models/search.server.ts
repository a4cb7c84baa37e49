// Search across the clues and leads a user may see: PostgreSQL full text ('simple' config, matching the GIN
// expression indexes) plus pg_trgm similarity / ILIKE on clue values. Visibility is applied twice: an SQL
// fragment equivalent to visibleCluesWhere/visibleLeadsWhere (so LIMIT counts only visible rows; a test proves
// they agree; it lives in app/auth/permissions.server.ts beside them) and then the where-builders on the ids found.
import { Prisma } from "@prisma/client";
import { visibleCluesWhere, visibleItemsSql, visibleLeadsWhere, type Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import type { SearchQuery } from "~/validation/search";
import { auditRead } from "./changes.server";
import { clueInclude, toClueViews, type ClueView } from "./clue-views.server";
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
  if (query.handlingCode) filters.push(Prisma.sql`${a}."handlingCode"::text = ${query.handlingCode}`);
  if (query.authorId) filters.push(Prisma.sql`${a}."authorId" = ${query.authorId}`);
  if (query.from) filters.push(Prisma.sql`${a}."createdAt" >= ${new Date(query.from)}`);
  if (query.to) filters.push(Prisma.sql`${a}."createdAt" <= ${endOfDay(query.to)}`);
  return filters;
}

/** A bare date "to" includes that whole day. */
function endOfDay(value: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59.999Z`) : new Date(value);
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
}

/** How each kind is searched: its table, the text ILIKE looks in, and the column trigram similarity uses. */
const SEARCHED = {
  clue: { table: `"Clue"`, alias: "c", substringColumns: ["value"], similarColumn: "value", fuzzyMatch: true },
  lead: { table: `"Lead"`, alias: "l", substringColumns: ["title", "hypothesis"], similarColumn: "title", fuzzyMatch: false },
} as const;

/**
 * The newest `limit` visible matches, then the best `take` of those by rank. One branch per taskforce of the
 * actor, each newest first: PostgreSQL can walk that taskforce's (taskforceId, createdAt) index and stop after
 * `limit` matches of a common word, or collect the few matches of a rare word from the text indexes; either way
 * the work is bounded by `limit`, not by how many rows match. The branches only partition the query: each
 * applies the whole `visibleItemsSql` fragment.
 */
async function rankNewestMatches(actor: Actor, kind: "clue" | "lead", conditions: Prisma.Sql[], q: string, limit: number, take: number): Promise<Found> {
  if (actor.taskforceIds.size === 0) return { hits: [], candidates: 0 };
  const { table, alias, substringColumns, similarColumn, fuzzyMatch } = SEARCHED[kind];
  const a = Prisma.raw(`"${alias}"`);
  const similar = Prisma.raw(`"${similarColumn}"`);
  const where = [visibleItemsSql(actor, kind, alias), ...conditions];
  let rank = Prisma.sql`0`;
  if (q) {
    const tsq = prefixTsQuery(q);
    // Cheapest test first: walking the newest rows, PostgreSQL evaluates them in this order on each row.
    const matches = substringColumns.map((column) => Prisma.sql`${a}.${Prisma.raw(`"${column}"`)} ILIKE ${likePattern(q)}`);
    if (tsq) matches.push(Prisma.sql`${a}."searchVector" @@ to_tsquery('simple', ${tsq})`);
    if (fuzzyMatch) matches.push(Prisma.sql`${a}.${similar} % ${q}`);
    where.push(Prisma.sql`(${Prisma.join(matches, " OR ")})`);
    rank = tsq
      ? Prisma.sql`ts_rank("m"."searchVector", to_tsquery('simple', ${tsq})) + similarity("m".${similar}, ${q})`
      : Prisma.sql`similarity("m".${similar}, ${q})`;
  }
  const branches = [...actor.taskforceIds].map(
    (taskforceId) => Prisma.sql`(SELECT ${a}."id", ${a}."createdAt", ${a}.${similar}, ${a}."searchVector"
      FROM ${Prisma.raw(table)} ${a} WHERE ${a}."taskforceId" = ${taskforceId} AND ${and(where)}
      ORDER BY ${a}."createdAt" DESC, ${a}."id" DESC LIMIT ${limit})`,
  );
  // MATERIALIZED: the ranking must run over the bounded candidates, never be pushed down into the scans.
  const rows = await prisma.$queryRaw<{ id: string; rank: number; candidates: number }[]>`
    WITH "m" AS MATERIALIZED (
      SELECT * FROM (${Prisma.join(branches, " UNION ALL ")}) AS "b" ORDER BY "createdAt" DESC, "id" DESC LIMIT ${limit}
    )
    SELECT "m"."id", (${rank})::float8 AS "rank", (SELECT count(*) FROM "m")::int AS "candidates" FROM "m"
    ORDER BY "rank" DESC, "m"."createdAt" DESC, "m"."id" DESC
    LIMIT ${take}`;
  return { hits: rows.map(({ id, rank }) => ({ id, rank: Number(rank) })), candidates: rows[0]?.candidates ?? 0 };
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
  else explanation = `Best of all ${count} ${found.candidates === 1 ? "match" : "matches"}.`;
  return { bounded, candidates: found.candidates, explanation };
}

export async function search(actor: Actor, query: SearchQuery): Promise<SearchResults> {
  const take = query.take ?? DEFAULT_TAKE;
  const kind = query.kind ?? "ALL";
  const notSearched: Found = { hits: [], candidates: 0 };
  const searchClues = kind !== "LEADS" && !query.status;
  const searchLeads = kind !== "CLUES" && !query.category;
  const [foundClues, foundLeads] = await Promise.all([
    searchClues ? searchClueIds(actor, query, take) : notSearched,
    searchLeads ? searchLeadIds(actor, query, take) : notSearched,
  ]);
  const [clueIds, leadIds] = [foundClues.hits, foundLeads.hits];

  // The where-builders again, on the ids found: the SQL fragment can only ever narrow, never widen.
  const [clueRows, leadRows] = await Promise.all([
    clueIds.length
      ? prisma.clue.findMany({
          where: { AND: [visibleCluesWhere(actor), { id: { in: clueIds.map((hit) => hit.id) } }] },
          include: { ...clueInclude, case: { select: { reference: true, title: true } } },
        })
      : [],
    leadIds.length
      ? prisma.lead.findMany({
          where: { AND: [visibleLeadsWhere(actor), { id: { in: leadIds.map((hit) => hit.id) } }] },
          include: { case: { select: { reference: true, title: true } } },
        })
      : [],
  ]);

  const clueViews = new Map((await toClueViews(clueRows)).map((view) => [view.id, view]));
  const clueCases = new Map(clueRows.map((row) => [row.id, row.case]));
  const clues = clueIds.flatMap((hit) => {
    const view = clueViews.get(hit.id);
    const kase = clueCases.get(hit.id);
    if (!view || !kase) return [];
    const { case: _case, ...rest } = view as ClueView & { case?: unknown };
    return [{ ...rest, caseReference: kase.reference, caseTitle: kase.title, rank: Number(hit.rank) }];
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
