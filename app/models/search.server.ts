// Search across the clues and leads a user may see: PostgreSQL full text ('simple' config) and ILIKE (trigram
// index) for exact matches; when nothing matches exactly, the clues holding words similar to the query's (pg_trgm
// over the words the taskforce's clues use, decision 034). Visibility is
// applied twice: an SQL fragment equivalent to visibleCluesWhere/visibleLeadsWhere (so LIMIT counts only visible
// rows; a test proves they agree; it lives in app/auth/permissions.server.ts) and again on the ids found, in the
// hydrating part of the same statement (decision 019).
import { Prisma } from "@prisma/client";
import { visibleItemsSql, type Actor } from "~/auth/permissions.server";
import { readSql, rowCount } from "~/db.server";
import { endOfDay } from "~/utils/dates";
import type { SearchQuery } from "~/validation/search";
import { auditRead } from "./changes.server";
import { clueViewColumns, toClueViewRows, type ClueView, type ClueViewRow } from "./clue-views.server";
import { userRefOf, type UserRef } from "./users.server";

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
export const SEARCH_CANDIDATES = 1000;

/** What the ranking looked at, so the result can say it ("best of the most recent 1,000 matches"). */
export interface RankingNote {
  /** True when the matches ranked were the newest SEARCH_CANDIDATES and older matches may exist. */
  bounded: boolean;
  /** How many matches were ranked. */
  candidates: number;
  explanation: string;
}

interface Found {
  /** How many visible matches were ranked. */
  candidates: number;
  /** How the candidates were found; "fuzzy" means nothing matched exactly and these hold similar words. */
  strategy: Strategy;
}

/** How each kind is searched: its table, the text ILIKE looks in, and the column trigram similarity uses. */
const SEARCHED = {
  clue: { table: `"Clue"`, alias: "c", substringColumns: ["value"], similarColumn: "value", fuzzyMatch: true },
  lead: { table: `"Lead"`, alias: "l", substringColumns: ["title", "hypothesis"], similarColumn: "title", fuzzyMatch: false },
} as const;

/**
 * How many of the newest visible rows are sampled to tell a common word from a rare one. Reading and testing
 * them is most of a rare word's search (500: 1.6 ms of its 1.7 at 1M rows; 200: 1 ms). At 200 a word matching 5 %
 * of the rows is expected 10 times; a share near the bound may be taken for the other kind, and either way its
 * search stays bounded (a walk of ~20,000 rows or a collection of ~50,000 at 1M rows).
 */
export const DENSITY_SAMPLE = 200;
/**
 * A word matching at least this share of the sample is common: walking newest first finds its bound soon. The
 * share where walking and collecting cost the same falls as the table grows: a walk reads ~limit / share rows
 * (~2.2 µs each at 1M), a collection every match (~8.5 µs each, share × rows), so they meet at
 * share = sqrt(250 / rows): 5 % at 100k rows, 1.6 % at 1M. Below 100k rows the share stays 5 % (a walk there
 * reads the whole table at most), and it never falls under 1 % (2 rows of the sample). A fixed 5 % made a value
 * stored 56,000 times in 1M rows (5.6 %, taken for rare by the sample) a collection of all its rows: ~300 ms.
 */
const COMMON_SHARE = { max: 0.05, min: 0.01, balance: 250 };
/**
 * When nothing matches exactly, each word of the query is looked up among the words its taskforces' clues use
 * ("SearchTerm", kept by triggers on "Clue"; decision 034), through their trigram index: this many of the closest
 * per word, at pg_trgm's similarity threshold (0.3: "lindquist" and "lindqvist" are 0.54). The clues holding any
 * of them are then searched as a word is, bounded the same way, and ranked by their similarity to the query.
 * Looking among words, not rows, the cost follows the vocabulary, which grows far slower than the clues; comparing
 * the query with the newest 2,000 clues instead cost ~6 ms at any size and found nothing older.
 */
export const SIMILAR_WORDS = 10;
/** At most this many words of a query are corrected (prefixTsQuery takes 12). */
const CORRECTED_WORDS = 12;

type SearchedKind = (typeof SEARCHED)[keyof typeof SEARCHED];

