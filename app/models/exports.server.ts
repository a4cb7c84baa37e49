// Case export: everything in a case the actor may see, as one JSON document for other tools. It goes through
// the same list functions as the pages (so the same handling-code filters) and is itself audited.
import type { HandlingCode } from "@prisma/client";
import { strictest, type Actor } from "~/auth/permissions.server";
import { recordAudit } from "~/models/audit.server";
import { getCase } from "~/models/cases.server";
import { listClues, type ClueView } from "~/models/clues.server";
import { listLeads } from "~/models/leads.server";

const EXPORT_PAGE_SIZE = 200;

export async function exportCase(actor: Actor, caseId: string) {
  const kase = await getCase(actor, caseId);
  const clues: ClueView[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof listClues>> = await listClues(actor, caseId, { cursor: cursor ?? undefined, take: EXPORT_PAGE_SIZE });
    clues.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const leads = await listLeads(actor, caseId);
  const codes = [...clues.map((clue) => clue.handlingCode), ...leads.map((lead) => lead.handlingCode)] as HandlingCode[];
  // The document as a whole is as strict as the strictest thing in it.
  const handlingCode = strictest(codes) ?? kase.defaultHandlingCode;
  await recordAudit({
    actor,
    action: "case.export",
    itemType: "CASE",
    itemId: kase.id,
    taskforceId: kase.taskforceId,
    caseId: kase.id,
    origin: actor.origin,
    details: { clues: clues.length, leads: leads.length, handlingCode },
  });
  return {
    exportedAt: new Date().toISOString(),
    exportedBy: { id: actor.id, email: actor.email },
    handlingCode,
    case: kase,
    clues,
    leads,
  };
}
