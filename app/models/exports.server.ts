// Case export: everything in a case the actor may see (clues, leads, tasks) as one package, in JSON for other
// tools, CSV for spreadsheets or a printable report. It reads through the same list functions as the pages (so
// the same handling-code filters), is marked with the strictest code it contains, and each export is recorded
// once (case.export, with its format and counts).
import type { HandlingCode } from "@prisma/client";
import { codeLabel, requirePermission, strictest, type Actor } from "~/auth/permissions.server";
import { recordAudit } from "~/models/audit.server";
import { getCaseHeader, loadVisibleCase, type CaseRow } from "~/models/cases.server";
import { pageOfClues, type ClueView } from "~/models/clues.server";
import { leadsOfCase, type LeadView } from "~/models/leads.server";
import { tasksOfCase, type TaskView } from "~/models/tasks.server";
import { toCsv, type CsvValue } from "~/utils/csv";

const EXPORT_PAGE_SIZE = 200;

export const EXPORT_FORMATS = ["json", "csv", "html"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface CasePackage {
  exportedAt: string;
  exportedBy: { id: string; email: string };
  /** The strictest code of anything in the package (the case's default code when it holds no item). */
  handlingCode: HandlingCode;
  case: CaseRow;
  clues: ClueView[];
  leads: LeadView[];
  tasks: TaskView[];
}

/** The package as the actor may see it, recorded as one export in `format`. */
export async function exportCase(actor: Actor, caseId: string, format: ExportFormat = "json"): Promise<CasePackage> {
  const kase = await loadVisibleCase(actor, caseId);
  requirePermission(actor, "case:read", { type: "case", taskforceId: kase.taskforceId });
  const clues: ClueView[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof pageOfClues>> = await pageOfClues(actor, kase, { cursor: cursor ?? undefined, take: EXPORT_PAGE_SIZE });
    clues.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const [header, leads, tasks] = await Promise.all([getCaseHeader(kase), leadsOfCase(actor, kase), tasksOfCase(actor, kase)]);
  // A task carries its lead's code, and only tasks whose lead is visible (so listed here) are in the package.
  const codes = [...clues.map((clue) => clue.handlingCode), ...leads.map((lead) => lead.handlingCode)] as HandlingCode[];
  // The package as a whole is as strict as the strictest thing in it.
  const handlingCode = strictest(codes) ?? kase.defaultHandlingCode;
  await recordAudit({
    actor,
    action: "case.export",
    itemType: "CASE",
    itemId: kase.id,
    taskforceId: kase.taskforceId,
    caseId: kase.id,
    origin: actor.origin,
    details: { format, clues: clues.length, leads: leads.length, tasks: tasks.length, handlingCode },
  });
  return { exportedAt: new Date().toISOString(), exportedBy: { id: actor.id, email: actor.email }, handlingCode, case: header, clues, leads, tasks };
}

const CSV_COLUMNS = [
  "record",
  "id",
  "handlingCode",
  "title",
  "detail",
  "category",
  "status",
  "priority",
  "evaluation",
  "reviewState",
  "author",
  "ownerOrAssignee",
  "leadId",
  "dueDate",
  "createdAt",
  "updatedAt",
] as const;
type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], CsvValue>>;

/**
 * The package as one CSV: a first "package" row carrying its marking (TLP code, case, who and when), then one
 * row per clue, lead and task; `record` says which. Cells are made safe against spreadsheet formulas (csv.ts).
 */
export function casePackageCsv(pack: CasePackage): string {
  const rows: CsvRow[] = [
    {
      record: "package",
      id: pack.case.id,
      handlingCode: codeLabel(pack.handlingCode),
      title: `${pack.case.reference}: ${pack.case.title}`,
      detail: `Exported by ${pack.exportedBy.email}; contains only what the exporter may see`,
      status: pack.case.status,
      createdAt: pack.exportedAt,
    },
    ...pack.clues.map((clue) => ({
      record: "clue",
      id: clue.id,
      handlingCode: codeLabel(clue.handlingCode),
      title: clue.value,
      detail: clue.detail,
      category: clue.category.label,
      evaluation: `${clue.evaluation.sourceReliability}${clue.evaluation.infoAssessment}`,
      reviewState: clue.reviewState,
      author: clue.author?.email ?? clue.authorId,
      createdAt: clue.createdAt,
      updatedAt: clue.updatedAt,
    })),
    ...pack.leads.map((lead) => ({
      record: "lead",
      id: lead.id,
      handlingCode: codeLabel(lead.handlingCode),
      title: lead.title,
      detail: lead.hypothesis,
      status: lead.status,
      priority: lead.priority,
      reviewState: lead.reviewState,
      author: lead.author?.email ?? lead.authorId,
      ownerOrAssignee: lead.owner?.email ?? lead.ownerId,
      createdAt: lead.createdAt,
      updatedAt: lead.updatedAt,
    })),
    ...pack.tasks.map((task) => ({
      record: "task",
      id: task.id,
      title: task.title,
      detail: task.description,
      status: task.status,
      author: task.createdBy?.email ?? task.createdById,
      ownerOrAssignee: task.assignee?.email ?? task.assigneeId,
      leadId: task.leadId,
      dueDate: task.dueDate,
      createdAt: task.createdAt,
      updatedAt: task.updatedAt,
    })),
  ];
  return toCsv(CSV_COLUMNS, rows);
}

/** A file name that carries the marking, e.g. VID-2026-0042-TLP_AMBER_STRICT.csv. */
export function packageFileName(pack: CasePackage, extension: string): string {
  return `${pack.case.reference}-TLP_${pack.handlingCode}.${extension}`;
}
