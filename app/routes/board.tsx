// The coordinator's home: every task by assignee and status, overdue first, and the form to assign a task.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { EmptyState } from "~/components/EmptyState";
import { SelectField, TextAreaField, TextField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { TaskMeta } from "~/components/TaskList";
import { listAssignableMembers, listCases } from "~/models/cases.server";
import { listLeads } from "~/models/leads.server";
import { createTask, taskBoard } from "~/models/tasks.server";
import { failureOf, keptText } from "~/utils/form-values";
import { parseInput, readForm } from "~/utils/forms.server";
import { TASK_STATUS_LABELS } from "~/utils/labels";
import { runAction, runLoader } from "~/utils/route-errors.server";
import { taskLine } from "~/utils/views.server";
import { idSchema } from "~/validation/common";
import { createTaskSchema, taskBoardQuerySchema } from "~/validation/task";
import { z } from "zod";

export const meta: MetaFunction = () => [{ title: "Task board · Cluebridge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const params = new URL(request.url).searchParams;
  const caseId = params.get("caseId") || undefined;
  return runLoader(async () => {
    // The overview's links narrow the board to a taskforce, a member, overdue work.
    const narrow = parseInput(taskBoardQuerySchema, { taskforceId: params.get("taskforceId") ?? "", assigneeId: params.get("assigneeId") ?? "", overdue: params.get("overdue") ?? "" });
    const [board, cases] = await Promise.all([taskBoard(actor, { ...narrow, caseId }), listCases(actor)]);
    const chosenCase = caseId ? cases.find((kase) => kase.id === caseId) : undefined;
    const taskforceIds = chosenCase ? [chosenCase.taskforceId] : [...actor.taskforceIds];
    const memberLists = await Promise.all(taskforceIds.map((id) => listAssignableMembers(actor, id)));
    const assignees = new Map(memberLists.flat().map((member) => [member.id, member]));
    const leads = caseId ? await listLeads(actor, caseId) : [];
    const narrowedTo = narrow.assigneeId ? board.lanes.find((lane) => lane.assignee.id === narrow.assigneeId)?.assignee.displayName ?? "one member" : null;
    return {
      caseId: caseId ?? "",
      narrowing: narrow.assigneeId || narrow.overdue || narrow.taskforceId ? [narrow.overdue ? "overdue tasks" : "tasks", narrowedTo ? `of ${narrowedTo}` : ""].filter(Boolean).join(" ") : null,
      caseReference: chosenCase?.reference ?? null,
      statuses: board.statuses,
      lanes: board.lanes.map((lane) => ({
        assigneeId: lane.assignee.id,
        assigneeName: lane.assignee.displayName,
        agency: lane.assignee.agency,
        overdueCount: lane.overdueCount,
        byStatus: Object.fromEntries(Object.entries(lane.byStatus).map(([status, tasks]) => [status, tasks.map(taskLine)])),
      })),
      taskCount: board.tasks.length,
      cases: cases.map((kase) => ({ value: kase.id, label: `${kase.reference}: ${kase.title}` })),
      assignees: [...assignees.values()].map((member) => ({ value: member.id, label: `${member.displayName} (${member.agency})` })),
      leads: leads.map((lead) => ({ value: lead.id, label: lead.title })),
      assigned: new URL(request.url).searchParams.get("assigned"),
    };
  });
}

const assignTargetSchema = z.object({ caseId: idSchema });

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const values = await readForm(request);
  return runAction(values, async () => {
    const { caseId } = parseInput(assignTargetSchema, values);
    const task = await createTask(actor, caseId, parseInput(createTaskSchema, values));
    const back = values.filterCaseId ? `?caseId=${encodeURIComponent(String(values.filterCaseId))}&` : "?";
    return redirect(`/board${back}assigned=${encodeURIComponent(task.id)}`);
  });
}

export default function BoardPage() {
  const { caseId, narrowing, caseReference, statuses, lanes, taskCount, cases, assignees, leads, assigned } = useLoaderData<typeof loader>();
  const failure = failureOf(useActionData<typeof action>(), "assign");
  const errors = failure?.fields;
  return (
    <AppShell>
      <h1>Task board</h1>
      <Form method="get" className="inline-form" aria-label="Filter the board">
        <SelectField name="caseId" id="filter-case" label="Case" options={cases} placeholder="All cases" defaultValue={caseId} />
        <button type="submit" className="secondary">
          Show
        </button>
      </Form>
      {narrowing ? (
        <p className="notice" role="status">
          Showing only {narrowing}. <Link to="/board">Show the whole board</Link>.
        </p>
      ) : null}
      {assigned ? (
        <p className="notice" role="status">
          Task assigned. <Link to={`/tasks/${assigned}`}>Open it</Link>.
        </p>
      ) : null}

      <section aria-labelledby="assign-heading">
        <h2 id="assign-heading">Assign a task{caseReference ? ` on ${caseReference}` : ""}</h2>
        {cases.length === 0 ? (
          <EmptyState title="No cases to assign work on.">
            <p>
              <Link to="/cases/new">Open a case</Link> first.
            </p>
          </EmptyState>
        ) : (
          <Form method="post" className="stack" noValidate key={assigned ?? "assign"}>
            <input type="hidden" name="intent" value="assign" />
            <input type="hidden" name="filterCaseId" value={caseId} />
            <FormErrors failure={failure} />
            <div className="grid2">
              {caseId ? (
                <input type="hidden" name="caseId" value={caseId} />
              ) : (
                <SelectField name="caseId" label="Case" options={cases} placeholder="Choose a case" errors={errors} defaultValue={keptText(failure, "caseId")} required />
              )}
              <SelectField name="assigneeId" label="Assignee" options={assignees} placeholder="Choose a member" errors={errors} defaultValue={keptText(failure, "assigneeId")} required />
              {caseId ? (
                <SelectField
                  name="leadId"
                  label="On lead (optional)"
                  hint={leads.length ? undefined : "This case has no leads yet."}
                  options={leads}
                  placeholder="The case as a whole"
                  errors={errors}
                  defaultValue={keptText(failure, "leadId")}
                />
              ) : null}
              <TextField name="dueDate" type="date" label="Due date (optional)" errors={errors} defaultValue={keptText(failure, "dueDate")} />
            </div>
            <TextField name="title" label="Title" hint="What to do, e.g. “Check socket type F retailers in PL”." errors={errors} defaultValue={keptText(failure, "title")} maxLength={200} required />
            <TextAreaField name="description" label="Description" errors={errors} defaultValue={keptText(failure, "description")} maxLength={10_000} />
            {!caseId ? <p className="hint">To assign a task on a lead, first choose the case above.</p> : null}
            <button type="submit">Assign task</button>
          </Form>
        )}
      </section>

      <section aria-labelledby="board-heading">
        <h2 id="board-heading">
          Tasks by assignee <span className="count">{taskCount}</span>
        </h2>
        {lanes.length === 0 ? (
          <EmptyState title={caseReference ? `No tasks on ${caseReference} yet.` : "No tasks you can see yet."}>
            <p>Assign the first one with the form above; it appears on the assignee's “My tasks”.</p>
          </EmptyState>
        ) : (
          lanes.map((lane) => (
            <section key={lane.assigneeId} className="board-assignee" aria-labelledby={`lane-${lane.assigneeId}`}>
              <h3 id={`lane-${lane.assigneeId}`}>
                {lane.assigneeName} <span className="muted">({lane.agency})</span>
                {lane.overdueCount > 0 ? <span className="overdue"> {lane.overdueCount} overdue</span> : null}
              </h3>
              <div className="board">
                {statuses.map((status) => {
                  const tasks = lane.byStatus[status] ?? [];
                  return (
                    <div key={status} className="board-column">
                      <h4>
                        {TASK_STATUS_LABELS[status]} <span className="count">{tasks.length}</span>
                      </h4>
                      {tasks.length === 0 ? (
                        <p className="muted">None</p>
                      ) : (
                        tasks.map((task) => (
                          <div key={task.id} className={task.overdue ? "task-card is-overdue" : "task-card"}>
                            <Link className="item-title" to={`/tasks/${task.id}`}>
                              {task.title}
                            </Link>
                            <TaskMeta task={task} hideStatus />
                          </div>
                        ))
                      )}
                    </div>
                  );
                })}
              </div>
            </section>
          ))
        )}
      </section>
    </AppShell>
  );
}
