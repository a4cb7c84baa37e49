// Leads in the taskforce room: sharing a lead with the room, and claiming one ("I am working this one").
// Claims live on Lead.claimedById/claimExpiresAt and lapse on their own after the claim time (2 h by default).
import { Prisma, type Lead } from "@prisma/client";
import { actionableItemsSql, checkClaimHolder, hasGrant, itemVisibility, requirePermission, visibleLeadsWhere, type Actor, type Action, type ItemResource, type ItemVisibility } from "~/auth/permissions.server";
import { getDatabase, prisma, statementsOf, type StatementRunner } from "~/db.server";
import type { StoredRoomEvent } from "~/models/rooms.server";
import type { ClaimView } from "~/realtime/protocol";
import { listMyTaskforces } from "~/models/taskforces.server";
import { AppError, ForbiddenError, NotFoundError } from "~/utils/errors.server";
import { auditRead, writeChange, writeDecidedCreate, writeGuardedCreate, type CreateOptions } from "./changes.server";
import { leadSharedText } from "~/utils/notice-text";
import { announceLeadShare } from "./notifications.server";
import { userRefs } from "./users.server";

/** How long a claim lasts; LEAD_CLAIM_TTL_MINUTES overrides the default of two hours. */
export function claimTtlMs(env: NodeJS.ProcessEnv = process.env): number {
  const minutes = Number(env.LEAD_CLAIM_TTL_MINUTES);
  return (Number.isFinite(minutes) && minutes > 0 ? minutes : 120) * 60_000;
}

/** A claim whose time is up is no claim. */
export function activeClaimant(lead: Pick<Lead, "claimedById" | "claimExpiresAt">, now = new Date()): string | null {
  return lead.claimedById && lead.claimExpiresAt && lead.claimExpiresAt > now ? lead.claimedById : null;
}

type LeadWithRecipients = Lead & { recipients: { userId: string }[] };

function leadResource(lead: LeadWithRecipients): ItemResource {
  return { type: "lead", ownerId: lead.ownerId, ...itemVisibility(lead) };
}

/**
 * The lead, if the actor may do `action` on it; NotFoundError when they may not see it. Inside a transaction the
 * row is locked, and read with its recipients and its case's reference in the same statement (one round trip
 * before a shared lead is announced: issue 9's fan-out).
 */
async function loadLeadFor(actor: Actor, leadId: string, action: Action, statements?: StatementRunner): Promise<LeadWithRecipients & Partial<ReadLeadExtras>> {
  const lead = statements ? await readLead(statements, leadId, { lock: true }) : await prisma.lead.findUnique({ where: { id: leadId }, include: { recipients: { select: { userId: true } } } });
  if (!lead) throw new NotFoundError("Lead not found.");
  requirePermission(actor, action, leadResource(lead));
  return lead;
}

/** What leadStatement reads beside the lead's own columns. */
interface ReadLeadExtras {
  caseReference: string;
  rowVersion: string;
  claimHolderName: string | null;
}
type LeadRow = Lead & ReadLeadExtras & { recipientIds: string[] };

/** The lead as leadStatement reads it (locked inside a write, or not for a guarded create), or null. */
async function readLead(statements: StatementRunner, leadId: string, options: { lock: boolean }): Promise<(LeadWithRecipients & ReadLeadExtras) | null> {
  const [row] = await statements<LeadRow>(leadStatement(leadId, options));
  if (!row) return null;
  const { recipientIds, ...lead } = row;
  return { ...lead, recipients: recipientIds.map((userId) => ({ userId })) };
}

/**
 * The lead with its recipients, its case's reference, its claim holder's name and its row version (xmin, which
 * every update of the row changes), in one statement: locked inside a write, or as read for a guarded create.
 */
function leadStatement(leadId: string, { lock }: { lock: boolean }): Prisma.Sql {
  return Prisma.sql`
    SELECT l."id", l."caseId", l."taskforceId", l."authorId", l."authorAgency", l."ownerId", l."title", l."hypothesis",
      l."status"::text AS "status", l."statusReason", l."priority"::text AS "priority", l."handlingCode"::text AS "handlingCode",
      l."reviewState"::text AS "reviewState", l."claimedById", l."claimExpiresAt" AT TIME ZONE 'UTC' AS "claimExpiresAt", l."version",
      l."createdAt" AT TIME ZONE 'UTC' AS "createdAt", l."updatedAt" AT TIME ZONE 'UTC' AS "updatedAt",
      COALESCE(ARRAY(SELECT r."userId" FROM "LeadRecipient" r WHERE r."leadId" = l."id"), '{}') AS "recipientIds",
      k."reference" AS "caseReference", l.xmin::text AS "rowVersion",
      (SELECT u."displayName" FROM "User" u WHERE u."id" = l."claimedById") AS "claimHolderName"
    FROM "Lead" l JOIN "Case" k ON k."id" = l."caseId"
    WHERE l."id" = ${leadId}
    ${lock ? Prisma.sql`FOR UPDATE OF l` : Prisma.empty}`;
}

