// Clues: text-only contextual observations on a case, under TLP handling codes, with version history and
// optimistic concurrency (a stale edit is refused with the newer version, never silently overwritten).
import { Prisma, type Clue, type ClueVersion, type HandlingCode, type MediaHashAlgorithm } from "@prisma/client";
import {
  canSee,
  canSeeItem,
  checkRecipients,
  isLowering,
  itemVisibility,
  requireEdit,
  requirePermission,
  reviewStateAfterEdit,
  visibleItemsSql,
  visibleLeadsWhere,
  versionsVisibleTo,
  type Actor,
} from "~/auth/permissions.server";
import { prisma, type Tx } from "~/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { jsonSafe, JsonText, type Jsonified } from "~/utils/json";
import type { CreateClueInput, ListCluesQuery, UpdateClueInput } from "~/validation/clue";
import { loadVisibleCase, type VisibleCase } from "./cases.server";
import { auditRead, createdItemOf, diffFields, staleMessage, writeChange, writeCreate, type ChangeContext, type CreateOptions } from "./changes.server";
import { withdrawAppealsOf } from "./appeals.server";
import { screenEncodedFragments } from "./encoded-fragments.server";
import { clueInclude, infoAssessmentNumber, selectCaseClueViews, selectCaseClueViewsJson, selectClueViews, toClueView, toClueViews, type ClueRow, type ClueView } from "./clue-views.server";
import { correlateClue, CORRELATED_FIELDS, type CorrelatedClue } from "./correlation.server";
import { raiseLeadsCitingClue } from "./leads.server";
import { userRefOf, userRefs, type UserRef } from "./users.server";
import { formatFacetLine } from "~/validation/facets";

export type { ClueView };

export interface ClueDetail extends ClueView {
  recipients: UserRef[];
  /** The versions the actor may see, newest first (permissions: versionsVisibleTo). */
  versions: (Pick<ClueVersion, "id" | "clueId" | "version" | "editorId" | "changedAt"> & { changes: Record<string, { from: unknown; to: unknown }>; editor: UserRef | null })[];
  /** Leads citing this clue that the actor may see. */
  leads: { id: string; title: string; status: string; handlingCode: HandlingCode; caseId: string }[];
}

async function loadVisibleClueRow(actor: Actor, clueId: string, client: Tx | typeof prisma = prisma): Promise<ClueRow> {
  const row = await client.clue.findUnique({ where: { id: clueId }, include: clueInclude });
  if (!row || !canSeeItem(actor, itemVisibility(row))) throw new NotFoundError("Clue not found.");
  return row;
}

async function requireActiveCategory(key: string) {
  const category = await prisma.clueCategory.findUnique({ where: { key } });
  if (!category || !category.active) throw new ValidationError({ category: ["Choose a category from the list."] });
}

// Cursor: the (createdAt, id) of the last item returned, so pages stay stable while clues are added.
function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(at ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) throw new ValidationError({ cursor: ["That page cursor is not valid; start from the first page."] });
  return { createdAt, id };
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export async function listClues(actor: Actor, caseId: string, query: ListCluesQuery = {}): Promise<ClueList> {
  // The case's entry check and the page are one statement (decision 025); the page applies visibility itself,
  // and is returned only after the check passed, so an invisible case still answers 404 and nothing else.
  const { take, after } = pageWindow(query);
  const { caseTaskforceId, views } = await selectCaseClueViews(caseId, caseCluesWhere(actor, query, after), take + 1);
  const page = pageOf(views, take);
  await admitCaseList(actor, caseId, caseTaskforceId, page.items.length);
  return page;
}

/**
 * listClues for the API: the same check, page, audit record and cursor, the page as JSON text written by
 * PostgreSQL and sent on as it is (decision 027).
 */
export async function listCluesJson(actor: Actor, caseId: string, query: ListCluesQuery = {}): Promise<JsonText> {
  const { take, after } = pageWindow(query);
  const page = await selectCaseClueViewsJson(caseId, caseCluesWhere(actor, query, after), take);
  await admitCaseList(actor, caseId, page.caseTaskforceId, page.count);
  const nextCursor = page.nextAfter ? encodeCursor(page.nextAfter) : null;
  return new JsonText(`{"items":${page.itemsJson},"nextCursor":${JSON.stringify(nextCursor)}}`);
}