/** One test a search statement matches rows with: the query's own words and text, or the words similar to them. */
interface Matching {
  matched: "exact" | "fuzzy";
  /** The tsquery matched against "searchVector", as a sub-select of a CTE (parsed once, not once per row). */
  tsquery: Prisma.Sql | null;
  /** Also ILIKE '%q%' over the kind's substring columns (the exact search). */
  substring: boolean;
  /** The CTEs its sample's verdict and its matches are kept in. */
  plan: string;
  found: string;
}
type Strategy = "walk" | "indexes" | "fuzzy";

/** What the one statement of a kind returns with each hit: its rank and how the hits were found. */
interface RankedColumns {
  rank: number;
  candidates: number;
  rare: boolean | null;
  matched: "exact" | "fuzzy";
}

/**
 * The newest `limit` visible matches, then the best `take` of those by rank, hydrated: the work is bounded by
 * `limit` and the sample, not by the table (decision 008), and it is one statement, one round trip (decision
 * 019). A sample of the newest rows tells which bounded plan fits the words: a common word walks the
 * (taskforceId, createdAt) indexes newest first and stops at `limit` matches; a rare one (or none) is collected
 * whole from the text indexes, which hold only its few rows. Only when nothing matches exactly are words similar
 * to the query's looked for (a typo), and the clues holding them searched the same bounded way, in the same
 * statement. Each choice is a one-time filter, an uncorrelated sub-select over a branch
 * (`WHERE (SELECT "rare" FROM "plan")`): PostgreSQL evaluates the sample once and never starts the branch not taken
 * (EXPLAIN ANALYZE: "never executed").
 */
async function rankNewestMatches<H>(
  actor: Actor,
  kind: "clue" | "lead",
  conditions: Prisma.Sql[],
  q: string,
  limit: number,
  take: number,
  hydrate: (top: Prisma.Sql) => Prisma.Sql,
): Promise<{ rows: (H & RankedColumns)[]; found: Found }> {
  if (actor.taskforceIds.size === 0) return { rows: [], found: { candidates: 0, strategy: "indexes" } };
  const searched = SEARCHED[kind];
  const where = [visibleItemsSql(actor, kind, searched.alias), ...conditions];
  if (!q) {
    // Without words every match ranks alike: the newest `take` are the answer, and only they are read.
    const statement = Prisma.sql`WITH "m" AS MATERIALIZED (${newestMatching(actor, searched, where, limit)}),
      "top" AS MATERIALIZED (SELECT "m"."id", "m"."tid", 0::float8 AS "rank", "m"."createdAt", 'exact' AS "matched" FROM "m")
      ${hydrate(Prisma.sql`"top"`)}`;
    return ranked(await readSql<H & RankedColumns>(statement, { fixedPlan: true }));
  }
  // One plan for any words (decision 008's sixth pass): the sample, not the planner, picks the branch.
  return ranked(await readSql<H & RankedColumns>(matchingStatement(actor, searched, where, q, limit, take, hydrate), { fixedPlan: true }));
}

function ranked<H>(rows: (H & RankedColumns)[]): { rows: (H & RankedColumns)[]; found: Found } {
  const first = rows[0];
  const strategy: Strategy = !first ? "indexes" : first.matched === "fuzzy" ? "fuzzy" : first.rare ? "indexes" : "walk";
  return { rows: rows.map((row) => ({ ...row, rank: Number(row.rank) })), found: { candidates: first?.candidates ?? 0, strategy } };
}

/**
 * One search statement: a sample of the newest rows picks the bounded plan, the matches are walked or collected,
 * ranked, and the best `take` hydrated (see rankNewestMatches). For a kind searched for similar values too, the
 * words similar to the query's are looked up only when nothing matched exactly ("words", gated on "found" being
 * empty), and their clues found the same way from the same sample: a typo costs this one round trip, not three.
 */