/** The claim as the room shows it; the holder's name is read unless the lead was read with it (leadStatement). */
async function claimViewOf(
  lead: Pick<Lead, "id" | "claimedById" | "claimExpiresAt"> & { claimHolderName?: string | null },
  statements: StatementRunner = statementsOf(getDatabase().sql),
): Promise<ClaimView> {
  const holderId = activeClaimant(lead);
  if (!holderId) return { leadId: lead.id, holder: null, expiresAt: null };
  if (lead.claimHolderName !== undefined) return claimView(lead, lead.claimHolderName);
  const [holder] = await statements<{ displayName: string }>(Prisma.sql`SELECT u."displayName" FROM "User" u WHERE u."id" = ${holderId}`);
  return claimView(lead, holder?.displayName ?? null);
}

/** The claim as the room shows it, with its holder's name when it is known. */
function claimView(lead: Pick<Lead, "id" | "claimedById" | "claimExpiresAt">, holderName: string | null): ClaimView {
  const holderId = activeClaimant(lead);
  if (!holderId) return { leadId: lead.id, holder: null, expiresAt: null };
  return { leadId: lead.id, holder: { id: holderId, displayName: holderName ?? "Unknown user" }, expiresAt: lead.claimExpiresAt?.toISOString() ?? null };
}

function leadSummary(lead: Lead) {
  const { id, caseId, title, hypothesis, status, priority, handlingCode, reviewState, version } = lead;
  return { id, caseId, title, hypothesis, status, priority, handlingCode, reviewState, version };
}

/**
 * Shares a lead with its taskforce room (everyone who may see the lead), with an optional note. With an
 * idempotency key the share happens once per actor and key: a retry gets the first stored event back.
 * Decided and written in one statement when it can be (the room hears of it one round trip after the request:
 * issue 9's fan-out, decision 033); otherwise, and for every refusal and retry, as a guarded create decided here
 * (decision 030).
 */
export async function shareLead(actor: Actor, leadId: string, note = "", options: CreateOptions = {}): Promise<StoredRoomEvent> {
  const shared = await writeDecidedCreate<{ ownerId: string | null; title: string }>(actor, options, {
    source: (confirmedWhere) => sharedLeadSource(actor, leadId, note, confirmedWhere),
    extra: Prisma.sql`s."ownerId", s."title"`,
    audit: [{ action: "lead.share", itemType: "LEAD", details: { note } }],
    event: { type: "lead.shared", itemType: "LEAD" },
    afterAnnounce: (stored, lead) => {
      const about: ItemResource = { type: "lead", ownerId: lead.ownerId, ...(stored.visibility as ItemVisibility) };
      announceLeadShare(actor.id, { kind: "lead.shared", about, itemType: "LEAD", itemId: leadId, text: leadSharedText(actor.displayName, lead.title) }, stored);
    },
  });
  if (shared) return shared;
  return writeGuardedCreate(actor, options, { type: "lead.shared", itemId: leadId }, async (statements) => {
    const lead = await readLead(statements, leadId, { lock: false });
    if (!lead) throw new NotFoundError("Lead not found.");
    requirePermission(actor, "lead:share", leadResource(lead));
    return {
      guard: Prisma.sql`SELECT FROM "Lead" WHERE "id" = ${lead.id} AND xmin::text = ${lead.rowVersion} FOR UPDATE`,
      audit: [{ action: "lead.share", itemType: "LEAD", itemId: lead.id, taskforceId: lead.taskforceId, caseId: lead.caseId, details: { note } }],
      event: {
        taskforceId: lead.taskforceId,
        type: "lead.shared",
        itemType: "LEAD",
        itemId: lead.id,
        visibility: itemVisibility(lead),
        payload: { lead: { ...leadSummary(lead), caseReference: lead.caseReference }, note, sharedBy: { id: actor.id, displayName: actor.displayName }, claim: claimView(lead, lead.claimHolderName) },
      },
      // Pages elsewhere are told after the room heard it; each member's notice is written when they read (decision 021).
      afterAnnounce: (shared) => announceLeadShare(actor.id, { kind: "lead.shared", about: leadResource(lead), itemType: "LEAD", itemId: lead.id, text: leadSharedText(actor.displayName, lead.title) }, shared),
    };
  });
}

