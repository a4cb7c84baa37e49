// The audit trail for oversight: administrators read every event, coordinators their taskforces' (anyone else:
// 403). Filters by actor, action, item, taskforce, case and dates; newest first, a page at a time; the chain's
// state as audit:verify reports it; the filtered view as CSV (GET /api/v1/audit?format=csv). Reading is audited.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { DataTable } from "~/components/DataTable";
import { EmptyState } from "~/components/EmptyState";
import { SelectField, TextField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { auditChainStatus, listAuditEvents } from "~/models/audit-log.server";
import { listMyTaskforces, listTaskforces } from "~/models/taskforces.server";
import { formatDateTime } from "~/utils/form-values";
import { fieldErrorsOf } from "~/utils/forms.server";
import { actionFailure, runLoader } from "~/utils/route-errors.server";
import { AUDIT_FILTERS, AUDIT_ITEM_TYPES, auditQuerySchema } from "~/validation/audit";

export const meta: MetaFunction = () => [{ title: "Audit trail · Cluebridge" }];

const PARAMS = [...AUDIT_FILTERS, "cursor"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const params = new URL(request.url).searchParams;
  const values: Record<string, string> = Object.fromEntries(PARAMS.map((key) => [key, params.get(key) ?? ""]));
  return runLoader(async () => {
    // Refuses (403) anyone but administrators and coordinators before anything else is read.
    const chain = await auditChainStatus(actor);
    const parsed = auditQuerySchema.safeParse(values);
    // Invalid filters list nothing (rather than everything) beside their messages.
    const page = parsed.success ? await listAuditEvents(actor, parsed.data) : { items: [], nextCursor: null };
    const taskforces = actor.role === "ADMIN" ? await listTaskforces(actor) : await listMyTaskforces(actor);
    const filters = new URLSearchParams(AUDIT_FILTERS.flatMap((key) => (values[key] ? [[key, values[key]]] : [])));
    return {
      values,
      failure: parsed.success ? null : actionFailure(values, { fields: fieldErrorsOf(parsed.error) }),
      isAdmin: actor.role === "ADMIN",
      taskforces: taskforces.map((taskforce) => ({ value: taskforce.id, label: taskforce.name })),
      chain,
      items: page.items.map((item) => ({ ...item, details: item.details === null ? null : JSON.stringify(item.details) })),
      nextHref: page.nextCursor ? `/audit?${new URLSearchParams([...filters, ["cursor", page.nextCursor]])}` : null,
      csvHref: `/api/v1/audit?${new URLSearchParams([...filters, ["format", "csv"]])}`,
      paged: Boolean(values.cursor),
    };
  });
}

function ChainStatusPanel({ chain }: { chain: ReturnType<typeof useLoaderData<typeof loader>>["chain"] }) {
  const tail = chain.unsealed.count > 0 ? ` ${chain.unsealed.count} newer ${chain.unsealed.count === 1 ? "event is" : "events are"} not sealed yet (normally within a second).` : " Every event is sealed.";
  const checkpoint = chain.checkpointAt !== null ? ` Signed checkpoint at event ${chain.checkpointAt}.` : " No signed checkpoint yet.";
  return (
    <section aria-labelledby="chain-heading" className={`chain-status is-${chain.state}`}>
      <h2 id="chain-heading">Integrity of the audit chain</h2>
      <p role="status">
        {chain.state === "intact" ? (
          <>
            <strong>Intact</strong> up to event {chain.intactUpTo}.{checkpoint}
            {tail}
          </>
        ) : chain.state === "broken" ? (
          <>
            <strong>Broken</strong>
            {chain.brokenAt ? ` at event #${chain.brokenAt}` : ""}: {chain.reason} Intact up to event {chain.intactUpTo}.{tail}
          </>
        ) : (
          <>
            <strong>Cannot be verified</strong>: {chain.reason}
          </>
        )}
      </p>
      <p className="hint">The same check as <code>npm run audit:verify</code>, made at {formatDateTime(chain.checkedAt)} (at most once a minute).</p>
    </section>
  );
}

export default function AuditPage() {
  const { values, failure, isAdmin, taskforces, chain, items, nextHref, csvHref, paged } = useLoaderData<typeof loader>();
  const errors = failure?.fields;
  return (
    <AppShell>
      <h1>Audit trail</h1>
      <p className="hint">{isAdmin ? "Every recorded event, newest first." : "The events recorded in your taskforces, newest first."} Your reading of it is recorded too.</p>
      <ChainStatusPanel chain={chain} />
      <Form method="get" className="stack" aria-label="Filter the audit trail" noValidate>
        <FormErrors failure={failure ?? undefined} />
        <div className="filters">
          <TextField name="actor" label="Actor (email or user id)" errors={errors} defaultValue={values.actor} maxLength={320} />
          <TextField name="action" label="Action" hint="e.g. clue.read, or clue. for every clue action" errors={errors} defaultValue={values.action} maxLength={64} />
          <SelectField name="itemType" label="Item type" options={AUDIT_ITEM_TYPES.map((type) => ({ value: type, label: type }))} placeholder="Any" errors={errors} defaultValue={values.itemType} />
          <TextField name="itemId" label="Item id" errors={errors} defaultValue={values.itemId} maxLength={64} />
          <SelectField name="taskforceId" label="Taskforce" options={taskforces} placeholder={isAdmin ? "All" : "All of mine"} errors={errors} defaultValue={values.taskforceId} />
          <TextField name="caseId" label="Case id" errors={errors} defaultValue={values.caseId} maxLength={64} />
          <TextField name="from" type="date" label="From" errors={errors} defaultValue={values.from} />
          <TextField name="to" type="date" label="To" errors={errors} defaultValue={values.to} />
        </div>
        <div className="form-actions">
          <button type="submit">Filter</button>
          <Link to="/audit">Clear</Link>
          <a href={csvHref} download>
            Download this view as CSV
          </a>
        </div>
      </Form>
      {items.length === 0 ? (
        <EmptyState title="No events match.">
          <p>Widen the dates or clear a filter.</p>
        </EmptyState>
      ) : (
        <DataTable caption="Audit events, newest first" columns={["When", "Actor", "Action", "Outcome", "Item", "Case", ...(isAdmin ? ["From"] : []), "Details", "Sealed"]}>
          {items.map((item) => (
            <tr key={item.id}>
              <td>
                {formatDateTime(item.at)} <span className="muted">#{item.id}</span>
              </td>
              <td>{item.actorEmail ?? <span className="muted">system</span>}</td>
              <td>
                <code>{item.action}</code>
              </td>
              <td>{item.outcome}</td>
              <td>{item.itemType ? `${item.itemType} ${item.itemId ?? ""}` : ""}</td>
              <td>{item.caseId ?? ""}</td>
              {isAdmin ? <td>{item.ip ?? ""}</td> : null}
              <td className="audit-details">{item.detailsWithheld ? <span className="muted">Withheld: about an item you may not see</span> : item.details}</td>
              <td>{item.sealed ? "Yes" : "Not yet"}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <nav aria-label="Pages" className="form-actions">
        {paged ? <Link to={`/audit?${new URLSearchParams(AUDIT_FILTERS.flatMap((key) => (values[key] ? [[key, values[key]]] : [])))}`}>Newest</Link> : null}
        {nextHref ? <Link to={nextHref}>Older events</Link> : null}
      </nav>
    </AppShell>
  );
}