function matchingStatement(
  actor: Actor,
  searched: SearchedKind,
  where: Prisma.Sql[],
  q: string,
  limit: number,
  take: number,
  hydrate: (top: Prisma.Sql) => Prisma.Sql,
): Prisma.Sql {
  const words = prefixTsQuery(q);
  const exact: Matching = { matched: "exact", tsquery: words ? Prisma.sql`(SELECT "tsq" FROM "query")` : null, substring: true, plan: "plan", found: "found" };
  const ctes = [Prisma.sql`"sample" AS MATERIALIZED (${newestMatching(actor, searched, where, DENSITY_SAMPLE)})`];
  if (words) ctes.push(Prisma.sql`"query" AS MATERIALIZED (SELECT to_tsquery('simple', ${words}) AS "tsq")`);
  ctes.push(...matchesOf(actor, searched, where, q, exact, limit, null));
  let fuzzy: Matching | null = null;
  if (searched.fuzzyMatch) {
    // The words are never shown: they only lead to clues, which visibility then filters like any other match. On
    // the PostgreSQL server the lookup runs on the search connections, where a whole-table scan is off: the planner
    // costs a similarity test like any operator and chose to scan the words over their trigram index (decision 034).
    ctes.push(
      Prisma.sql`"words" AS MATERIALIZED (
        SELECT DISTINCT "near"."word" FROM unnest(ARRAY(SELECT search_terms_of(to_tsvector('simple', ${q})) LIMIT ${rowCount(CORRECTED_WORDS)})) AS "typed"("word"),
          LATERAL (SELECT t."word" FROM "SearchTerm" t WHERE t."word" % "typed"."word" AND t."taskforceId" = ANY (${[...actor.taskforceIds]}::text[])
                   ORDER BY t."word" <-> "typed"."word", t."word" LIMIT ${rowCount(SIMILAR_WORDS)}) AS "near"
        WHERE NOT EXISTS (SELECT 1 FROM "found"))`,
      // The words are lexemes already (search_terms_of the stored vectors): each is quoted into the tsquery as it
      // is, never parsed again, so any character it holds matches itself. quote_literal, as the triggers that keep
      // "SearchTerm" do: the parser never leaves a backslash in a lexeme, which it would write as E'…'.
      Prisma.sql`"similar" AS MATERIALIZED (
        SELECT string_agg(quote_literal("word"), ' | ' ORDER BY "word")::tsquery AS "tsq"
        FROM "words")`,
    );
    fuzzy = { matched: "fuzzy", tsquery: Prisma.sql`(SELECT "tsq" FROM "similar")`, substring: false, plan: "similarPlan", found: "similarFound" };
    ctes.push(...matchesOf(actor, searched, where, q, fuzzy, limit, Prisma.sql`(SELECT "tsq" FROM "similar") IS NOT NULL`));
  }
  const similar = Prisma.raw(`"${searched.similarColumn}"`);
  const rankBy = ({ tsquery }: Matching) =>
    tsquery ? Prisma.sql`ts_rank("m"."searchVector", ${tsquery}) + similarity("m".${similar}, ${q})` : Prisma.sql`similarity("m".${similar}, ${q})`;
  const rank = fuzzy ? Prisma.sql`CASE WHEN "m"."matched" = 'exact' THEN ${rankBy(exact)} ELSE ${rankBy(fuzzy)} END` : rankBy(exact);
  const candidates = Prisma.join(
    (fuzzy ? [exact, fuzzy] : [exact]).map((matching) => Prisma.sql`SELECT *, ${Prisma.raw(`'${matching.matched}'`)} AS "matched" FROM ${Prisma.raw(`"${matching.found}"`)}`),
    " UNION ALL ",
  );
  return Prisma.sql`WITH ${Prisma.join(ctes, ",\n    ")},
    "m" AS MATERIALIZED (${candidates}),
    "top" AS MATERIALIZED (
      SELECT "m"."id", "m"."tid", (${rank})::float8 AS "rank", "m"."createdAt", "m"."matched" FROM "m"
      ORDER BY "rank" DESC, "m"."createdAt" DESC, "m"."id" DESC LIMIT ${take})
    ${hydrate(Prisma.sql`"top"`)}`;
}

/**
 * The two CTEs of one test: its verdict on the sample (`plan`: is the test rare among the newest rows?) and its
 * matches (`found`: the newest `limit` walked, or all collected from the text indexes). `gate`, when given, must
 * hold for either branch to start.
 */
