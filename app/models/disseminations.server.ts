// Dissemination: a liaison sends an approved lead, with its approved clues (the redacted copies where a liaison
// redacted them), to a partner agency's contact point under a Europol handling code. The record freezes exactly
// what was sent; the lead may change afterwards, the package never does (decision 020). Administrators keep the
// list of contact points.
import type { Dissemination, DisseminationRecipient, HandlingCode, Prisma } from "@prisma/client";
import {
  ADMINISTRATION,
  canSee,
  canSeeItem,
  hasGrant,
  itemVisibility,
  requirePermission,
  strictest,
  visibleCluesWhere,
  workingTaskforceIds,
  type Actor,
} from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import {
  EUROPOL_HANDLING_CODE_MEANINGS,
  type CreateDisseminationInput,
  type EuropolHandlingCodeName,
  type NewRecipientInput,
  type RecipientUpdateInput,
} from "~/validation/dissemination";
import { auditRead, writeChange } from "./changes.server";
import { infoAssessmentNumber } from "./clue-views.server";
import { standingApprovals } from "./reviews.server";
import { userRefs } from "./users.server";

// ---- contact points ---------------------------------------------------------------------------------------

export type RecipientView = Pick<DisseminationRecipient, "id" | "country" | "agency" | "contactPoint" | "active" | "createdAt">;
const recipientSelect = { id: true, country: true, agency: true, contactPoint: true, active: true, createdAt: true } as const;
const recipientOrder = [{ country: "asc" }, { agency: "asc" }, { contactPoint: "asc" }] satisfies Prisma.DisseminationRecipientOrderByWithRelationInput[];

/** Every contact point (administrators), or the active ones for whoever may disseminate (liaisons). */
export async function listRecipients(actor: Actor): Promise<RecipientView[]> {
  if (canSee(actor, ADMINISTRATION) && hasGrant(actor, "recipient:manage")) {
    return prisma.disseminationRecipient.findMany({ select: recipientSelect, orderBy: recipientOrder });
  }
  if (!hasGrant(actor, "lead:disseminate")) throw new NotFoundError();
  return prisma.disseminationRecipient.findMany({ where: { active: true }, select: recipientSelect, orderBy: recipientOrder });
}

export async function createRecipient(actor: Actor, input: NewRecipientInput): Promise<RecipientView> {
  requirePermission(actor, "recipient:manage", ADMINISTRATION);
  const existing = await prisma.disseminationRecipient.findUnique({ where: { country_agency_contactPoint: input } });
  if (existing) throw new ValidationError({ contactPoint: ["This contact point is already on the list."] });
  return writeChange(actor, async (ctx) => {
    const created = await ctx.tx.disseminationRecipient.create({ data: input, select: recipientSelect });
    await ctx.audit({ action: "recipient.create", itemType: "RECIPIENT", itemId: created.id, details: { country: input.country, agency: input.agency } });
    return created;
  });
}

export async function updateRecipient(actor: Actor, recipientId: string, input: RecipientUpdateInput): Promise<RecipientView> {
  requirePermission(actor, "recipient:manage", ADMINISTRATION);
  const current = await prisma.disseminationRecipient.findUnique({ where: { id: recipientId } });
  if (!current) throw new NotFoundError("No such contact point.");
  return writeChange(actor, async (ctx) => {
    const updated = await ctx.tx.disseminationRecipient.update({ where: { id: recipientId }, data: { active: input.active }, select: recipientSelect });
    await ctx.audit({ action: "recipient.update", itemType: "RECIPIENT", itemId: recipientId, details: { active: input.active } });
    return updated;
  });
}

// ---- packages -----------------------------------------------------------------------------------------------

/** Exactly what was sent, frozen at sending (the JSON download; its schema is DisseminationPackage in the OpenAPI document). */
export interface DisseminationPackage {
  /** The strictest TLP code of what was sent. */
  handlingCode: HandlingCode;
  europolCode: EuropolHandlingCodeName;
  europolMeaning: string;
  restriction: string;
  note: string;
  recipient: { country: string; agency: string; contactPoint: string };
  sentBy: { displayName: string; agency: string };
  sentAt: string;
  lead: { title: string; hypothesis: string; handlingCode: HandlingCode; redacted: boolean; approvedBy: string; approvedAt: string };
  /** The lead's approved clues, each as approved (redacted where the liaison redacted it), with its 4x4 evaluation. */
  clues: {
    category: string;
    value: string;
    detail: string;
    handlingCode: HandlingCode;
    evaluation: { sourceReliability: string; infoAssessment: number; code: string };
    redacted: boolean;
  }[];
}

export interface DisseminationView {
  id: string;
  leadId: string;
  caseId: string;
  taskforceId: string;
  recipientId: string;
  handlingCode: HandlingCode;
  europolCode: EuropolHandlingCodeName;
  sentById: string;
  sentAt: Date;
  package: DisseminationPackage;
}

function toView(row: Dissemination): DisseminationView {
  const { id, leadId, caseId, taskforceId, recipientId, handlingCode, europolCode, sentById, sentAt } = row;
  return { id, leadId, caseId, taskforceId, recipientId, handlingCode, europolCode, sentById, sentAt, package: row.package as unknown as DisseminationPackage };
}

const redactedText = (redaction: unknown, field: string, original: string): string => {
  const copy = redaction as Record<string, string> | null;
  return copy && typeof copy[field] === "string" ? copy[field] : original;
};

/**
 * Sends an approved lead: 404 when the liaison may not see it, 403 for anyone who may not disseminate, 422 when
 * it is not approved (now) or the contact point is not on the list.
 */
