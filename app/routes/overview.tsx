// The coordinator's taskforce overview: four small charts drawn here as inline SVG, each with a table of the same
// figures, each figure linking to the list it counts. Only what the coordinator may see is counted.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { BarRows, ChartTable, DailyColumnChart, HorizontalBarChart } from "~/components/BarChart";
import { EmptyState } from "~/components/EmptyState";
import { SelectField } from "~/components/Field";
import { ACTIVITY_DAYS, overviewTaskforces, taskforceOverview } from "~/models/taskforce-overview.server";
import { formatDateTime } from "~/utils/form-values";
import { LEAD_STATUS_LABELS } from "~/utils/labels";
import { runLoader } from "~/utils/route-errors.server";

export const meta: MetaFunction = () => [{ title: "Taskforce overview · Cluebridge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  return runLoader(async () => {
    const taskforces = await overviewTaskforces(actor);
    const taskforceId = new URL(request.url).searchParams.get("taskforceId") || taskforces[0]?.id;
    const overview = taskforceId ? await taskforceOverview(actor, taskforceId) : null;
    return { taskforces: taskforces.map((taskforce) => ({ value: taskforce.id, label: taskforce.name })), overview };
  });
}

const search = (params: Record<string, string>) => `/search?${new URLSearchParams(params)}`;

export default function OverviewPage() {
  const { taskforces, overview } = useLoaderData<typeof loader>();
  if (!overview) {
    return (
      <AppShell>
        <h1>Taskforce overview</h1>
        <EmptyState title="You are not in a taskforce yet.">
          <p>An administrator adds you to one.</p>
        </EmptyState>
      </AppShell>
    );
  }
  const tf = overview.taskforce.id;
  const categoryBars = overview.cluesByCategory.map((row) => ({ key: row.categoryKey, label: row.label, value: row.count, href: search({ taskforceId: tf, kind: "CLUES", category: row.categoryKey }) }));
  const statusBars = overview.leadsByStatus.map((row) => ({ key: row.status, label: LEAD_STATUS_LABELS[row.status], value: row.count, href: search({ taskforceId: tf, kind: "LEADS", status: row.status }) }));
  const overdueBars = overview.overdueByAssignee.map((row) => ({
    key: row.assigneeId,
    label: row.displayName,
    value: row.count,
    href: `/board?${new URLSearchParams({ taskforceId: tf, assigneeId: row.assigneeId, overdue: "true" })}`,
  }));
  const days = overview.activity.map((row) => ({ day: row.day, values: [row.clues, row.leads, row.tasks], href: search({ taskforceId: tf, from: row.day, to: row.day }) }));
  const total = (rows: { value: number }[]) => rows.reduce((sum, row) => sum + row.value, 0);
  return (
    <AppShell>
      <h1>Overview of {overview.taskforce.name}</h1>
      <p className="hint">
        Counts of what you may see, at {formatDateTime(overview.generatedAt)}. Items kept from you (TLP:RED you are not named on, another agency's
        TLP:AMBER+STRICT) are not counted. Each figure links to its list.
      </p>
      {taskforces.length > 1 ? (
        <Form method="get" className="inline-form no-print" aria-label="Choose a taskforce">
          <SelectField name="taskforceId" id="overview-taskforce" label="Taskforce" options={taskforces} defaultValue={tf} />
          <button type="submit" className="secondary">
            Show
          </button>
        </Form>
      ) : null}
      <div className="overview-grid">
        <section aria-labelledby="categories-heading">
          <h2 id="categories-heading">Clues per category</h2>
          {categoryBars.length === 0 ? (
            <p className="muted">No clues you can see yet.</p>
          ) : (
            <>
              <HorizontalBarChart id="chart-categories" title="Clues per category" description={`${total(categoryBars)} clues in ${categoryBars.length} categories; the table below lists each.`} bars={categoryBars} />
              <ChartTable caption="Clues per category (table)" columns={["Category", "Clues"]}>
                <BarRows bars={categoryBars} />
              </ChartTable>
            </>
          )}
        </section>
        <section aria-labelledby="statuses-heading">
          <h2 id="statuses-heading">Leads by status</h2>
          <HorizontalBarChart id="chart-statuses" title="Leads by status" description={`${total(statusBars)} leads you can see; the table below lists each status.`} bars={statusBars} />
          <ChartTable caption="Leads by status (table)" columns={["Status", "Leads"]}>
            <BarRows bars={statusBars} />
          </ChartTable>
        </section>
        <section aria-labelledby="overdue-heading">
          <h2 id="overdue-heading">Overdue tasks per assignee</h2>
          {overdueBars.length === 0 ? (
            <p className="muted">No overdue tasks.</p>
          ) : (
            <>
              <HorizontalBarChart id="chart-overdue" title="Overdue tasks per assignee" description={`${total(overdueBars)} overdue tasks across ${overdueBars.length} members; the table below lists each.`} bars={overdueBars} />
              <ChartTable caption="Overdue tasks per assignee (table)" columns={["Assignee", "Overdue tasks"]}>
                {overview.overdueByAssignee.map((row, index) => (
                  <tr key={row.assigneeId}>
                    <td>
                      <Link to={overdueBars[index].href}>{row.displayName}</Link> <span className="muted">({row.agency})</span>
                    </td>
                    <td className="number">{row.count}</td>
                  </tr>
                ))}
              </ChartTable>
            </>
          )}
        </section>
        <section aria-labelledby="activity-heading">
          <h2 id="activity-heading">Activity, last {ACTIVITY_DAYS} days</h2>
          <DailyColumnChart
            id="chart-activity"
            title={`Clues, leads and tasks recorded per day over the last ${ACTIVITY_DAYS} days`}
            description={`${overview.activity.reduce((sum, row) => sum + row.clues + row.leads + row.tasks, 0)} items recorded; stacked per day: clues, leads, tasks. The table below lists each day.`}
            days={days}
            series={[
              { label: "Clues", className: "series-clues" },
              { label: "Leads", className: "series-leads" },
              { label: "Tasks", className: "series-tasks" },
            ]}
          />
          <details>
            <summary>Activity per day (table)</summary>
            <ChartTable caption="Items recorded per day" columns={["Day", "Clues", "Leads", "Tasks"]}>
              {overview.activity.map((row, index) => (
                <tr key={row.day}>
                  <td>
                    <Link to={days[index].href}>{row.day}</Link>
                  </td>
                  <td className="number">{row.clues}</td>
                  <td className="number">{row.leads}</td>
                  <td className="number">{row.tasks}</td>
                </tr>
              ))}
            </ChartTable>
          </details>
        </section>
      </div>
    </AppShell>
  );
}
