// Administration: the country reference data the narrowing reads (issue 14). An admin looks a country up, sees
// each fact with its source, and corrects one field: a new version, audited; the shipped table is untouched.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { SelectField, TextField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { requireAdministration } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { CORRECTABLE_FIELDS, correctReference, referenceRow } from "~/models/reference-data.server";
import { failureOf, formatDateTime, keptText } from "~/utils/form-values";
import { parseInput, readForm } from "~/utils/forms.server";
import { guardPage, runAction, runLoader } from "~/utils/route-errors.server";
import { referenceCorrectionSchema } from "~/validation/narrowing";

export const meta: MetaFunction = () => [{ title: "Reference data · Administration · Cluebridge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const country = (new URL(request.url).searchParams.get("country") ?? "PL").trim().toUpperCase().slice(0, 2);
  return runLoader(async () => ({ country, ...(await referenceRow(actor, country)) }));
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  guardPage(() => requireAdministration(actor));
  const values = await readForm(request);
  const country = String(values.country ?? "").toUpperCase();
  return runAction({ ...values, intent: "correct" }, async () => {
    await correctReference(actor, country, parseInput(referenceCorrectionSchema, { ...values, value: values.value === "" ? null : values.value }));
    return redirect(`/admin/reference?country=${encodeURIComponent(country)}&saved=1`);
  });
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "unknown";
  return Array.isArray(value) ? value.join(", ") || "(none)" : String(value);
}

export default function AdminReferencePage() {
  const { country, row, corrections, sources } = useLoaderData<typeof loader>();
  const failure = failureOf(useActionData<typeof action>(), "correct");
  return (
    <main id="main" className="page">
      <p>
        <Link to="/admin">Back to administration</Link>
      </p>
      <h1>Country reference data</h1>
      <Form method="get" className="form-actions">
        <TextField name="country" label="Country (ISO 3166-1 alpha-2)" defaultValue={country} maxLength={2} autoComplete="off" />
        <button type="submit">Show</button>
      </Form>
      <section className="card stack" aria-labelledby="row-heading">
        <h2 id="row-heading">{`${row.name} (${row.code})`}</h2>
        <dl className="facts">
          {(["languages", "scripts", "currencies", "callingCodes", "utcOffsets", ...CORRECTABLE_FIELDS] as const).map((field) => (
            <div key={field}>
              <dt>{field}</dt>
              <dd>{show(row[field])}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section className="card stack" aria-labelledby="correct-heading">
        <h2 id="correct-heading">Correct a field</h2>
        <Form method="post" className="stack" noValidate>
          <FormErrors failure={failure} />
          <input type="hidden" name="country" value={row.code} />
          <SelectField name="field" label="Field" options={CORRECTABLE_FIELDS.map((field) => ({ value: field, label: field }))} errors={failure?.fields} defaultValue={keptText(failure, "field", "plugTypes")} />
          <TextField name="value" label="New values" hint="Comma-separated, e.g. C, F. Leave empty to restore the shipped value." errors={failure?.fields} defaultValue={keptText(failure, "value")} autoComplete="off" />
          <TextField name="reason" label="Reason and source" errors={failure?.fields} defaultValue={keptText(failure, "reason")} maxLength={500} />
          <div className="form-actions">
            <button type="submit">Save the correction</button>
          </div>
        </Form>
        <h3>Versions</h3>
        {corrections.length === 0 ? (
          <p className="muted">No corrections: the shipped table as it is.</p>
        ) : (
          <ul className="item-list">
            {corrections.map((correction) => (
              <li key={correction.id}>
                {`${correction.field} v${correction.version}: ${show(correction.value)} (${correction.reason}), ${formatDateTime(correction.createdAt)}`}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="sources-heading">
        <h2 id="sources-heading">Sources</h2>
        <ul>
          {sources.map((source) => (
            <li key={source.table}>{`${source.table}: ${source.source} (${source.date})`}</li>
          ))}
        </ul>
      </section>
    </main>
  );
}
