// A case: its header, clues grouped by category (paged by cursor), leads and tasks, each with what to do next,
// and where it was made: the narrowing of the country of production with its map (issue 14).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { hasGrant } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { ClueList } from "~/components/ClueList";
import { LinkedCasesPanel } from "~/components/CorrelationPanels";
import { EmptyState } from "~/components/EmptyState";
import { HandlingCodeBadge } from "~/components/HandlingCodeBadge";
import { ItemSummary } from "~/components/ItemSummary";
import { NarrowingPanel } from "~/components/NarrowingPanel";
import { TaskList } from "~/components/TaskList";
import { getCaseOverview } from "~/models/case-overview.server";
import { getCaseCorrelations } from "~/models/correlation.server";
import { listAssignableMembers } from "~/models/cases.server";
import { createCountryTasks, narrowCase } from "~/models/narrowing.server";
import { failureOf, formatDateTime } from "~/utils/form-values";
import { parseInput, readForm } from "~/utils/forms.server";
import { narrowingView } from "~/utils/narrowing-view.server";
import { LEAD_STATUS_LABELS, PRIORITY_LABELS, REVIEW_STATE_LABELS } from "~/utils/labels";
import { runAction, runLoader } from "~/utils/route-errors.server";
import { clueLine, leadLine, taskLine } from "~/utils/views.server";
import { CASE_STATUS_LABELS, ORIGIN_KIND_LABELS } from "~/validation/case";
import { countryTasksSchema } from "~/validation/narrowing";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.kase.reference} · Cluebridge` : "Case · Cluebridge" }];

/** Clues per category on the overview; a category of its own shows a full page. */
const OVERVIEW_TAKE = 5;
const CATEGORY_PAGE_TAKE = 50;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const caseId = params.caseId ?? "";
  const search = new URL(request.url).searchParams;
  const onlyCategory = search.get("category") || null;
  const cursor = search.get("cursor") || undefined;
  const page = Math.max(1, Number(search.get("page")) || 1);

  return runLoader(async () => {
    const take = onlyCategory ? CATEGORY_PAGE_TAKE : OVERVIEW_TAKE;
    const { kase, groups: categoryGroups, leads, tasks } = await getCaseOverview(actor, caseId, { category: onlyCategory ?? undefined, cursor, take });
    const groups = categoryGroups.map((group) => ({ ...group, clues: group.clues.map(clueLine) }));
    const linked = await getCaseCorrelations(actor, caseId);
    const canAssign = hasGrant(actor, "task:assign");
    const [narrowing, members] = await Promise.all([narrowCase(actor, caseId), canAssign ? listAssignableMembers(actor, kase.taskforceId) : Promise.resolve([])]);
    return {
      kase: {
        id: kase.id,
        reference: kase.reference,
        title: kase.title,
        summary: kase.summary,
        status: kase.status,
        defaultHandlingCode: kase.defaultHandlingCode,
        originKind: kase.originKind,
        originText: kase.originText,
        taskforceName: kase.taskforceName,
        lastChangeAt: kase.lastChangeAt,
        clueCount: kase.clueCount,
        clueCounts: kase.clueCounts,
      },
      onlyCategory,
      page,
      take,
      groups,
      leads: leads.map(leadLine),
      tasks: tasks.map(taskLine),
      linked,
      tasksAreAll: hasGrant(actor, "task:read"),
      can: { addClue: hasGrant(actor, "clue:create"), addLead: hasGrant(actor, "lead:create"), assignTask: hasGrant(actor, "task:assign"), editCase: hasGrant(actor, "case:update") },
      added: search.get("added"),
      narrowing: narrowingView(narrowing),
      members: members.map(({ id, displayName }) => ({ id, displayName })),
      tasksCreated: Number(search.get("tasksCreated")) || 0,
    };
  });
}

/** The coordinator turns top candidate countries into tasks (one per country) in one step. */
export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const caseId = params.caseId ?? "";
  const values = await readForm(request);
  return runAction({ ...values, intent: "country-tasks" }, async () => {
    const tasks = await createCountryTasks(actor, caseId, parseInput(countryTasksSchema, values));
    return redirect(`/cases/${caseId}?tasksCreated=${tasks.length}#tasks-heading`);
  });
}

