// De-confliction (issue 13): a link between clues of two taskforces that neither side may see whole. Each
// side's coordinators and liaisons see their own side's item only (their clue, the kind of link, whom to ask)
// and act on it: request contact, accept (both sides then see each other's clue reference and contact point)
// or decline (the reason stays on the decliner's side). Every step is audited and told live to both sides.
import { Prisma, type CorrelationKind, type DeconflictionStatus } from "@prisma/client";
import { can, canSeeItem, ITEM_VISIBILITY_SELECT, itemVisibility, mayKnowOfItem, OPEN_HANDLING_CODES_SQL, requirePermission, workingTaskforceIds, type Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import type { DeconflictionStepInput } from "~/validation/correlation";
import { auditRead, writeChange, type ChangeContext } from "./changes.server";
import { announceCorrelationNotices, deconflictionNoticesFor, type CorrelationNotice } from "./correlation-notices.server";
import { contactsOf, type Contact } from "./correlation.server";

type Side = "A" | "B";

export interface DeconflictionItem {
  id: string;
  side: Side;
  status: DeconflictionStatus;
  kind: CorrelationKind;
  /** Both taskforces hold leads citing the linked clues. */
  leadsOnBothSides: boolean;
  updatedAt: string;
  /** This side's clue (its value only when the reader may see the clue itself: a liaison before review may not). */
  ownClue: { id: string; caseId: string; caseReference: string; value: string | null };
  /** Who asked for contact: this side, the other, or nobody yet. */
  requestedBy: "us" | "them" | null;
  /** Why this side declined (never shown to the other side). */
  declineReason: string | null;
  /** Whom to ask on the other side: its liaison (or coordinator). */
  contact: Contact | null;
  /** After both sides agreed: the other side's clue reference and contact point. */
  disclosed: { clueId: string; caseId: string; caseReference: string; contact: Contact | null } | null;
  mayRequest: boolean;
  mayAnswer: boolean;
}

const sideSelect = { select: { id: true, caseId: true, value: true, ...ITEM_VISIBILITY_SELECT, case: { select: { reference: true } } } } as const;
const recordInclude = { clueA: sideSelect, clueB: sideSelect } satisfies Prisma.DeconflictionInclude;
type RecordRow = Prisma.DeconflictionGetPayload<{ include: typeof recordInclude }>;

const other = (side: Side): Side => (side === "A" ? "B" : "A");
const taskforceOf = (row: Pick<RecordRow, "taskforceAId" | "taskforceBId">, side: Side) => (side === "A" ? row.taskforceAId : row.taskforceBId);
const clueOf = (row: RecordRow, side: Side) => (side === "A" ? row.clueA : row.clueB);

/**
 * The sides of the record this actor works on (both only for a member of both taskforces): those of their
 * taskforces whose clue they may see. A TLP:RED or AMBER+STRICT clue's side is for whoever may read it; a
 * coordinator who may not would otherwise learn of it, and by accepting disclose it to the other side.
 */
function sidesOf(actor: Actor, row: RecordRow): Side[] {
  return (["A", "B"] as const).filter(
    (side) => can(actor, "deconfliction:read", { type: "taskforce", taskforceId: taskforceOf(row, side) }) && mayKnowOfItem(actor, itemVisibility(clueOf(row, side))),
  );
}

async function contactsByUser(userIds: (string | null)[]): Promise<Map<string, Contact>> {
  const ids = [...new Set(userIds.filter((id): id is string => Boolean(id)))];
  if (ids.length === 0) return new Map();
  const users = await prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, displayName: true, email: true, agency: true } });
  return new Map(users.map(({ id, ...contact }) => [id, contact]));
}