export async function disseminateLead(actor: Actor, leadId: string, input: CreateDisseminationInput): Promise<DisseminationView> {
  const lead = await prisma.lead.findUnique({ where: { id: leadId }, include: { recipients: { select: { userId: true } } } });
  if (!lead || !canSeeItem(actor, itemVisibility(lead))) throw new NotFoundError("Lead not found.");
  requirePermission(actor, "lead:disseminate", { type: "lead", ...itemVisibility(lead), ownerId: lead.ownerId });
  if (lead.reviewState !== "APPROVED") {
    throw new ValidationError({ leadId: ["Only a lead a liaison has approved can be disseminated; this one is not approved (an edit since the approval voids it)."] });
  }
  const recipient = await prisma.disseminationRecipient.findUnique({ where: { id: input.recipientId } });
  if (!recipient || !recipient.active) throw new ValidationError({ recipientId: ["Choose a contact point from the list."] });

  // Only cited clues a liaison approved leave, each as approved; the others stay in the taskforce, unmentioned.
  const clues = await prisma.clue.findMany({
    where: { AND: [visibleCluesWhere(actor), { leads: { some: { leadId } }, reviewState: "APPROVED" }] },
    include: { category: { select: { label: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const [leadApprovals, clueApprovals, citedCount] = await Promise.all([
    standingApprovals("LEAD", [leadId]),
    standingApprovals("CLUE", clues.map((clue) => clue.id)),
    prisma.leadClue.count({ where: { leadId } }),
  ]);
  const leadApproval = leadApprovals.get(leadId);
  if (!leadApproval) throw new ValidationError({ leadId: ["This lead's approval was not found; ask for review again."] });
  const approver = (await userRefs([leadApproval.reviewerId])).get(leadApproval.reviewerId);
  const handlingCode = strictest([lead.handlingCode, ...clues.map((clue) => clue.handlingCode)])!;
  const sentAt = new Date();
  const europolCode = input.handlingCode;
  const sent: DisseminationPackage = {
    handlingCode,
    europolCode,
    europolMeaning: EUROPOL_HANDLING_CODE_MEANINGS[europolCode],
    restriction: input.restriction,
    note: input.note,
    recipient: { country: recipient.country, agency: recipient.agency, contactPoint: recipient.contactPoint },
    sentBy: { displayName: actor.displayName, agency: actor.agency },
    sentAt: sentAt.toISOString(),
    lead: {
      title: redactedText(leadApproval.redaction, "title", lead.title),
      hypothesis: redactedText(leadApproval.redaction, "hypothesis", lead.hypothesis),
      handlingCode: lead.handlingCode,
      redacted: leadApproval.redaction !== null,
      approvedBy: approver ? `${approver.displayName} (${approver.agency})` : "Unknown user",
      approvedAt: leadApproval.createdAt.toISOString(),
    },
    clues: clues.map((clue) => {
      const approval = clueApprovals.get(clue.id);
      const infoAssessment = infoAssessmentNumber(clue.infoAssessment);
      return {
        category: clue.category.label,
        value: redactedText(approval?.redaction ?? null, "value", clue.value),
        detail: redactedText(approval?.redaction ?? null, "detail", clue.detail),
        handlingCode: clue.handlingCode,
        evaluation: { sourceReliability: clue.sourceReliability, infoAssessment, code: `${clue.sourceReliability}${infoAssessment}` },
        redacted: Boolean(approval?.redaction),
      };
    }),
  };
  const row = await writeChange(actor, async (ctx) => {
    const created = await ctx.tx.dissemination.create({
      data: {
        leadId,
        caseId: lead.caseId,
        taskforceId: lead.taskforceId,
        recipientId: recipient.id,
        handlingCode,
        europolCode,
        restriction: input.restriction,
        note: input.note,
        package: sent as unknown as Prisma.InputJsonValue,
        sentById: actor.id,
        sentAt,
      },
    });
    await ctx.audit({
      action: "dissemination.create",
      itemType: "LEAD",
      itemId: leadId,
      taskforceId: lead.taskforceId,
      caseId: lead.caseId,
      details: { disseminationId: created.id, recipientId: recipient.id, handlingCode, europolCode, clueCount: clues.length, cluesLeftOut: citedCount - clues.length },
    });
    return created;
  });
  return toView(row);
}

/** The disseminations the actor may see (their taskforces'), newest first. */
export async function listDisseminations(actor: Actor, filters: { leadId?: string } = {}): Promise<DisseminationView[]> {
  if (!hasGrant(actor, "dissemination:read")) throw new NotFoundError();
  const rows = await prisma.dissemination.findMany({
    where: { taskforceId: { in: workingTaskforceIds(actor) }, ...(filters.leadId ? { leadId: filters.leadId } : {}) },
    orderBy: [{ sentAt: "desc" }, { id: "desc" }],
  });
  await auditRead(actor, { action: "dissemination.list", itemType: filters.leadId ? "LEAD" : undefined, itemId: filters.leadId, details: { count: rows.length } });
  return rows.map(toView);
}

/** One package, as sent; `format` says how it was read (the audit trail tells a JSON download from a printout). */
export async function getDissemination(actor: Actor, disseminationId: string, format: "view" | "json" | "report" = "view"): Promise<DisseminationView> {
  const row = await prisma.dissemination.findUnique({ where: { id: disseminationId } });
  if (!row) throw new NotFoundError("Dissemination not found.");
  requirePermission(actor, "dissemination:read", { type: "dissemination", taskforceId: row.taskforceId });
  await auditRead(actor, { action: "dissemination.read", itemType: "LEAD", itemId: row.leadId, taskforceId: row.taskforceId, caseId: row.caseId, details: { disseminationId, format } });
  return toView(row);
}