function matchesOf(actor: Actor, searched: SearchedKind, where: Prisma.Sql[], q: string, matching: Matching, limit: number, gate: Prisma.Sql | null): Prisma.Sql[] {
  // Cheapest test first: walking the newest rows, PostgreSQL evaluates them in this order on each row.
  const matchOn = (alias: Prisma.Sql) => {
    const parts = matching.substring ? searched.substringColumns.map((column) => Prisma.sql`${alias}.${Prisma.raw(`"${column}"`)} ILIKE ${likePattern(q)}`) : [];
    if (matching.tsquery) parts.push(Prisma.sql`${alias}."searchVector" @@ ${matching.tsquery}`);
    return Prisma.sql`(${Prisma.join(parts, " OR ")})`;
  };
  const match = matchOn(Prisma.raw(`"${searched.alias}"`));
  // The same test as no index can serve: the walk stays a walk newest first (stopping at `limit` matches) in
  // a plan made once for any words, never a collection of every match from the text indexes.
  const walked = Prisma.sql`COALESCE(${match}, FALSE)`;
  const plan = Prisma.raw(`"${matching.plan}"`);
  const gated = gate ? Prisma.sql`${gate} AND ` : Prisma.empty;
  return [
    Prisma.sql`${plan} AS MATERIALIZED (
      SELECT count(*) >= ${rowCount(DENSITY_SAMPLE)} AND count(*) FILTER (WHERE ${matchOn(Prisma.raw(`"s"`))}) < count(*) * ${commonShare(searched)} AS "rare"
      FROM "sample" AS "s")`,
    Prisma.sql`${Prisma.raw(`"${matching.found}"`)} AS MATERIALIZED (
      SELECT * FROM (${newestMatching(actor, searched, [...where, walked], limit)}) AS "w" WHERE ${gated}NOT (SELECT "rare" FROM ${plan})
      UNION ALL
      SELECT * FROM (${indexedMatches(searched, match, where, limit)}) AS "i" WHERE ${gated}(SELECT "rare" FROM ${plan}))`,
  ];
}

/** COMMON_SHARE for the table's size, from the statistics PostgreSQL keeps (one catalog row, no scan). */
function commonShare(searched: SearchedKind): Prisma.Sql {
  const { max, min, balance } = COMMON_SHARE;
  return Prisma.raw(
    `(SELECT least(${max}, greatest(${min}, sqrt(${balance} / greatest(reltuples, 1)::float8))) FROM pg_class WHERE oid = '${searched.table}'::regclass)`,
  );
}

/** What the hydrating SELECT adds to each hit of `top`: rank, the candidates' count, how they were found. */
function rankedColumns(q: string): Prisma.Sql {
  return Prisma.sql`"t"."rank", (SELECT count(*) FROM "m")::int AS "candidates", "t"."matched",
    ${q ? Prisma.sql`(SELECT "rare" FROM "plan")` : Prisma.sql`NULL::boolean`} AS "rare"`;
}

/**
 * What matching and ranking read of each candidate, and where its row is ("tid", its ctid): the hits are hydrated
 * from the row found, a Tid Scan within the statement's one snapshot, not a second lookup through the primary key
 * (its leaf pages were ~0.3 ms of a rare word's search at 1M rows warm, and most of its cold reads).
 */