async function toItems(actor: Actor, rows: RecordRow[]): Promise<DeconflictionItem[]> {
  const liaisons = await contactsOf([...new Set(rows.flatMap((row) => [row.taskforceAId, row.taskforceBId]))]);
  const people = await contactsByUser(rows.flatMap((row) => [row.requestedById, row.decidedById]));
  return rows.flatMap((row) =>
    sidesOf(actor, row).map((side): DeconflictionItem => {
      const own = clueOf(row, side);
      const theirs = clueOf(row, other(side));
      const requestedBy = row.requestedSide === null ? null : row.requestedSide === side ? "us" : "them";
      // The other side's contact point once they agreed: whoever acted for them (the requester or the accepter).
      const theirActor = requestedBy === "them" ? row.requestedById : row.decidedById;
      const mayAct = can(actor, "deconfliction:act", { type: "taskforce", taskforceId: taskforceOf(row, side) });
      return {
        id: row.id,
        side,
        status: row.status,
        kind: row.kind,
        leadsOnBothSides: row.leadsOnBothSides,
        updatedAt: row.updatedAt.toISOString(),
        ownClue: { id: own.id, caseId: own.caseId, caseReference: own.case.reference, value: canSeeItem(actor, itemVisibility(own)) ? own.value : null },
        requestedBy,
        declineReason: row.status === "DECLINED" && requestedBy === "them" ? row.declineReason : null,
        contact: liaisons.get(taskforceOf(row, other(side))) ?? null,
        disclosed:
          row.status === "ACCEPTED"
            ? { clueId: theirs.id, caseId: theirs.caseId, caseReference: theirs.case.reference, contact: (theirActor && people.get(theirActor)) || null }
            : null,
        mayRequest: mayAct && row.status === "OPEN",
        mayAnswer: mayAct && row.status === "REQUESTED" && requestedBy === "them",
      };
    }),
  );
}

/** The de-confliction queue of a coordinator or liaison: their taskforces' sides, open and asked first. */
export async function deconflictionQueue(actor: Actor): Promise<DeconflictionItem[]> {
  const taskforceIds = workingTaskforceIds(actor).filter((taskforceId) => can(actor, "deconfliction:read", { type: "taskforce", taskforceId }));
  if (taskforceIds.length === 0) throw new NotFoundError();
  const found = await prisma.deconfliction.findMany({
    where: { OR: [{ taskforceAId: { in: taskforceIds } }, { taskforceBId: { in: taskforceIds } }] },
    include: recordInclude,
    orderBy: [{ updatedAt: "desc" }],
    take: 500,
  });
  // A declined pair that is no longer linked keeps its record (the decline stands if they link again), out of the queue.
  const linked = await linkedRecords(found.filter((row) => row.status === "DECLINED").map((row) => row.id));
  const rows = found.filter((row) => row.status !== "DECLINED" || linked.has(row.id));
  const order: Record<DeconflictionStatus, number> = { REQUESTED: 0, OPEN: 1, ACCEPTED: 2, DECLINED: 3 };
  const items = (await toItems(actor, rows)).sort((a, b) => order[a.status] - order[b.status]);
  await auditRead(actor, { action: "deconfliction.list", details: { count: items.length } });
  return items;
}

