// The case page as one read: the case, its clues grouped by category, its leads and its tasks, as this actor
// may see them, from one entry check and recorded as one audit event (not one per list on the page).
import { requirePermission, type Actor } from "~/auth/permissions.server";
import { auditRead } from "./changes.server";
import { cluesByCategory, pageOfClues, type ClueCategoryGroup } from "./clues.server";
import { getCaseHeader, loadVisibleCase, type CaseRow } from "./cases.server";
import { leadsOfCase, type LeadView } from "./leads.server";
import { tasksOfCase, type TaskView } from "./tasks.server";

export interface CaseOverview {
  kase: CaseRow & { clueCount: number; clueCounts: { categoryKey: string; label: string; count: number }[] };
  /** Every category with clues (newest few of each), or only `category` with one page of it. */
  groups: ClueCategoryGroup[];
  leads: LeadView[];
  tasks: TaskView[];
}

export interface CaseOverviewQuery {
  /** Show one category, a page at a time (from `cursor`), instead of the newest few of each. */
  category?: string;
  cursor?: string;
  /** Clues per category on the overview, or per page for one category. */
  take: number;
}

export async function getCaseOverview(actor: Actor, caseId: string, query: CaseOverviewQuery): Promise<CaseOverview> {
  const kase = await loadVisibleCase(actor, caseId);
  requirePermission(actor, "case:read", { type: "case", taskforceId: kase.taskforceId });
  const [header, categories, leads, tasks] = await Promise.all([
    getCaseHeader(kase),
    cluesByCategory(actor, kase, query.category ? 0 : query.take),
    leadsOfCase(actor, kase),
    tasksOfCase(actor, kase),
  ]);
  let groups = categories;
  if (query.category) {
    const group = categories.find((row) => row.categoryKey === query.category);
    const page = group ? await pageOfClues(actor, kase, { category: query.category, cursor: query.cursor, take: query.take }) : null;
    groups = group && page ? [{ ...group, clues: page.items, nextCursor: page.nextCursor }] : [];
  }
  const clueCounts = categories.map(({ categoryKey, label, count }) => ({ categoryKey, label, count }));
  const shown = groups.reduce((sum, group) => sum + group.clues.length, 0);
  await auditRead(actor, {
    action: "case.view",
    itemType: "CASE",
    itemId: kase.id,
    taskforceId: kase.taskforceId,
    caseId: kase.id,
    details: { category: query.category ?? null, clues: shown, leads: leads.length, tasks: tasks.length },
  });
  return { kase: { ...header, clueCounts, clueCount: clueCounts.reduce((sum, row) => sum + row.count, 0) }, groups, leads, tasks };
}