/** The clue list's entry check on the case read with its page (null: no such case), then the read's record. */
async function admitCaseList(actor: Actor, caseId: string, caseTaskforceId: string | null, count: number): Promise<void> {
  if (caseTaskforceId === null || !canSee(actor, { type: "case", taskforceId: caseTaskforceId })) throw new NotFoundError("Case not found.");
  requirePermission(actor, "case:read", { type: "case", taskforceId: caseTaskforceId });
  await auditRead(actor, { action: "clue.list", itemType: "CASE", itemId: caseId, taskforceId: caseTaskforceId, caseId, details: { count } });
}

export interface ClueList {
  items: ClueView[];
  nextCursor: string | null;
}

/** A page of the case's clues the actor may see, newest first. For callers that made the case's entry check. */
export async function pageOfClues(actor: Actor, kase: VisibleCase, query: ListCluesQuery): Promise<ClueList> {
  const { take, after } = pageWindow(query);
  return pageOf(await selectClueViews(Prisma.sql`c."caseId" = ${kase.id} AND ${caseCluesWhere(actor, query, after)}`, take + 1), take);
}

function pageWindow(query: ListCluesQuery) {
  return { take: Math.min(query.take ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), after: query.cursor ? decodeCursor(query.cursor) : null };
}

/** The clues of a case (alias "c") this actor may see, in the query's category, after its cursor. */
function caseCluesWhere(actor: Actor, query: ListCluesQuery, after: ReturnType<typeof decodeCursor> | null): Prisma.Sql {
  return Prisma.sql`${visibleItemsSql(actor, "clue", "c")}
      ${query.category ? Prisma.sql`AND c."categoryKey" = ${query.category}` : Prisma.empty}
      ${after ? Prisma.sql`AND (c."createdAt", c."id") < (${after.createdAt.toISOString()}::timestamptz AT TIME ZONE 'UTC', ${after.id})` : Prisma.empty}`;
}

/** `take` of the `take + 1` rows asked for, and the cursor after them when the extra row says there are more. */
function pageOf(rows: ClueView[], take: number): ClueList {
  const items = rows.slice(0, take);
  return { items, nextCursor: rows.length > take ? encodeCursor(items[items.length - 1]) : null };
}

export interface ClueCategoryGroup {
  categoryKey: string;
  label: string;
  /** Clues in this category the actor may see (hidden clues are not counted). */
  count: number;
  /** The newest of them. */
  clues: ClueView[];
  /** Where the next page of this category starts, when there are more. */
  nextCursor: string | null;
}

/**
 * The case's clues the actor may see, grouped by category in display order: each category's count and its
 * `newest` clues, from one ranked query (not one per category). For callers that made the case's entry check.
 */
export async function cluesByCategory(actor: Actor, kase: VisibleCase, newest: number): Promise<ClueCategoryGroup[]> {
  const ranked = await prisma.$queryRaw<{ id: string; categoryKey: string; label: string; total: number; n: number }[]>`
    SELECT t."id", t."categoryKey", cat."label", t."total"::int AS "total", t."n"::int AS "n"
    FROM (
      SELECT c."id", c."categoryKey",
        ROW_NUMBER() OVER (PARTITION BY c."categoryKey" ORDER BY c."createdAt" DESC, c."id" DESC) AS "n",
        COUNT(*) OVER (PARTITION BY c."categoryKey") AS "total"
      FROM "Clue" c
      WHERE c."caseId" = ${kase.id} AND ${visibleItemsSql(actor, "clue", "c")}
    ) t
    JOIN "ClueCategory" cat ON cat."key" = t."categoryKey"
    WHERE t."n" = 1 OR t."n" <= ${newest}
    ORDER BY cat."sortOrder" ASC, cat."key" ASC, t."n" ASC`;
  const shownIds = ranked.filter((row) => row.n <= newest).map((row) => row.id);
  const shown = shownIds.length ? await selectClueViews(Prisma.sql`c."id" IN (${Prisma.join(shownIds)}) AND ${visibleItemsSql(actor, "clue", "c")}`, shownIds.length) : [];
  const views = new Map(shown.map((view) => [view.id, view]));
  const groups = new Map<string, ClueCategoryGroup>();
  for (const row of ranked) {
    let group = groups.get(row.categoryKey);
    if (!group) {
      group = { categoryKey: row.categoryKey, label: row.label, count: row.total, clues: [], nextCursor: null };
      groups.set(row.categoryKey, group);
    }
    const view = views.get(row.id);
    if (view && row.n <= newest) group.clues.push(view);
  }
  for (const group of groups.values()) {
    const last = group.clues.at(-1);
    if (last && group.count > group.clues.length) group.nextCursor = encodeCursor(last);
  }
  return [...groups.values()];
}