export default function CasePage() {
  const { kase, onlyCategory, page, take, groups, leads, tasks, linked, tasksAreAll, can, added, narrowing, members, tasksCreated } = useLoaderData<typeof loader>();
  const taskFailure = failureOf(useActionData<typeof action>(), "country-tasks");
  const originLabel = ORIGIN_KIND_LABELS[kase.originKind as keyof typeof ORIGIN_KIND_LABELS] ?? kase.originKind;
  return (
    <AppShell>
      <p>
        <Link to="/cases">All cases</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>
            {kase.reference}: {kase.title}
          </h1>
          <p className="meta-line">
            <span className="pill">{CASE_STATUS_LABELS[kase.status]}</span>
            <span>
              New clues default to <HandlingCodeBadge code={kase.defaultHandlingCode} />
            </span>
            <span>Taskforce {kase.taskforceName}</span>
            <span>Last change {formatDateTime(kase.lastChangeAt)}</span>
          </p>
        </div>
        <div className="form-actions">
          {can.addClue ? (
            <Link className="button" to={`/cases/${kase.id}/clues/new`}>
              Add clue
            </Link>
          ) : null}
          {can.addLead ? (
            <Link className="button secondary" to={`/cases/${kase.id}/leads/new`}>
              Build a lead
            </Link>
          ) : null}
          {can.editCase ? (
            <Link className="button secondary" to={`/cases/${kase.id}/edit`}>
              Edit case
            </Link>
          ) : null}
          {/* Everyone who may open the case may export what they see of it (each export is audited). */}
          <Link className="button secondary" to={`/cases/${kase.id}/report`}>
            Case report
          </Link>
        </div>
      </div>
      {kase.summary ? <p className="pre-wrap">{kase.summary}</p> : null}
      <p className="muted">
        Origin: {originLabel}
        {kase.originText ? `: ${kase.originText}` : ""}
      </p>
      {added ? (
        <p className="notice" role="status">
          Clue added. <Link to={`/clues/${added}`}>Open it</Link> or <Link to={`/cases/${kase.id}/clues/new`}>add another</Link>.
        </p>
      ) : null}

      <section aria-labelledby="clues-heading">
        <h2 id="clues-heading">
          Clues <span className="count">{kase.clueCount}</span>
        </h2>
        {kase.clueCount === 0 ? (
          <EmptyState title="No clues you can see on this case yet.">
            <p>
              {can.addClue ? (
                <>
                  Record what you observe in the material as text with <Link to={`/cases/${kase.id}/clues/new`}>Add clue</Link>: e.g. “power socket type F” or “shampoo label in Polish”.
                </>
              ) : (
                "Clues appear here once analysts record them (or, for liaisons, once they are submitted for review)."
              )}
            </p>
          </EmptyState>
        ) : (
          <>
            <nav aria-label="Clue categories">
              <ul className="category-nav">
                {onlyCategory ? (
                  <li>
                    <Link to={`/cases/${kase.id}`}>All categories</Link>
                  </li>
                ) : null}
                {kase.clueCounts.map((row) => (
                  <li key={row.categoryKey}>
                    <Link to={`/cases/${kase.id}?category=${encodeURIComponent(row.categoryKey)}`} aria-current={row.categoryKey === onlyCategory ? "page" : undefined}>
                      {row.label} <span className="count">{row.count}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
            {onlyCategory && groups.length === 0 ? (
              <EmptyState title="No clues you can see in this category.">
                <p>
                  <Link to={`/cases/${kase.id}`}>Show all categories</Link>.
                </p>
              </EmptyState>
            ) : null}
            {groups.map((group) => (
              <section key={group.categoryKey} className="category" aria-labelledby={`category-${group.categoryKey}`}>
                <h3 id={`category-${group.categoryKey}`}>
                  {group.label} <span className="count">{group.count}</span>
                </h3>
                {onlyCategory ? (
                  <p className="muted">
                    {`Clues ${(page - 1) * take + 1} to ${(page - 1) * take + group.clues.length} of ${group.count}, newest first.`}
                  </p>
                ) : null}
                <ClueList clues={group.clues} highlightId={added} />
                {group.nextCursor ? (
                  <p>
                    {onlyCategory ? (
                      <Link to={`/cases/${kase.id}?category=${encodeURIComponent(group.categoryKey)}&cursor=${encodeURIComponent(group.nextCursor)}&page=${page + 1}`}>
                        {`Show more: the next ${Math.min(take, group.count - page * take)} of ${group.count}`}
                      </Link>
                    ) : (
                      <Link to={`/cases/${kase.id}?category=${encodeURIComponent(group.categoryKey)}`}>
                        {`Show all ${group.count} clues in ${group.label}`}
                      </Link>
                    )}
                  </p>
                ) : null}
                {onlyCategory && page > 1 ? (
                  <p>
                    <Link to={`/cases/${kase.id}?category=${encodeURIComponent(group.categoryKey)}`}>Back to the newest</Link>
                  </p>
                ) : null}
              </section>
            ))}
          </>
        )}
      </section>

      <LinkedCasesPanel visible={linked.visible} hidden={linked.hidden} />
      {taskFailure ? (
        <div className="notice error" role="alert">
          <p>The tasks were not created.</p>
          {Object.values(taskFailure.fields)
            .flat()
            .concat(Object.keys(taskFailure.fields).length ? [] : [taskFailure.formError ?? ""])
            .map((message) => (
              <p key={message}>{message}</p>
            ))}
        </div>
      ) : null}
      {tasksCreated ? (
        <p className="notice" role="status">
          {tasksCreated === 1 ? "1 task created." : `${tasksCreated} tasks created.`}
        </p>
      ) : null}
      <NarrowingPanel view={narrowing} taskForm={can.assignTask ? { action: `/cases/${kase.id}?index`, members } : null} />

      <section aria-labelledby="leads-heading">
        <h2 id="leads-heading">
          Leads <span className="count">{leads.length}</span>
        </h2>
        {leads.length === 0 ? (
          <EmptyState title="No leads you can see on this case yet.">
            <p>
              {can.addLead ? (
                <>
                  When clues point somewhere (a country, a product, a place), <Link to={`/cases/${kase.id}/leads/new`}>build a lead</Link> that cites them.
                </>
              ) : (
                "Leads appear here once analysts build them from the clues."
              )}
            </p>
          </EmptyState>
        ) : (
          <ul className="item-list">
            {leads.map((lead) => (
              <li key={lead.id}>
                <ItemSummary to={`/leads/${lead.id}`} title={lead.title} handlingCode={lead.handlingCode}>
                  <span className="pill">{LEAD_STATUS_LABELS[lead.status]}</span>
                  <span>Priority {PRIORITY_LABELS[lead.priority].toLowerCase()}</span>
                  <span>{lead.citedClueCount === 1 ? "1 cited clue" : `${lead.citedClueCount} cited clues`}</span>
                  {lead.ownerName ? <span>Owner {lead.ownerName}</span> : null}
                  {lead.reviewState !== "NONE" ? <span>{REVIEW_STATE_LABELS[lead.reviewState]}</span> : null}
                </ItemSummary>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="tasks-heading">
        <h2 id="tasks-heading">
          {tasksAreAll ? "Tasks" : "Your tasks on this case"} <span className="count">{tasks.length}</span>
        </h2>
        {tasks.length === 0 ? (
          <EmptyState title={tasksAreAll ? "No tasks on this case." : "You have no tasks on this case."}>
            <p>
              {can.assignTask ? (
                <>
                  Assign work from the <Link to={`/board?caseId=${kase.id}`}>task board</Link>.
                </>
              ) : (
                "Your coordinator assigns tasks; they appear here and under My tasks."
              )}
            </p>
          </EmptyState>
        ) : (
          <TaskList tasks={tasks} showAssignee={tasksAreAll} />
        )}
        {can.assignTask && tasks.length > 0 ? (
          <p>
            <Link to={`/board?caseId=${kase.id}`}>Assign a task on this case</Link>
          </p>
        ) : null}
      </section>
    </AppShell>
  );
}
