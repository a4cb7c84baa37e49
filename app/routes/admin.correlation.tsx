// Administration: the over-correlation guard (issue 13). The values that stopped linking (common: seen in
// more cases than CORRELATION_COMMON_CASES; or excluded here), and excluding or re-including one, audited.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { TextField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { requireAdministration } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { correlationSettings, excludeValue, includeValue, listStoppedValues } from "~/models/correlation.server";
import { parseInput, readForm } from "~/utils/forms.server";
import { failureOf, formatDateTime, keptText } from "~/utils/form-values";
import { guardPage, runAction, runLoader } from "~/utils/route-errors.server";
import { correlationExclusionSchema, correlationInclusionSchema } from "~/validation/correlation";

export const meta: MetaFunction = () => [{ title: "Correlation · Administration · Cluebridge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  return { values: await runLoader(() => listStoppedValues(actor)), settings: correlationSettings() };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  guardPage(() => requireAdministration(actor));
  const values = await readForm(request);
  return runAction(values, async () => {
    if (values.intent === "include") {
      await includeValue(actor, parseInput(correlationInclusionSchema, values));
      return { ok: true as const, intent: "include" };
    }
    const { linksRemoved } = await excludeValue(actor, parseInput(correlationExclusionSchema, values));
    return { ok: true as const, intent: "exclude", linksRemoved };
  });
}

export default function AdminCorrelationPage() {
  const { values, settings } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const failure = failureOf(data, "exclude");
  // "Link again" has only hidden fields: its refusal (someone re-included the value first) shows above the table.
  const includeFailure = failureOf(data, "include");
  // A refusal carries `ok: false` too: only a success is announced as one.
  const done = data && "ok" in data && data.ok === true ? data : null;
  return (
    <main id="main" className="page">
      <h1>Correlation</h1>
      <p>
        A value seen in more than {settings.commonCases} cases is common and stops linking; each clue keeps its {settings.maxLinks} strongest links; near values
        link above a similarity of {settings.nearThreshold}.
      </p>
      {done ? (
        <p className="notice" role="status">
          {done.intent === "include" ? "The value links again from the next save of a clue holding it." : `Excluded; ${"linksRemoved" in done ? done.linksRemoved : 0} links removed.`}
        </p>
      ) : null}
      <section aria-labelledby="exclude-heading">
        <h2 id="exclude-heading">Exclude a value</h2>
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value="exclude" />
          <FormErrors failure={failure} />
          <label>
            Kind{" "}
            <select name="kind" defaultValue={keptText(failure, "kind") || "VALUE"}>
              <option value="VALUE">A clue value (in a category)</option>
              <option value="HASH">A media hash id (ALGORITHM:value)</option>
            </select>
          </label>
          <TextField name="categoryKey" label="Category key" hint="For a value, e.g. furniture." errors={failure?.fields} defaultValue={keptText(failure, "categoryKey")} />
          <TextField name="value" label="Value" errors={failure?.fields} defaultValue={keptText(failure, "value")} />
          <div className="form-actions">
            <button type="submit">Exclude from correlation</button>
          </div>
        </Form>
      </section>
      <section aria-labelledby="stopped-heading">
        <h2 id="stopped-heading">
          Values that do not link <span className="count">{values.length}</span>
        </h2>
        <FormErrors failure={includeFailure} shownHere={["kind", "categoryKey", "key"]} />
        <table>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Category</th>
              <th scope="col">Value (normalised)</th>
              <th scope="col">Why</th>
              <th scope="col">Since</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {values.map((value) => (
              <tr key={`${value.kind}|${value.categoryKey}|${value.key}`}>
                <td>{value.kind}</td>
                <td>{value.categoryKey || "(any)"}</td>
                <td>{value.key}</td>
                <td>{value.reason === "COMMON" ? `Common (${value.caseCount} cases)` : "Excluded"}</td>
                <td>{value.markedAt ? formatDateTime(value.markedAt) : ""}</td>
                <td>
                  <Form method="post">
                    <input type="hidden" name="intent" value="include" />
                    <input type="hidden" name="kind" value={value.kind} />
                    <input type="hidden" name="categoryKey" value={value.categoryKey} />
                    <input type="hidden" name="key" value={value.key} />
                    <button type="submit">Link again</button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}
