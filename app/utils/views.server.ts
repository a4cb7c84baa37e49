// Trims model views to what a page shows, so page data carries no more than the page needs.
import type { ClueView } from "~/models/clues.server";
import type { LeadView } from "~/models/leads.server";
import type { TaskView } from "~/models/tasks.server";
import type { ClueLine } from "~/components/ClueList";

export function clueLine(clue: ClueView): ClueLine {
  return {
    id: clue.id,
    value: clue.value,
    handlingCode: clue.handlingCode,
    confidence: clue.confidence,
    sourceReliability: clue.sourceReliability,
    infoAssessment: clue.infoAssessment,
    createdAt: clue.createdAt,
    authorName: clue.author?.displayName ?? "Unknown user",
    mediaRefCount: clue.mediaRefs.length,
  };
}

export function leadLine(lead: LeadView) {
  return {
    id: lead.id,
    title: lead.title,
    status: lead.status,
    priority: lead.priority,
    handlingCode: lead.handlingCode,
    reviewState: lead.reviewState,
    citedClueCount: lead.citedClueCount,
    ownerName: lead.owner?.displayName ?? null,
    updatedAt: lead.updatedAt,
  };
}

export function taskLine(task: TaskView) {
  return {
    id: task.id,
    title: task.title,
    status: task.status,
    blockedReason: task.blockedReason,
    version: task.version,
    dueDate: task.dueDate,
    overdue: task.overdue,
    caseId: task.caseId,
    caseReference: task.caseReference,
    leadId: task.leadId,
    leadTitle: task.leadTitle,
    assigneeName: task.assignee?.displayName ?? "Unknown user",
  };
}
export type TaskLine = ReturnType<typeof taskLine>;