function candidateColumns(searched: SearchedKind, a: Prisma.Sql, tid: Prisma.Sql = Prisma.sql`${a}.ctid`): Prisma.Sql {
  const texts = [...new Set<string>([searched.similarColumn, ...searched.substringColumns])];
  return Prisma.join([
    Prisma.sql`${a}."id"`,
    Prisma.sql`${tid} AS "tid"`,
    Prisma.sql`${a}."createdAt"`,
    Prisma.sql`${a}."searchVector"`,
    ...texts.map((column) => Prisma.sql`${a}.${Prisma.raw(`"${column}"`)}`),
  ]);
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
 * How many rows matching a rare word are read from the text indexes alone, before the actor's visibility is
 * applied to them. Past it the word is common somewhere (perhaps where the actor cannot see), and its matches are
 * collected as before: the text-index bitmap ANDed with the actor's taskforce index.
 */
export const INDEXED_POOL = 500;

/**
 * Every visible row matching a rare word (`match`, its few rows), the newest `limit` of them. The matches come
 * from the text indexes alone ("pool", MATERIALIZED and unordered, so PostgreSQL collects them instead of walking
 * the newest rows), and visibility and the filters are then applied to those few rows. Applied inside the scan,
 * they let the planner AND the text-index bitmap with a bitmap of the actor's whole taskforce index, which costs
 * in proportion to the taskforce (decision 008): "lindqvist" (10 rows) at 100k rows beside another taskforce's
 * 5,000 took 7.3 ms p50 that way, 2.0 ms from the pool. A word with more than INDEXED_POOL matches in the table
 * is collected the old way, after the capped pool (a few ms more on a search that costs tens).
 */
function indexedMatches(searched: SearchedKind, match: Prisma.Sql, where: Prisma.Sql[], limit: number): Prisma.Sql {
  const a = Prisma.raw(`"${searched.alias}"`);
  const table = Prisma.raw(searched.table);
  const pooled = rowCount(INDEXED_POOL);
  return Prisma.sql`SELECT * FROM (
    WITH "pool" AS MATERIALIZED (SELECT ${a}.*, ${a}.ctid AS "tid" FROM ${table} ${a} WHERE ${match} LIMIT ${rowCount(INDEXED_POOL + 1)}),
    "overflow" AS MATERIALIZED (SELECT count(*) > ${pooled} AS "over" FROM "pool"),
    "hits" AS MATERIALIZED (
      SELECT ${candidateColumns(searched, a, Prisma.sql`${a}."tid"`)} FROM "pool" ${a} WHERE ${and(where)} AND NOT (SELECT "over" FROM "overflow")
      UNION ALL
      SELECT ${candidateColumns(searched, a)} FROM ${table} ${a} WHERE ${and([...where, match])} AND (SELECT "over" FROM "overflow"))
    SELECT * FROM "hits") AS "h" ORDER BY "createdAt" DESC, "id" DESC LIMIT ${limit}`;
}

interface ClueHitRow extends ClueViewRow {
  caseReference: string;
  caseTitle: string;
  rank: number;
}

/** The best clues, hydrated in the same statement; visibility applied again on the ids found (it can only narrow). */
async function searchClues(actor: Actor, query: SearchQuery, take: number): Promise<{ hits: ClueHit[]; found: Found }> {
  const conditions = commonFilters("c", query);
  if (query.category) conditions.push(Prisma.sql`c."categoryKey" = ${query.category}`);
  const hydrate = (top: Prisma.Sql) => Prisma.sql`
    SELECT ${clueViewColumns}, k."reference" AS "caseReference", k."title" AS "caseTitle", ${rankedColumns(query.q)}
    FROM ${top} AS "t" JOIN "Clue" c ON c.ctid = "t"."tid" AND c."id" = "t"."id" JOIN "ClueCategory" cat ON cat."key" = c."categoryKey" JOIN "Case" k ON k."id" = c."caseId"
    WHERE ${visibleItemsSql(actor, "clue", "c")}
    ORDER BY "t"."rank" DESC, "t"."createdAt" DESC, "t"."id" DESC`;
  const { rows, found } = await rankNewestMatches<ClueHitRow>(actor, "clue", conditions, query.q, query.q ? SEARCH_CANDIDATES : take, take, hydrate);
  const views = toClueViewRows(rows);
  const hits = rows.map((row, i) => ({ ...views[i], caseReference: row.caseReference, caseTitle: row.caseTitle, rank: row.rank }));
  return { hits, found };
}

interface LeadHitRow extends Omit<LeadHit, "author" | "rank"> {
  author: UserRef | null;
}

async function searchLeads(actor: Actor, query: SearchQuery, take: number): Promise<{ hits: LeadHit[]; found: Found }> {
  const conditions = commonFilters("l", query);
  if (query.status) conditions.push(Prisma.sql`l."status"::text = ${query.status}`);
  const hydrate = (top: Prisma.Sql) => Prisma.sql`
    SELECT l."id", l."caseId", k."reference" AS "caseReference", k."title" AS "caseTitle", l."title", l."hypothesis",
      l."status"::text AS "status", l."priority"::text AS "priority", l."handlingCode"::text AS "handlingCode",
      l."reviewState"::text AS "reviewState", l."authorId",
      (SELECT json_build_object('id', u."id", 'displayName', u."displayName", 'email', u."email", 'agency', u."agency", 'role', u."role")
        FROM "User" u WHERE u."id" = l."authorId") AS "author",
      l."createdAt" AT TIME ZONE 'UTC' AS "createdAt", l."updatedAt" AT TIME ZONE 'UTC' AS "updatedAt", ${rankedColumns(query.q)}
    FROM ${top} AS "t" JOIN "Lead" l ON l.ctid = "t"."tid" AND l."id" = "t"."id" JOIN "Case" k ON k."id" = l."caseId"
    WHERE ${visibleItemsSql(actor, "lead", "l")}
    ORDER BY "t"."rank" DESC, "t"."createdAt" DESC, "t"."id" DESC`;
  const { rows, found } = await rankNewestMatches<LeadHitRow>(actor, "lead", conditions, query.q, query.q ? SEARCH_CANDIDATES : take, take, hydrate);
  const unknownAuthors = new Map<string, UserRef>();
  const hits = rows.map(
    (row): LeadHit => ({
      id: row.id,
      caseId: row.caseId,
      caseReference: row.caseReference,
      caseTitle: row.caseTitle,
      title: row.title,
      hypothesis: row.hypothesis,
      status: row.status,
      priority: row.priority,
      handlingCode: row.handlingCode,
      reviewState: row.reviewState,
      authorId: row.authorId,
      author: row.author ?? userRefOf(unknownAuthors, row.authorId),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      rank: row.rank,
    }),
  );
  return { hits, found };
}

/** "2,000": one formatter for every note (toLocaleString builds a new one per call). */
const COUNT_FORMAT = new Intl.NumberFormat("en-GB");

const NOT_SEARCHED: RankingNote = { bounded: false, candidates: 0, explanation: "Not searched with these filters." };

function rankingNote(q: string, found: Found): RankingNote {
  const bounded = Boolean(q) && found.candidates >= SEARCH_CANDIDATES;
  const count = COUNT_FORMAT.format(found.candidates);
  let explanation: string;
  if (!q) explanation = "Newest first.";
  else if (found.strategy === "fuzzy") {
    // Said first: a bounded set of corrections is still corrections, not matches of the words typed.
    explanation = bounded
      ? `No exact matches; best of the most recent ${count} similar values (holding words like those searched for); narrow the search or add dates to reach older ones.`
      : `No exact matches; best of ${count} similar ${found.candidates === 1 ? "value" : "values"} (holding words like those searched for).`;
  } else if (bounded) explanation = `Best of the most recent ${count} matches; narrow the search or add dates to reach older ones.`;
  else if (found.candidates === 0) explanation = "No matches.";
  else explanation = `Best of all ${count} ${found.candidates === 1 ? "match" : "matches"}.`;
  return { bounded, candidates: found.candidates, explanation };
}

export async function search(actor: Actor, query: SearchQuery): Promise<SearchResults> {
  const take = query.take ?? DEFAULT_TAKE;
  const kind = query.kind ?? "ALL";
  const notSearched = { hits: [], found: { candidates: 0, strategy: "indexes" as const } };
  const cluesSearched = kind !== "LEADS" && !query.status;
  const leadsSearched = kind !== "CLUES" && !query.category;
  // One statement per kind (sample, candidates, ranking and hydration), the two in parallel.
  const [clueResult, leadResult] = await Promise.all([
    cluesSearched ? searchClues(actor, query, take) : notSearched,
    leadsSearched ? searchLeads(actor, query, take) : notSearched,
  ]);
  const [clues, leads] = [clueResult.hits, leadResult.hits];
  await auditRead(actor, {
    action: "search",
    caseId: query.caseId ?? null,
    details: { q: query.q, filters: { ...query, q: undefined }, clues: clues.length, leads: leads.length },
  });
  const ranking = {
    clues: cluesSearched ? rankingNote(query.q, clueResult.found) : NOT_SEARCHED,
    leads: leadsSearched ? rankingNote(query.q, leadResult.found) : NOT_SEARCHED,
  };
  return { clues, leads, ranking };
}
