// The cases of the user's taskforces, filterable by status; coordinators open new ones here.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { hasGrant } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { DataTable } from "~/components/DataTable";
import { EmptyState } from "~/components/EmptyState";
import { SelectField } from "~/components/Field";
import { HandlingCodeBadge } from "~/components/HandlingCodeBadge";
import { listCases } from "~/models/cases.server";
import { formatDateTime } from "~/utils/form-values";
import { parseInput } from "~/utils/forms.server";
import { runLoader } from "~/utils/route-errors.server";
import { CASE_STATUSES, CASE_STATUS_LABELS, caseFiltersSchema } from "~/validation/case";

export const meta: MetaFunction = () => [{ title: "Cases · Cluebridge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const params = new URL(request.url).searchParams;
  // A hand-edited, invalid filter shows everything rather than an error page.
  const status = CASE_STATUSES.find((value) => value === params.get("status")) ?? "";
  const filters = parseInput(caseFiltersSchema, { status });
  const cases = await runLoader(() => listCases(actor, filters));
  return {
    status,
    statusLabel: status ? CASE_STATUS_LABELS[status] : null,
    canCreate: hasGrant(actor, "case:create"),
    cases: cases.map(({ id, reference, title, status, defaultHandlingCode, taskforceName, lastChangeAt }) => ({ id, reference, title, status, defaultHandlingCode, taskforceName, lastChangeAt })),
  };
}

export default function CasesPage() {
  const { status, statusLabel, canCreate, cases } = useLoaderData<typeof loader>();
  return (
    <AppShell>
      <div className="page-head">
        <h1>Cases</h1>
        {canCreate ? (
          <Link className="button" to="/cases/new">
            New case
          </Link>
        ) : null}
      </div>
      <Form method="get" className="inline-form" aria-label="Filter cases">
        <SelectField
          name="status"
          id="filter-status"
          label="Status"
          options={CASE_STATUSES.map((value) => ({ value, label: CASE_STATUS_LABELS[value] }))}
          placeholder="All statuses"
          defaultValue={status}
        />
        <button type="submit" className="secondary">
          Filter
        </button>
      </Form>
      {cases.length === 0 ? (
        statusLabel ? (
          <EmptyState title={`No ${statusLabel.toLowerCase()} cases.`}>
            <p>
              <Link to="/cases">Show cases of every status</Link>.
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="No cases yet.">
            <p>{canCreate ? "Open the first case with “New case”." : "Cases of your taskforces appear here once a coordinator opens them."}</p>
          </EmptyState>
        )
      ) : (
        <DataTable caption="Cases" columns={["Reference", "Title", "Status", "Default code", "Taskforce", "Last change"]}>
          {cases.map((kase) => (
            <tr key={kase.id}>
              <td>
                <Link to={`/cases/${kase.id}`}>{kase.reference}</Link>
              </td>
              <td>{kase.title}</td>
              <td>{CASE_STATUS_LABELS[kase.status]}</td>
              <td>
                <HandlingCodeBadge code={kase.defaultHandlingCode} />
              </td>
              <td>{kase.taskforceName}</td>
              <td>{formatDateTime(kase.lastChangeAt)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </AppShell>
  );
}
