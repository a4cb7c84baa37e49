// Edit a case (coordinators): status through its life (open, dormant, victim identified, closed), title,
// summary, origin and the default code for new clues. The form carries the version it edits.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { CaseFields } from "~/components/CaseFields";
import { FormErrors } from "~/components/FormErrors";
import { getCaseForEdit, updateCase } from "~/models/cases.server";
import { parseInput, readForm } from "~/utils/forms.server";
import { editedVersion, failureOf } from "~/utils/form-values";
import { runAction, runLoader } from "~/utils/route-errors.server";
import { updateCaseSchema } from "~/validation/case";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Edit ${data?.kase.reference ?? "case"} · Cluebridge` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const kase = await runLoader(() => getCaseForEdit(actor, params.caseId ?? ""));
  return { kase };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const caseId = params.caseId ?? "";
  const values = await readForm(request);
  return runAction(values, async () => {
    await updateCase(actor, caseId, parseInput(updateCaseSchema, values));
    return redirect(`/cases/${caseId}`);
  });
}

export default function EditCasePage() {
  const { kase } = useLoaderData<typeof loader>();
  const failure = failureOf(useActionData<typeof action>());
  return (
    <AppShell>
      <p>
        <Link to={`/cases/${kase.id}`}>Back to case {kase.reference}</Link>
      </p>
      <h1>Edit {kase.reference}</h1>
      {failure?.conflict ? (
        <p className="notice error" role="alert">
          {failure.conflict.message} <Link to={`/cases/${kase.id}/edit`}>Load the newer version</Link> and apply your change again.
        </p>
      ) : null}
      <Form method="post" className="stack narrow-form" noValidate>
        <FormErrors failure={failure} />
        <input type="hidden" name="version" value={editedVersion(failure, kase.version)} />
        <CaseFields failure={failure} initial={kase} />
        <div className="form-actions">
          <button type="submit">Save case</button>
          <Link to={`/cases/${kase.id}`}>Cancel</Link>
        </div>
      </Form>
    </AppShell>
  );
}
