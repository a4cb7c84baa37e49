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

async function searchClueIds(actor: Actor, query: SearchQuery, take: number): Promise<{ id: string; rank: number }[]> {
  const conditions = [visibleItemsSql(actor, "clue", "c"), ...commonFilters("c", query)];
  if (query.category) conditions.push(Prisma.sql`c."categoryKey" = ${query.category}`);
  let rank = Prisma.sql`0`;
  if (query.q) {
    const tsq = prefixTsQuery(query.q);
    const document = Prisma.sql`to_tsvector('simple', c."value" || ' ' || c."detail")`;
    const matches = [Prisma.sql`c."value" % ${query.q}`, Prisma.sql`c."value" ILIKE ${likePattern(query.q)}`];
    if (tsq) matches.unshift(Prisma.sql`${document} @@ to_tsquery('simple', ${tsq})`);
    conditions.push(Prisma.sql`(${Prisma.join(matches, " OR ")})`);
    rank = tsq
      ? Prisma.sql`ts_rank(${document}, to_tsquery('simple', ${tsq})) + similarity(c."value", ${query.q})`
      : Prisma.sql`similarity(c."value", ${query.q})`;
  }
  return prisma.$queryRaw<{ id: string; rank: number }[]>`
    SELECT c."id", (${rank})::float8 AS "rank" FROM "Clue" c
    WHERE ${and(conditions)}
    ORDER BY "rank" DESC, c."createdAt" DESC, c."id" DESC
    LIMIT ${take}`;
}

async function searchLeadIds(actor: Actor, query: SearchQuery, take: number): Promise<{ id: string; rank: number }[]> {
  const conditions = [visibleItemsSql(actor, "lead", "l"), ...commonFilters("l", query)];
  if (query.status) conditions.push(Prisma.sql`l."status"::text = ${query.status}`);
  let rank = Prisma.sql`0`;
  if (query.q) {
    const tsq = prefixTsQuery(query.q);
    const document = Prisma.sql`to_tsvector('simple', l."title" || ' ' || l."hypothesis")`;
    const pattern = likePattern(query.q);
    const matches = [Prisma.sql`l."title" ILIKE ${pattern}`, Prisma.sql`l."hypothesis" ILIKE ${pattern}`];
    if (tsq) matches.unshift(Prisma.sql`${document} @@ to_tsquery('simple', ${tsq})`);
    conditions.push(Prisma.sql`(${Prisma.join(matches, " OR ")})`);
    rank = tsq
      ? Prisma.sql`ts_rank(${document}, to_tsquery('simple', ${tsq})) + similarity(l."title", ${query.q})`
      : Prisma.sql`similarity(l."title", ${query.q})`;
  }
  return prisma.$queryRaw<{ id: string; rank: number }[]>`
    SELECT l."id", (${rank})::float8 AS "rank" FROM "Lead" l
    WHERE ${and(conditions)}
    ORDER BY "rank" DESC, l."createdAt" DESC, l."id" DESC
    LIMIT ${take}`;
}

export async function search(actor: Actor, query: SearchQuery): Promise<SearchResults> {
  const take = query.take ?? DEFAULT_TAKE;
  const kind = query.kind ?? "ALL";
  const [clueIds, leadIds] = await Promise.all([
    kind === "LEADS" || query.status ? [] : searchClueIds(actor, query, take),
    kind === "CLUES" || query.category ? [] : searchLeadIds(actor, query, take),
  ]);

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
  return { clues, leads };
}
