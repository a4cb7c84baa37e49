// The printable case report: the case package (what the reader may see of its clues, leads and tasks) as a page
// made for paper. Its strictest handling code is shown at the top and, printed, at the head and foot of every
// page (print CSS in styles.css). Opening it is recorded as an export (case.export, format html).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { codeLabel } from "~/auth/handling-codes";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { exportCase } from "~/models/exports.server";
import { formatDate, formatDateTime } from "~/utils/form-values";
import { CASE_STATUS_LABELS, LEAD_STATUS_LABELS, PRIORITY_LABELS, TASK_STATUS_LABELS } from "~/utils/labels";
import { runLoader } from "~/utils/route-errors.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.reference} report · ${codeLabel(data.handlingCode)} · Cluebridge` : "Case report · Cluebridge" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  return runLoader(async () => {
    const pack = await exportCase(actor, params.caseId ?? "", "html");
    return {
      caseId: pack.case.id,
      reference: pack.case.reference,
      title: pack.case.title,
      summary: pack.case.summary,
      status: pack.case.status,
      taskforceName: pack.case.taskforceName,
      handlingCode: pack.handlingCode,
      exportedAt: pack.exportedAt,
      exportedBy: pack.exportedBy.email,
      clues: pack.clues.map((clue) => ({
        id: clue.id,
        category: clue.category.label,
        value: clue.value,
        detail: clue.detail,
        handlingCode: clue.handlingCode,
        evaluation: `${clue.evaluation.sourceReliability}${clue.evaluation.infoAssessment}`,
        author: clue.author?.displayName ?? "Unknown user",
        createdAt: clue.createdAt,
      })),
      leads: pack.leads.map((lead) => ({
        id: lead.id,
        title: lead.title,
        hypothesis: lead.hypothesis,
        status: lead.status,
        priority: lead.priority,
        handlingCode: lead.handlingCode,
        owner: lead.owner?.displayName ?? "",
      })),
      tasks: pack.tasks.map((task) => ({ id: task.id, title: task.title, status: task.status, assignee: task.assignee?.displayName ?? "", dueDate: task.dueDate, overdue: task.overdue })),
    };
  });
}

export default function CaseReportPage() {
  const report = useLoaderData<typeof loader>();
  const marking = `${codeLabel(report.handlingCode)}: ${report.reference}, exported ${formatDateTime(report.exportedAt)} by ${report.exportedBy}`;
  return (
    <AppShell>
      <div className={`report-banner top code-${report.handlingCode}`} role="note" aria-label="Handling code of this report">
        {marking}
      </div>
      <p className="no-print">
        <Link to={`/cases/${report.caseId}`}>Back to the case</Link> · Print this page for a paper copy (the marking repeats on every page) ·{" "}
        <a href={`/api/v1/cases/${report.caseId}/export?format=csv`} download>
          CSV
        </a>{" "}
        ·{" "}
        <a href={`/api/v1/cases/${report.caseId}/export`} download={`${report.reference}.json`}>
          JSON
        </a>
      </p>
      <h1>
        Case report {report.reference}: {report.title}
      </h1>
      <p>
        {report.taskforceName} · {CASE_STATUS_LABELS[report.status]} · {report.clues.length} clues, {report.leads.length} leads, {report.tasks.length} tasks. Contains only
        what {report.exportedBy} may see; the whole report is handled as {codeLabel(report.handlingCode)}, the strictest code in it.
      </p>
      {report.summary ? <p>{report.summary}</p> : null}

      <h2>Clues</h2>
      {report.clues.length === 0 ? (
        <p className="muted">No clues.</p>
      ) : (
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Category</th>
              <th scope="col">Clue</th>
              <th scope="col">Evaluation</th>
              <th scope="col">Recorded</th>
            </tr>
          </thead>
          <tbody>
            {report.clues.map((clue) => (
              <tr key={clue.id}>
                <td>{codeLabel(clue.handlingCode)}</td>
                <td>{clue.category}</td>
                <td>
                  {clue.value}
                  {clue.detail ? <div className="muted">{clue.detail}</div> : null}
                </td>
                <td>{clue.evaluation}</td>
                <td>
                  {clue.author}, {formatDate(clue.createdAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Leads</h2>
      {report.leads.length === 0 ? (
        <p className="muted">No leads you can see.</p>
      ) : (
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Lead</th>
              <th scope="col">Status</th>
              <th scope="col">Priority</th>
              <th scope="col">Owner</th>
            </tr>
          </thead>
          <tbody>
            {report.leads.map((lead) => (
              <tr key={lead.id}>
                <td>{codeLabel(lead.handlingCode)}</td>
                <td>
                  {lead.title}
                  {lead.hypothesis ? <div className="muted">{lead.hypothesis}</div> : null}
                </td>
                <td>{LEAD_STATUS_LABELS[lead.status]}</td>
                <td>{PRIORITY_LABELS[lead.priority]}</td>
                <td>{lead.owner}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Tasks</h2>
      {report.tasks.length === 0 ? (
        <p className="muted">No tasks you can see.</p>
      ) : (
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Status</th>
              <th scope="col">Assignee</th>
              <th scope="col">Due</th>
            </tr>
          </thead>
          <tbody>
            {report.tasks.map((task) => (
              <tr key={task.id}>
                <td>{task.title}</td>
                <td>{TASK_STATUS_LABELS[task.status]}</td>
                <td>{task.assignee}</td>
                <td>
                  {task.dueDate ? formatDate(task.dueDate) : ""}
                  {task.overdue ? " (overdue)" : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className={`report-banner report-footer-banner code-${report.handlingCode}`} aria-hidden="true">
        {marking}
      </div>
    </AppShell>
  );
}