/**
 * The lead to share, locked, only if the actor may share it (and, for a socket's event, while its credential holds:
 * `confirmedWhere`), with the room event's visibility and payload built from the row as locked: the same objects as
 * itemVisibility, leadSummary and claimView make (a test compares the two paths' events). A share that waits on the
 * lock while the lead changes sees the new row (PostgreSQL re-evaluates a locked row's condition and columns).
 * RED leads are left to the guarded create: their audience is the LeadRecipient rows, which a re-evaluation after
 * the lock would read as they were when the statement began, not as the change that raised the code left them.
 */
function sharedLeadSource(actor: Actor, leadId: string, note: string, confirmedWhere: ((taskforceId: Prisma.Sql) => Prisma.Sql) | undefined): Prisma.Sql {
  const claimed = Prisma.sql`l."claimedById" IS NOT NULL AND l."claimExpiresAt" AT TIME ZONE 'UTC' > now()`;
  return Prisma.sql`
    SELECT l."id" AS "itemId", l."taskforceId", l."caseId", l."ownerId", l."title",
      jsonb_build_object('taskforceId', l."taskforceId", 'handlingCode', l."handlingCode"::text, 'authorId', l."authorId",
        'authorAgency', l."authorAgency", 'reviewState', l."reviewState"::text,
        'recipientIds', to_jsonb(COALESCE(ARRAY(SELECT r."userId" FROM "LeadRecipient" r WHERE r."leadId" = l."id"), '{}'))) AS "visibility",
      jsonb_build_object(
        'lead', jsonb_build_object('id', l."id", 'caseId', l."caseId", 'title', l."title", 'hypothesis', l."hypothesis", 'status', l."status"::text,
          'priority', l."priority"::text, 'handlingCode', l."handlingCode"::text, 'reviewState', l."reviewState"::text, 'version', l."version",
          'caseReference', k."reference"),
        'note', ${note}::text,
        'sharedBy', jsonb_build_object('id', ${actor.id}::text, 'displayName', ${actor.displayName}::text),
        'claim', jsonb_build_object('leadId', l."id",
          'holder', CASE WHEN ${claimed} THEN jsonb_build_object('id', l."claimedById",
            'displayName', COALESCE((SELECT u."displayName" FROM "User" u WHERE u."id" = l."claimedById"), 'Unknown user')) END,
          'expiresAt', CASE WHEN ${claimed} THEN to_char(l."claimExpiresAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END)) AS "payload"
    FROM "Lead" l JOIN "Case" k ON k."id" = l."caseId"
    WHERE l."id" = ${leadId} AND l."handlingCode" <> 'RED' AND ${actionableItemsSql(actor, "lead:share", "lead", "l")}
      ${confirmedWhere ? Prisma.sql`AND ${confirmedWhere(Prisma.sql`l."taskforceId"`)}` : Prisma.empty}
    FOR UPDATE OF l`;
}

/** Claims a lead for the actor (or renews their own claim). Refused with CLAIMED while someone else holds it. */
export async function claimLead(actor: Actor, leadId: string): Promise<ClaimView> {
  return writeChange(actor, async ({ tx, statements, audit, event }) => {
    const lead = await loadLeadFor(actor, leadId, "lead:claim", statements);
    const holderId = activeClaimant(lead);
    if (holderId && holderId !== actor.id) {
      const claim = await claimViewOf(lead, statements);
      throw new AppError("CLAIMED", 409, `${claim.holder?.displayName ?? "Someone"} is working this lead (claimed until ${claim.expiresAt}).`, undefined, { claim });
    }
    const updated = await tx.lead.update({
      where: { id: lead.id },
      data: { claimedById: actor.id, claimExpiresAt: new Date(Date.now() + claimTtlMs()) },
    });
    const claim = await claimViewOf(updated, statements);
    await audit({ action: "lead.claim", itemType: "LEAD", itemId: lead.id, taskforceId: lead.taskforceId, caseId: lead.caseId, details: { expiresAt: claim.expiresAt } });
    await event({
      taskforceId: lead.taskforceId,
      type: "lead.claimed",
      itemType: "LEAD",
      itemId: lead.id,
      visibility: itemVisibility(lead),
      payload: { lead: leadSummary(lead), claim, by: { id: actor.id, displayName: actor.displayName } },
    });
    return claim;
  });
}

