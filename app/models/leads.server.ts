// Leads: hypotheses citing the clues that support them. A lead is at least as strict as the strictest clue it
// cites: an explicitly looser code is refused; when a cited clue's code is raised, the lead's is raised too.
import type { HandlingCode, Lead, Prisma } from "@prisma/client";
import {
  canSeeItem,
  checkLeadOwner,
  checkRecipients,
  codeLabel,
  isLowering,
  itemVisibility,
  looserThan,
  requireEdit,
  requirePermission,
  reviewStateAfterCodeChange,
  reviewStateAfterEdit,
  strictest,
  visibleCluesWhere,
  visibleLeadsWhere,
  type Actor,
} from "~/auth/permissions.server";
import { prisma, type Tx } from "~/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { jsonSafe, type Jsonified } from "~/utils/json";
import { LEAD_STATUS_LABELS, LEAD_STATUS_TRANSITIONS, type CreateLeadInput, type LeadFilters, type UpdateLeadInput } from "~/validation/lead";
import { loadVisibleCase, type VisibleCase } from "./cases.server";
import { auditRead, createdItemOf, staleMessage, writeChange, writeCreate, type ChangeContext, type CreateOptions } from "./changes.server";
import { screenEncodedFragments } from "./encoded-fragments.server";
import { noteLinkedLeads } from "./deconfliction.server";
import { clueInclude, toClueViews, type ClueView } from "./clue-views.server";
import { userRefOf, userRefs, type UserRef } from "./users.server";

const leadInclude = {
  recipients: { select: { userId: true } },
  _count: { select: { clues: true } },
} satisfies Prisma.LeadInclude;
type LeadRow = Prisma.LeadGetPayload<{ include: typeof leadInclude }>;

/** A lead as clients receive it (the ids of the clues it cites are not included: some may be hidden). */
export interface LeadView extends Lead {
  recipientIds: string[];
  citedClueCount: number;
  author: UserRef | null;
  owner: UserRef | null;
}

export interface LeadDetail extends LeadView {
  recipients: UserRef[];
  /** The evidence chain: cited clues the actor may see. */
  clues: ClueView[];
  /** Cited clues the actor may not see: only how many, never what. */
  hiddenClueCount: number;
  caseReference: string;
}

function toLeadView(row: LeadRow, users: Map<string, UserRef>): LeadView {
  const { recipients, _count, ...rest } = row;
  return {
    ...rest,
    recipientIds: recipients.map((recipient) => recipient.userId),
    citedClueCount: _count.clues,
    author: userRefOf(users, row.authorId),
    owner: userRefOf(users, row.ownerId),
  };
}

async function toLeadViews(rows: LeadRow[], client: Tx | typeof prisma = prisma): Promise<LeadView[]> {
  const users = await userRefs(rows.flatMap((row) => [row.authorId, row.ownerId]), client);
  return rows.map((row) => toLeadView(row, users));
}

async function loadVisibleLeadRow(actor: Actor, leadId: string, client: Tx | typeof prisma = prisma): Promise<LeadRow> {
  const row = await client.lead.findUnique({ where: { id: leadId }, include: leadInclude });
  if (!row || !canSeeItem(actor, itemVisibility(row))) throw new NotFoundError("Lead not found.");
  return row;
}