/** Which of these de-confliction records' pairs are linked now. */
async function linkedRecords(ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    SELECT d."id" FROM "Deconfliction" d
    WHERE d."id" IN (${Prisma.join(ids)}) AND EXISTS (SELECT 1 FROM "ClueLink" l WHERE l."clueId" = d."clueAId" AND l."otherClueId" = d."clueBId")`;
  return new Set(rows.map((row) => row.id));
}

const STEP_RESULT: Record<DeconflictionStepInput["step"], { from: DeconflictionStatus; to: DeconflictionStatus; notice: CorrelationNotice["type"] }> = {
  REQUEST: { from: "OPEN", to: "REQUESTED", notice: "deconfliction.requested" },
  ACCEPT: { from: "REQUESTED", to: "ACCEPTED", notice: "deconfliction.accepted" },
  DECLINE: { from: "REQUESTED", to: "DECLINED", notice: "deconfliction.declined" },
};

/** One side's step on a de-confliction: request contact, accept or decline (with a reason kept on that side). */
export async function stepDeconfliction(actor: Actor, id: string, input: DeconflictionStepInput): Promise<DeconflictionItem> {
  const row = await prisma.deconfliction.findUnique({ where: { id }, include: recordInclude });
  const sides = row ? sidesOf(actor, row) : [];
  if (!row || sides.length === 0) throw new NotFoundError("De-confliction not found.");
  const step = STEP_RESULT[input.step];
  if (input.step === "DECLINE" && !input.reason.trim()) throw new ValidationError({ reason: ["Say why you decline (only your side will see it)."] });
  // The side acting: for a request, any side of the actor's; for an answer, the side that was asked.
  const side = input.step === "REQUEST" ? sides[0] : sides.find((candidate) => row.requestedSide !== null && row.requestedSide !== candidate);
  if (!side) throw new ValidationError({ step: ["Only the other taskforce can answer your request."] });
  requirePermission(actor, "deconfliction:act", { type: "taskforce", taskforceId: taskforceOf(row, side) });
  if (row.status !== step.from) {
    throw new ValidationError({ step: [`This de-confliction is ${row.status.toLowerCase()}; it cannot be ${input.step === "REQUEST" ? "requested" : input.step.toLowerCase() + "ed"} now.`] });
  }
  await writeChange(actor, async (ctx) => {
    const { count } = await ctx.tx.deconfliction.updateMany({
      where: { id, status: step.from },
      data:
        input.step === "REQUEST"
          ? { status: step.to, requestedSide: side, requestedById: actor.id }
          : { status: step.to, decidedById: actor.id, declineReason: input.step === "DECLINE" ? input.reason : "" },
    });
    if (count === 0) throw new ValidationError({ step: ["Someone else acted on this de-confliction just now; reload it."] });
    // The audit record is the acting side's: the reason is kept there, the other side's record never holds it.
    await ctx.audit({
      action: `deconfliction.${input.step.toLowerCase()}`,
      itemType: "DECONFLICTION",
      itemId: id,
      taskforceId: taskforceOf(row, side),
      caseId: clueOf(row, side).caseId,
      details: { side, kind: row.kind, ...(input.step === "DECLINE" ? { reason: input.reason } : {}) },
    });
    const notices = await deconflictionNoticesFor(ctx.tx, [row], step.notice, { authors: input.step === "ACCEPT" });
    ctx.afterCommit(() => announceCorrelationNotices(notices));
  });
  const updated = await prisma.deconfliction.findUniqueOrThrow({ where: { id }, include: recordInclude });
  return (await toItems(actor, [updated])).find((item) => item.side === side)!;
}

/**
 * Leads cite clues: when both taskforces of a de-confliction hold leads citing its clues, both sides'
 * coordinators (and liaisons) are told, once, as for any de-confliction step. Called inside the lead's write.
 * Only leads their whole taskforce may read count: the news that a TLP:RED or AMBER+STRICT lead cites a linked
 * clue would tell its coordinators it exists.
 */
export async function noteLinkedLeads(ctx: ChangeContext, clueIds: readonly string[]): Promise<void> {
  if (clueIds.length === 0) return;
  const rows = await ctx.tx.$queryRaw<{ id: string; kind: CorrelationKind; clueAId: string; clueBId: string; taskforceAId: string; taskforceBId: string; caseAId: string }[]>`
    UPDATE "Deconfliction" d SET "leadsOnBothSides" = true, "updatedAt" = now()
    WHERE (d."clueAId" IN (${Prisma.join(clueIds)}) OR d."clueBId" IN (${Prisma.join(clueIds)}))
      AND NOT d."leadsOnBothSides"
      AND EXISTS (SELECT 1 FROM "ClueLink" l WHERE l."clueId" = d."clueAId" AND l."otherClueId" = d."clueBId")
      AND EXISTS (SELECT 1 FROM "LeadClue" la JOIN "Lead" l ON l."id" = la."leadId" WHERE la."clueId" = d."clueAId" AND l."handlingCode" IN ${OPEN_HANDLING_CODES_SQL})
      AND EXISTS (SELECT 1 FROM "LeadClue" lb JOIN "Lead" l ON l."id" = lb."leadId" WHERE lb."clueId" = d."clueBId" AND l."handlingCode" IN ${OPEN_HANDLING_CODES_SQL})
    RETURNING d."id", d."kind", d."clueAId", d."clueBId", d."taskforceAId", d."taskforceBId", d."caseAId"`;
  if (rows.length === 0) return;
  for (const row of rows) {
    await ctx.audit({ action: "deconfliction.leads", itemType: "DECONFLICTION", itemId: row.id, taskforceId: row.taskforceAId, caseId: row.caseAId, details: { kind: row.kind } });
  }
  const notices = await deconflictionNoticesFor(ctx.tx, rows, "deconfliction.leads");
  ctx.afterCommit(() => announceCorrelationNotices(notices));
}
