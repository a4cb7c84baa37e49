// What left the taskforce: every dissemination of the viewer's taskforces, newest first, with its codes and links
// to the package as sent (JSON) and its printable report.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { DataTable } from "~/components/DataTable";
import { EmptyState } from "~/components/EmptyState";
import { HandlingCodeBadge } from "~/components/HandlingCodeBadge";
import { listDisseminations } from "~/models/disseminations.server";
import { formatDateTime } from "~/utils/form-values";
import { runLoader } from "~/utils/route-errors.server";

export const meta: MetaFunction = () => [{ title: "Disseminations · Cluebridge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const disseminations = await runLoader(() => listDisseminations(actor));
  return {
    disseminations: disseminations.map(({ id, leadId, handlingCode, europolCode, sentAt, package: sent }) => ({
      id,
      leadId,
      handlingCode,
      europolCode,
      sentAt,
      title: sent.lead.title,
      recipient: `${sent.recipient.agency}, ${sent.recipient.contactPoint} (${sent.recipient.country})`,
      sentBy: `${sent.sentBy.displayName} (${sent.sentBy.agency})`,
      clueCount: sent.clues.length,
    })),
  };
}

export default function DisseminationsPage() {
  const { disseminations } = useLoaderData<typeof loader>();
  return (
    <AppShell>
      <h1>Disseminations</h1>
      {disseminations.length === 0 ? (
        <EmptyState title="Nothing has been disseminated from your taskforces.">
          <p>A liaison sends an approved lead from the lead's page; each package is recorded here exactly as sent.</p>
        </EmptyState>
      ) : (
        <DataTable caption="Disseminations, newest first" columns={["Lead as sent", "Codes", "Recipient", "Sent", "Package"]}>
          {disseminations.map((row) => (
            <tr key={row.id}>
              <td>
                <Link to={`/leads/${row.leadId}`}>{row.title}</Link> <span className="muted">({row.clueCount === 1 ? "1 clue" : `${row.clueCount} clues`})</span>
              </td>
              <td>
                <HandlingCodeBadge code={row.handlingCode} /> <span className="pill">{row.europolCode}</span>
              </td>
              <td>{row.recipient}</td>
              <td>
                {formatDateTime(row.sentAt)} by {row.sentBy}
              </td>
              <td>
                <Link to={`/disseminations/${row.id}/report`}>Report</Link> · <a href={`/disseminations/${row.id}/package`} download>JSON</a>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </AppShell>
  );
}