export async function getClue(actor: Actor, clueId: string): Promise<ClueDetail> {
  const row = await loadVisibleClueRow(actor, clueId);
  requirePermission(actor, "clue:read", { type: "clue", ...itemVisibility(row) });
  const [versions, leads] = await Promise.all([
    prisma.clueVersion.findMany({ where: { clueId }, orderBy: { version: "desc" } }),
    prisma.lead.findMany({
      where: { AND: [visibleLeadsWhere(actor), { clues: { some: { clueId } } }] },
      select: { id: true, title: true, status: true, handlingCode: true, caseId: true },
      orderBy: { createdAt: "desc" },
    }),
  ]);
  const recipientIds = row.recipients.map((recipient) => recipient.userId);
  const history = historyAsSeenBy(actor, row, versions);
  const users = await userRefs([row.authorId, ...recipientIds, ...history.map(({ version }) => version.editorId)]);
  await auditRead(actor, { action: "clue.read", itemType: "CLUE", itemId: clueId, taskforceId: row.taskforceId, caseId: row.caseId });
  return {
    ...toClueView(row, users),
    recipients: recipientIds.map((id) => userRefOf(users, id)!),
    versions: history.map(({ version: { id, clueId, version, editorId, changedAt }, changes }) => ({
      id,
      clueId,
      version,
      editorId,
      changedAt,
      changes,
      editor: userRefOf(users, editorId),
    })),
    leads,
  };
}

/** Stands in for the 'from' side of a change when the reader could not see the version before it. */
export const WITHHELD_VALUE = "(withheld: written under a stricter handling code)";

type VersionChanges = Record<string, { from: unknown; to: unknown }>;

/**
 * The versions this reader may see (permissions: versionsVisibleTo), newest first. A version written while the
 * reader could not see the clue is left out, and a change's earlier values are withheld when the version
 * before it was: "redact, then lower the code" and "rewrite, then send to review" hand out nothing redacted.
 */
function historyAsSeenBy(actor: Actor, row: ClueRow, versions: ClueVersion[]): { version: ClueVersion; changes: VersionChanges }[] {
  return versionsVisibleTo(actor, itemVisibility(row), versions)
    .map(({ version, sawPrevious }) => {
      const changes = version.changes as VersionChanges;
      return {
        version,
        changes: sawPrevious ? changes : Object.fromEntries(Object.entries(changes).map(([field, change]) => [field, { from: WITHHELD_VALUE, to: change.to }])),
      };
    })
    .reverse();
}

/** The fields compared for the version history; media refs and recipients as sorted lists. */
function historyFields(row: ClueRow) {
  return {
    category: row.categoryKey,
    value: row.value,
    detail: row.detail,
    confidence: row.confidence,
    handlingCode: row.handlingCode,
    sourceReliability: row.sourceReliability,
    infoAssessment: infoAssessmentNumber(row.infoAssessment),
    mediaRefs: row.mediaRefs.map((ref) => `${ref.algorithm}:${ref.value}`).sort(),
    recipientIds: row.recipients.map((recipient) => recipient.userId).sort(),
    facets: row.facets.map(formatFacetLine).sort(),
  };
}

export async function createClue(actor: Actor, caseId: string, data: CreateClueInput, options: CreateOptions = {}): Promise<Jsonified<ClueView>> {
  const kase = await loadVisibleCase(actor, caseId);
  requirePermission(actor, "clue:create", { type: "case", taskforceId: kase.taskforceId });
  await requireActiveCategory(data.category);
  const handlingCode = data.handlingCode ?? kase.defaultHandlingCode;
  const base = { taskforceId: kase.taskforceId, handlingCode, authorId: actor.id, authorAgency: actor.agency, reviewState: "NONE" as const };
  const recipientIds = await checkRecipients("recipientIds", data.recipientIds ?? [], base);
  const mediaRefs = dedupeMediaRefs(data.mediaRefs ?? []);

  const write = async (ctx: ChangeContext) => {
    screenEncodedFragments(actor, { value: data.value, detail: data.detail }, { itemType: "CLUE", caseId, taskforceId: kase.taskforceId });
    const created = await ctx.tx.clue.create({
      data: {
        caseId,
        taskforceId: kase.taskforceId,
        authorId: actor.id,
        authorAgency: actor.agency,
        categoryKey: data.category,
        value: data.value,
        detail: data.detail,
        confidence: data.confidence,
        handlingCode,
        sourceReliability: data.evaluation.sourceReliability,
        infoAssessment: `I${data.evaluation.infoAssessment}` as Clue["infoAssessment"],
        mediaRefs: { create: mediaRefs },
        recipients: { create: recipientIds.map((userId) => ({ userId })) },
        facets: { create: data.facets ?? [] },
      },
      include: clueInclude,
    });
    await ctx.tx.clueVersion.create({
      data: { clueId: created.id, version: 1, editorId: actor.id, changes: jsonSafe(diffFields({}, historyFields(created))) as Prisma.InputJsonObject, ...versionVisibility(created) },
    });
    // Correlation runs inside the write: the links exist when the create returns (decision 023).
    await correlateClue(ctx, correlatedClue(created), { replace: false });
    const view = jsonSafe((await toClueViews([created], ctx.tx))[0]);
    await ctx.audit({ action: "clue.create", itemType: "CLUE", itemId: created.id, taskforceId: created.taskforceId, caseId, details: { handlingCode } });
    await ctx.event({ taskforceId: created.taskforceId, type: "clue.created", itemType: "CLUE", itemId: created.id, visibility: itemVisibility(created), payload: view });
    return view;
  };
  return writeCreate(actor, options, { type: "clue.created" }, write, createdItemOf<Jsonified<ClueView>>);
}

