// Open a new case (coordinators): reference, title, origin, default handling code for its clues.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { hasGrant } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { CaseFields } from "~/components/CaseFields";
import { SelectField, TextField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { createCase } from "~/models/cases.server";
import { listMyTaskforces } from "~/models/taskforces.server";
import { parseInput, readForm } from "~/utils/forms.server";
import { failureOf, keptText } from "~/utils/form-values";
import { runAction } from "~/utils/route-errors.server";
import { createCaseSchema } from "~/validation/case";

export const meta: MetaFunction = () => [{ title: "New case · Cluebridge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const taskforces = (await listMyTaskforces(actor)).map((taskforce) => ({ value: taskforce.id, label: taskforce.name }));
  return { canCreate: hasGrant(actor, "case:create"), taskforces };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const values = await readForm(request);
  return runAction(values, async () => {
    const created = await createCase(actor, parseInput(createCaseSchema, values));
    return redirect(`/cases/${created.id}`);
  });
}

export default function NewCasePage() {
  const { canCreate, taskforces } = useLoaderData<typeof loader>();
  const failure = failureOf(useActionData<typeof action>());
  const errors = failure?.fields;
  return (
    <AppShell>
      <p>
        <Link to="/cases">Back to cases</Link>
      </p>
      <h1>New case</h1>
      {!canCreate ? (
        <p className="notice">Only a coordinator can open a case. Ask your taskforce coordinator.</p>
      ) : (
        <Form method="post" className="stack narrow-form" noValidate>
          <FormErrors failure={failure} />
          {taskforces.length === 1 ? (
            <input type="hidden" name="taskforceId" value={taskforces[0].value} />
          ) : (
            <SelectField name="taskforceId" label="Taskforce" options={taskforces} errors={errors} defaultValue={keptText(failure, "taskforceId")} placeholder="Choose a taskforce" required />
          )}
          <TextField name="reference" label="Reference" hint="Letters, digits and dashes, e.g. VID-2026-0042." errors={errors} defaultValue={keptText(failure, "reference")} required maxLength={40} autoComplete="off" />
          <CaseFields failure={failure} initial={{ title: "", summary: "", originKind: "OTHER", originText: "", status: "OPEN", defaultHandlingCode: "AMBER" }} />
          <div className="form-actions">
            <button type="submit">Open case</button>
            <Link to="/cases">Cancel</Link>
          </div>
        </Form>
      )}
    </AppShell>
  );
}