/** Cited clues must be in the same case and visible to the actor; missing and hidden clues read the same. */
async function loadCitedClues(actor: Actor, caseId: string, clueIds: readonly string[]) {
  const ids = [...new Set(clueIds)];
  if (ids.length === 0) return [];
  const clues = await prisma.clue.findMany({
    where: { AND: [visibleCluesWhere(actor), { caseId, id: { in: ids } }] },
    select: { id: true, handlingCode: true },
  });
  const found = new Set(clues.map((clue) => clue.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw new ValidationError({ clueIds: missing.map((id) => `Clue ${id} was not found in this case.`) });
  return clues;
}

function refuseLooserThanClues(floor: HandlingCode | undefined, code: HandlingCode) {
  if (floor && isLowering(floor, code)) {
    throw new ValidationError({
      handlingCode: [
        `This lead cites a ${codeLabel(floor)} clue, so it must be ${codeLabel(floor)} or stricter (a lead is at least as strict as the strictest clue it cites).`,
      ],
    });
  }
}

export async function listLeads(actor: Actor, caseId: string, filters: LeadFilters = {}): Promise<LeadView[]> {
  const kase = await loadVisibleCase(actor, caseId);
  requirePermission(actor, "case:read", { type: "case", taskforceId: kase.taskforceId });
  const leads = await leadsOfCase(actor, kase, filters);
  await auditRead(actor, { action: "lead.list", itemType: "CASE", itemId: caseId, taskforceId: kase.taskforceId, caseId, details: { count: leads.length } });
  return leads;
}

/** The case's leads the actor may see, most recently changed first. For callers that made the case's entry check. */
export async function leadsOfCase(actor: Actor, kase: VisibleCase, { status, ownerId }: LeadFilters = {}): Promise<LeadView[]> {
  const rows = await prisma.lead.findMany({
    where: { AND: [visibleLeadsWhere(actor), { caseId: kase.id }, status ? { status } : {}, ownerId ? { ownerId } : {}] },
    include: leadInclude,
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
  });
  return toLeadViews(rows);
}

export async function getLead(actor: Actor, leadId: string): Promise<LeadDetail> {
  const row = await loadVisibleLeadRow(actor, leadId);
  requirePermission(actor, "lead:read", { type: "lead", ...itemVisibility(row), ownerId: row.ownerId });
  const [clueRows, kase] = await Promise.all([
    prisma.clue.findMany({
      where: { AND: [visibleCluesWhere(actor), { leads: { some: { leadId } } }] },
      include: clueInclude,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    prisma.case.findUniqueOrThrow({ where: { id: row.caseId }, select: { reference: true } }),
  ]);
  const recipientIds = row.recipients.map((recipient) => recipient.userId);
  const users = await userRefs([row.authorId, row.ownerId, ...recipientIds]);
  await auditRead(actor, { action: "lead.read", itemType: "LEAD", itemId: leadId, taskforceId: row.taskforceId, caseId: row.caseId });
  return {
    ...toLeadView(row, users),
    recipients: recipientIds.map((id) => userRefOf(users, id)!),
    clues: await toClueViews(clueRows),
    hiddenClueCount: row._count.clues - clueRows.length,
    caseReference: kase.reference,
  };
}

export async function createLead(actor: Actor, caseId: string, data: CreateLeadInput, options: CreateOptions = {}): Promise<Jsonified<LeadView>> {
  const kase = await loadVisibleCase(actor, caseId);
  requirePermission(actor, "lead:create", { type: "case", taskforceId: kase.taskforceId });
  const clues = await loadCitedClues(actor, caseId, data.clueIds ?? []);
  const clueCodes = clues.map((clue) => clue.handlingCode);
  const handlingCode = data.handlingCode ?? strictest([kase.defaultHandlingCode, ...clueCodes])!;
  refuseLooserThanClues(strictest(clueCodes), handlingCode);
  const base = { taskforceId: kase.taskforceId, handlingCode, authorId: actor.id, authorAgency: actor.agency, reviewState: "NONE" as const };
  const recipientIds = await checkRecipients("recipientIds", data.recipientIds ?? [], base);
  const ownerId = data.ownerId ?? actor.id;
  if (ownerId !== actor.id) await checkLeadOwner(ownerId, { ...base, recipientIds });

  const write = async (ctx: ChangeContext) => {
    screenEncodedFragments(actor, { title: data.title, hypothesis: data.hypothesis, statusReason: data.statusReason }, { itemType: "LEAD", caseId, taskforceId: kase.taskforceId });
    const created = await ctx.tx.lead.create({
      data: {
        caseId,
        taskforceId: kase.taskforceId,
        authorId: actor.id,
        authorAgency: actor.agency,
        ownerId,
        title: data.title,
        hypothesis: data.hypothesis,
        status: data.status,
        statusReason: data.statusReason,
        priority: data.priority,
        handlingCode,
        clues: { create: clues.map((clue) => ({ clueId: clue.id })) },
        recipients: { create: recipientIds.map((userId) => ({ userId })) },
      },
      include: leadInclude,
    });
    await noteLinkedLeads(ctx, clues.map((clue) => clue.id));
    const view = jsonSafe((await toLeadViews([created], ctx.tx))[0]);
    await ctx.audit({ action: "lead.create", itemType: "LEAD", itemId: created.id, taskforceId: created.taskforceId, caseId, details: { handlingCode, clueCount: clues.length } });
    await ctx.event({ taskforceId: created.taskforceId, type: "lead.created", itemType: "LEAD", itemId: created.id, visibility: itemVisibility(created), payload: view });
    return view;
  };
  return writeCreate(actor, options, { type: "lead.created" }, write, createdItemOf<Jsonified<LeadView>>);
}

async function refuseStale(editedVersion: number, actor: Actor, current: LeadRow | null, client: Tx | typeof prisma = prisma): Promise<never> {
  if (!current || !canSeeItem(actor, itemVisibility(current))) throw new NotFoundError("Lead not found.");
  throw new ConflictError(staleMessage("lead", editedVersion, current.version), jsonSafe((await toLeadViews([current], client))[0]));
}

export async function updateLead(actor: Actor, leadId: string, data: UpdateLeadInput): Promise<LeadView> {
  const current = await loadVisibleLeadRow(actor, leadId);
  // A lead's code is only lowered explicitly (cited clues can only raise it), so the entry check knows it now.
  const lowersCode = data.handlingCode !== undefined && isLowering(current.handlingCode, data.handlingCode);
  await requireEdit(actor, { type: "lead", ...itemVisibility(current), ownerId: current.ownerId }, { lowersCode, namedIds: data.recipientIds });
  if (data.version !== current.version) await refuseStale(data.version, actor, current);

  // Cited clues the actor cannot see stay cited: an editor cannot drop evidence they were never shown.
  const citedNow = await prisma.leadClue.findMany({ where: { leadId }, select: { clueId: true, clue: { select: { handlingCode: true } } } });
  let citedIds = citedNow.map((link) => link.clueId);
  let clueCodes = citedNow.map((link) => link.clue.handlingCode);
  if (data.clueIds) {
    const chosen = await loadCitedClues(actor, current.caseId, data.clueIds);
    const visibleNow = new Set((await prisma.clue.findMany({ where: { AND: [visibleCluesWhere(actor), { id: { in: citedIds } }] }, select: { id: true } })).map((c) => c.id));
    const hidden = citedNow.filter((link) => !visibleNow.has(link.clueId));
    citedIds = [...chosen.map((clue) => clue.id), ...hidden.map((link) => link.clueId)];
    clueCodes = [...chosen.map((clue) => clue.handlingCode), ...hidden.map((link) => link.clue.handlingCode)];
  }
  const floor = strictest(clueCodes);
  let handlingCode = data.handlingCode ?? current.handlingCode;
  if (data.handlingCode) refuseLooserThanClues(floor, handlingCode);
  else if (floor && isLowering(floor, handlingCode)) handlingCode = floor; // newly cited stricter clue: raise with it
  if (data.status && data.status !== current.status && !LEAD_STATUS_TRANSITIONS[current.status].includes(data.status)) {
    throw new ValidationError({ status: [`A lead cannot go from ${LEAD_STATUS_LABELS[current.status]} to ${LEAD_STATUS_LABELS[data.status]}.`] });
  }
  const status = data.status ?? current.status;
  const statusReason = data.statusReason ?? (data.status && data.status !== current.status ? "" : current.statusReason);
  if ((status === "CONFIRMED" || status === "DISMISSED") && !statusReason) {
    throw new ValidationError({ statusReason: ["Give a reason when confirming or dismissing a lead."] });
  }
  const keptRecipients = current.handlingCode === "RED" ? current.recipients.map((recipient) => recipient.userId) : [];
  const visibilityAfter = { ...itemVisibility(current), handlingCode };
  const recipientIds = await checkRecipients("recipientIds", data.recipientIds ?? (handlingCode === "RED" ? keptRecipients : []), visibilityAfter);
  if (data.ownerId && data.ownerId !== current.ownerId) await checkLeadOwner(data.ownerId, { ...visibilityAfter, recipientIds });

  return writeChange(actor, async (ctx) => {
    screenEncodedFragments(actor, { title: data.title, hypothesis: data.hypothesis, statusReason: data.statusReason }, { itemType: "LEAD", itemId: leadId, caseId: current.caseId, taskforceId: current.taskforceId });
    const { count } = await ctx.tx.lead.updateMany({
      where: { id: leadId, version: data.version },
      data: {
        title: data.title,
        hypothesis: data.hypothesis,
        status,
        statusReason,
        priority: data.priority,
        ownerId: data.ownerId,
        handlingCode,
        reviewState: reviewStateAfterEdit(handlingCode, current.reviewState),
        version: { increment: 1 },
      },
    });
    if (count === 0) await refuseStale(data.version, actor, await ctx.tx.lead.findUnique({ where: { id: leadId }, include: leadInclude }), ctx.tx);
    if (data.clueIds) {
      await ctx.tx.leadClue.deleteMany({ where: { leadId } });
      await ctx.tx.leadClue.createMany({ data: citedIds.map((clueId) => ({ leadId, clueId })) });
      await noteLinkedLeads(ctx, citedIds);
    }
    const recipientsChanged = JSON.stringify([...recipientIds].sort()) !== JSON.stringify(current.recipients.map((r) => r.userId).sort());
    if (recipientsChanged) {
      await ctx.tx.leadRecipient.deleteMany({ where: { leadId } });
      await ctx.tx.leadRecipient.createMany({ data: recipientIds.map((userId) => ({ leadId, userId })) });
    }
    const updated = await ctx.tx.lead.findUniqueOrThrow({ where: { id: leadId }, include: leadInclude });
    const audited = { itemType: "LEAD", itemId: leadId, taskforceId: updated.taskforceId, caseId: updated.caseId };
    const fields = Object.keys(data).filter((key) => key !== "version" && data[key as keyof typeof data] !== undefined);
    await ctx.audit({ action: "lead.update", ...audited, details: { version: updated.version, fields, status } });
    if (handlingCode !== current.handlingCode) {
      const lowered = isLowering(current.handlingCode, handlingCode);
      await ctx.audit({ action: lowered ? "lead.lower_code" : "lead.raise_code", ...audited, details: { from: current.handlingCode, to: handlingCode, byAuthor: actor.id === current.authorId } });
    }
    const view = (await toLeadViews([updated], ctx.tx))[0];
    await ctx.event({ taskforceId: updated.taskforceId, type: "lead.updated", itemType: "LEAD", itemId: leadId, visibility: itemVisibility(updated), payload: view });
    return view;
  });
}

/**
 * A cited clue's code was raised: every lead citing it that is now looser is raised to match, in the same
 * transaction (audited as "lead.raise_code" and announced), and its version bumped so stale edits conflict.
 */
export async function raiseLeadsCitingClue(ctx: ChangeContext, clueId: string, code: HandlingCode): Promise<void> {
  const looser = looserThan(code);
  if (looser.length === 0) return;
  const leads = await ctx.tx.lead.findMany({ where: { clues: { some: { clueId } }, handlingCode: { in: [...looser] } }, include: leadInclude });
  for (const lead of leads) {
    const updated = await ctx.tx.lead.update({
      where: { id: lead.id },
      data: { handlingCode: code, reviewState: reviewStateAfterCodeChange(code, lead.reviewState), version: { increment: 1 } },
      include: leadInclude,
    });
    await ctx.audit({
      action: "lead.raise_code",
      itemType: "LEAD",
      itemId: lead.id,
      taskforceId: lead.taskforceId,
      caseId: lead.caseId,
      details: { from: lead.handlingCode, to: code, becauseClueId: clueId },
    });
    const view = (await toLeadViews([updated], ctx.tx))[0];
    await ctx.event({ taskforceId: lead.taskforceId, type: "lead.updated", itemType: "LEAD", itemId: lead.id, visibility: itemVisibility(updated), payload: view });
  }
}

/** For reviews: change a lead's review state inside a change (no content edit, so no version bump). */
export async function setLeadReviewState(ctx: ChangeContext, leadId: string, reviewState: Lead["reviewState"]): Promise<LeadView> {
  const updated = await ctx.tx.lead.update({ where: { id: leadId }, data: { reviewState }, include: leadInclude });
  return (await toLeadViews([updated], ctx.tx))[0];
}