function dedupeMediaRefs(refs: readonly { algorithm: MediaHashAlgorithm; value: string }[]) {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = `${ref.algorithm}:${ref.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function refuseStale(kind: string, editedVersion: number, actor: Actor, current: ClueRow | null, client: Tx | typeof prisma = prisma): Promise<never> {
  if (!current || !canSeeItem(actor, itemVisibility(current))) throw new NotFoundError("Clue not found.");
  throw new ConflictError(staleMessage(kind, editedVersion, current.version), jsonSafe((await toClueViews([current], client))[0]));
}

export async function updateClue(actor: Actor, clueId: string, data: UpdateClueInput): Promise<ClueView> {
  const current = await loadVisibleClueRow(actor, clueId);
  const handlingCode = data.handlingCode ?? current.handlingCode;
  await requireEdit(actor, { type: "clue", ...itemVisibility(current) }, { lowersCode: isLowering(current.handlingCode, handlingCode), namedIds: data.recipientIds });
  if (data.version !== current.version) await refuseStale("clue", data.version, actor, current);

  if (data.category && data.category !== current.categoryKey) await requireActiveCategory(data.category);
  const keptRecipients = current.handlingCode === "RED" ? current.recipients.map((recipient) => recipient.userId) : [];
  const recipientIds = await checkRecipients(
    "recipientIds",
    data.recipientIds ?? (handlingCode === "RED" ? keptRecipients : []),
    { ...itemVisibility(current), handlingCode },
  );
  const mediaRefs = data.mediaRefs ? dedupeMediaRefs(data.mediaRefs) : undefined;
  const before = historyFields(current);
  const after = {
    category: data.category,
    value: data.value,
    detail: data.detail,
    confidence: data.confidence,
    handlingCode,
    sourceReliability: data.evaluation?.sourceReliability,
    infoAssessment: data.evaluation?.infoAssessment,
    mediaRefs: mediaRefs?.map((ref) => `${ref.algorithm}:${ref.value}`).sort(),
    recipientIds: [...recipientIds].sort(),
    facets: data.facets?.map(formatFacetLine).sort(),
  };
  const changes = diffFields(before, after);
  if (Object.keys(changes).length === 0) return (await toClueViews([current]))[0];

  return writeChange(actor, async (ctx) => {
    screenEncodedFragments(actor, { value: data.value, detail: data.detail }, { itemType: "CLUE", itemId: clueId, caseId: current.caseId, taskforceId: current.taskforceId });
    const { count } = await ctx.tx.clue.updateMany({
      where: { id: clueId, version: data.version },
      data: {
        categoryKey: data.category,
        value: data.value,
        detail: data.detail,
        confidence: data.confidence,
        handlingCode,
        reviewState: reviewStateAfterEdit(handlingCode, current.reviewState),
        sourceReliability: data.evaluation?.sourceReliability,
        infoAssessment: data.evaluation ? (`I${data.evaluation.infoAssessment}` as Clue["infoAssessment"]) : undefined,
        version: { increment: 1 },
      },
    });
    if (count === 0) await refuseStale("clue", data.version, actor, await ctx.tx.clue.findUnique({ where: { id: clueId }, include: clueInclude }), ctx.tx);
    if (mediaRefs) {
      await ctx.tx.clueMediaRef.deleteMany({ where: { clueId } });
      await ctx.tx.clueMediaRef.createMany({ data: mediaRefs.map((ref) => ({ ...ref, clueId })) });
    }
    if (changes.facets && data.facets) {
      await ctx.tx.clueFacet.deleteMany({ where: { clueId } });
      await ctx.tx.clueFacet.createMany({ data: data.facets.map((facet) => ({ ...facet, clueId })) });
    }
    if (changes.recipientIds) {
      await ctx.tx.clueRecipient.deleteMany({ where: { clueId } });
      await ctx.tx.clueRecipient.createMany({ data: recipientIds.map((userId) => ({ clueId, userId })) });
    }
    const updated = await ctx.tx.clue.findUniqueOrThrow({ where: { id: clueId }, include: clueInclude });
    if (CORRELATED_FIELDS.some((field) => field in changes)) await correlateClue(ctx, correlatedClue(updated), { replace: true });
    await ctx.tx.clueVersion.create({
      data: { clueId, version: updated.version, editorId: actor.id, changes: jsonSafe(changes) as Prisma.InputJsonObject, ...versionVisibility(updated) },
    });
    const audited = { itemType: "CLUE", itemId: clueId, taskforceId: updated.taskforceId, caseId: updated.caseId };
    await ctx.audit({ action: "clue.update", ...audited, details: { version: updated.version, fields: Object.keys(changes) } });
    if (handlingCode !== current.handlingCode) {
      const lowered = isLowering(current.handlingCode, handlingCode);
      await ctx.audit({
        action: lowered ? "clue.lower_code" : "clue.raise_code",
        ...audited,
        details: { from: current.handlingCode, to: handlingCode, byAuthor: actor.id === current.authorId },
      });
      if (!lowered) await raiseLeadsCitingClue(ctx, clueId, handlingCode);
    }
    await withdrawAppealsOf(ctx, updated);
    const view = (await toClueViews([updated], ctx.tx))[0];
    await ctx.event({ taskforceId: updated.taskforceId, type: "clue.updated", itemType: "CLUE", itemId: clueId, visibility: itemVisibility(updated), payload: view });
    return view;
  });
}

function correlatedClue(row: ClueRow): CorrelatedClue {
  const { id, caseId, taskforceId, authorId, categoryKey, value, confidence, sourceReliability, infoAssessment, mediaRefs } = row;
  return { id, caseId, taskforceId, authorId, categoryKey, value, confidence, sourceReliability, infoAssessment, mediaRefs };
}

/**
 * Deletes a clue (its author or a coordinator, as for an edit): its versions, media ids, correlation keys,
 * links and de-confliction records go with it. A clue cited by a lead is kept: remove it from the lead first.
 */
export async function deleteClue(actor: Actor, clueId: string): Promise<{ id: string; deleted: true }> {
  const current = await loadVisibleClueRow(actor, clueId);
  await requireEdit(actor, { type: "clue", ...itemVisibility(current) }, { lowersCode: false });
  return writeChange(actor, async (ctx) => {
    if ((await ctx.tx.leadClue.count({ where: { clueId } })) > 0) {
      throw new ValidationError({ _form: ["A lead cites this clue: remove it from the lead before deleting the clue."] });
    }
    const partners = await ctx.tx.clueLink.count({ where: { clueId } });
    await ctx.tx.clue.delete({ where: { id: clueId } });
    await withdrawAppealsOf(ctx, current, true);
    const audited = { itemType: "CLUE", itemId: clueId, taskforceId: current.taskforceId, caseId: current.caseId };
    await ctx.audit({ action: "clue.delete", ...audited, details: { version: current.version, links: partners } });
    await ctx.event({ taskforceId: current.taskforceId, type: "clue.deleted", itemType: "CLUE", itemId: clueId, visibility: itemVisibility(current), payload: { id: clueId, caseId: current.caseId } });
    return { id: clueId, deleted: true as const };
  });
}

/** Who could see the clue while this version of it is current, stored with the version. */
function versionVisibility(row: ClueRow) {
  const { handlingCode, recipientIds, reviewState } = itemVisibility(row);
  return { handlingCode, recipientIds: [...recipientIds], reviewState };
}

/**
 * For reviews: change a clue's review state inside a change (no content edit, so no version bump). The current
 * version goes to review with it: the reviewed version is the one a liaison may read in the history.
 */
export async function setClueReviewState(ctx: ChangeContext, clueId: string, reviewState: Clue["reviewState"]): Promise<ClueView> {
  const updated = await ctx.tx.clue.update({ where: { id: clueId }, data: { reviewState }, include: clueInclude });
  await ctx.tx.clueVersion.updateMany({ where: { clueId, version: updated.version }, data: { reviewState } });
  await withdrawAppealsOf(ctx, updated);
  return (await toClueViews([updated], ctx.tx))[0];
}