/** The holder gives the lead back. Someone else's claim is FORBIDDEN here (a coordinator reassigns instead). */
export async function releaseLead(actor: Actor, leadId: string): Promise<ClaimView> {
  return writeChange(actor, async ({ tx, statements, audit, event }) => {
    const lead = await loadLeadFor(actor, leadId, "lead:claim", statements);
    const holderId = activeClaimant(lead);
    if (!holderId) return claimViewOf(lead, statements);
    if (holderId !== actor.id) throw new ForbiddenError("Only the person holding the claim can release it; a coordinator can reassign it.");
    const updated = await tx.lead.update({ where: { id: lead.id }, data: { claimedById: null, claimExpiresAt: null } });
    const claim = await claimViewOf(updated, statements);
    await audit({ action: "lead.release", itemType: "LEAD", itemId: lead.id, taskforceId: lead.taskforceId, caseId: lead.caseId });
    await event({
      taskforceId: lead.taskforceId,
      type: "lead.released",
      itemType: "LEAD",
      itemId: lead.id,
      visibility: itemVisibility(lead),
      payload: { lead: leadSummary(lead), claim, by: { id: actor.id, displayName: actor.displayName } },
    });
    return claim;
  });
}

/** A coordinator hands the claim to another member who may work the lead, or clears it (toUserId null). */
export async function reassignClaim(actor: Actor, leadId: string, toUserId: string | null): Promise<ClaimView> {
  // The new holder is checked before the transaction (the embedded database has a single connection).
  const before = await loadLeadFor(actor, leadId, "lead:reassignClaim");
  if (toUserId) await checkClaimHolder(toUserId, leadResource(before));
  return writeChange(actor, async ({ tx, statements, audit, event }) => {
    const lead = await loadLeadFor(actor, leadId, "lead:reassignClaim", statements);
    const previousHolderId = activeClaimant(lead);
    const updated = await tx.lead.update({
      where: { id: lead.id },
      data: toUserId ? { claimedById: toUserId, claimExpiresAt: new Date(Date.now() + claimTtlMs()) } : { claimedById: null, claimExpiresAt: null },
    });
    const claim = await claimViewOf(updated, statements);
    await audit({
      action: "lead.reassign_claim",
      itemType: "LEAD",
      itemId: lead.id,
      taskforceId: lead.taskforceId,
      caseId: lead.caseId,
      details: { from: previousHolderId, to: toUserId },
    });
    await event({
      taskforceId: lead.taskforceId,
      type: toUserId ? "lead.claimed" : "lead.released",
      itemType: "LEAD",
      itemId: lead.id,
      visibility: itemVisibility(lead),
      payload: { lead: leadSummary(lead), claim, by: { id: actor.id, displayName: actor.displayName }, reassigned: true },
    });
    return claim;
  });
}

/** Who holds the lead now (what a second analyst opening it is told). */
export async function getClaim(actor: Actor, leadId: string): Promise<ClaimView> {
  const lead = await loadLeadFor(actor, leadId, "lead:read");
  return claimViewOf(lead);
}

export interface RoomLead {
  id: string;
  title: string;
  handlingCode: Lead["handlingCode"];
  status: Lead["status"];
  priority: Lead["priority"];
  caseReference: string;
  claim: ClaimView;
}

/** The room page: the taskforce and the leads in it this actor may see (to share or claim), newest first. */
export async function listRoomLeads(actor: Actor, taskforceId: string): Promise<{ taskforce: { id: string; name: string }; leads: RoomLead[] }> {
  requirePermission(actor, "room:join", { type: "taskforce", taskforceId });
  const taskforce = await prisma.taskforce.findUnique({ where: { id: taskforceId }, select: { id: true, name: true } });
  if (!taskforce) throw new NotFoundError("Taskforce not found.");
  const leads = await prisma.lead.findMany({
    where: { AND: [visibleLeadsWhere(actor), { taskforceId }] },
    include: { case: { select: { reference: true } } },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: 200,
  });
  const holders = await userRefs(leads.map((lead) => activeClaimant(lead)));
  await auditRead(actor, { action: "room.view", itemType: "TASKFORCE", itemId: taskforceId, taskforceId, details: { leadCount: leads.length } });
  return {
    taskforce,
    leads: leads.map((lead) => {
      const holderId = activeClaimant(lead);
      const claim: ClaimView = holderId
        ? { leadId: lead.id, holder: { id: holderId, displayName: holders.get(holderId)?.displayName ?? "Unknown user" }, expiresAt: lead.claimExpiresAt?.toISOString() ?? null }
        : { leadId: lead.id, holder: null, expiresAt: null };
      return { id: lead.id, title: lead.title, handlingCode: lead.handlingCode, status: lead.status, priority: lead.priority, caseReference: lead.case.reference, claim };
    }),
  };
}

/** The taskforces whose rooms this actor may join. */
export async function listMyRooms(actor: Actor) {
  return hasGrant(actor, "room:join") ? listMyTaskforces(actor) : [];
}
