// Administration: taskforces and who is in them (need-to-know). Removing someone ends their room access at once.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/DataTable";
import { TextAreaField, TextField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { requireAdministration } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { addTaskforceMember, createTaskforce, listTaskforces, removeTaskforceMember } from "~/models/taskforces.server";
import { parseInput, readForm } from "~/utils/forms.server";
import { membershipSchema, newTaskforceSchema } from "~/validation/accounts";
import { failureOf, keptText } from "~/utils/form-values";
import { ROLE_LABELS } from "~/utils/labels";
import { guardPage, runAction, runLoader } from "~/utils/route-errors.server";

export const meta: MetaFunction = () => [{ title: "Taskforces · Administration · Cluebridge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  return { taskforces: await runLoader(() => listTaskforces(actor)) };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  guardPage(() => requireAdministration(actor));
  const values = await readForm(request);
  return runAction(values, async () => {
    const taskforceId = String(values.taskforceId ?? "");
    switch (values.intent) {
      case "createTaskforce":
        await createTaskforce(actor, parseInput(newTaskforceSchema, values));
        break;
      case "addMember":
        await addTaskforceMember(actor, parseInput(membershipSchema, values));
        break;
      case "removeMember":
        await removeTaskforceMember(actor, { taskforceId, userId: String(values.userId ?? "") });
        break;
      default:
        throw new Response("Unknown action", { status: 400 });
    }
    return { ok: true as const, intent: String(values.intent) };
  });
}

export default function AdminTaskforcesPage() {
  const { taskforces } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const createFailure = failureOf(actionData, "createTaskforce");
  const addFailure = failureOf(actionData, "addMember");
  const failedTaskforce = addFailure ? keptText(addFailure, "taskforceId") : null;
  return (
    <main id="main" className="page">
      <p>
        <Link to="/admin">Back to administration</Link>
      </p>
      <h1>Taskforces</h1>
      {taskforces.length === 0 ? <p className="empty">There are no taskforces yet.</p> : null}
      {taskforces.map((taskforce) => (
        <section key={taskforce.id} className="card stack" aria-labelledby={`tf-${taskforce.id}`}>
          <h2 id={`tf-${taskforce.id}`}>{taskforce.name}</h2>
          {taskforce.description ? <p className="pre-wrap">{taskforce.description}</p> : null}
          <p className="muted">
            {taskforce.caseCount === 1 ? "1 case" : `${taskforce.caseCount} cases`}, {taskforce.members.length === 1 ? "1 member" : `${taskforce.members.length} members`}
          </p>
          {taskforce.members.length ? (
            <DataTable caption={`Members of ${taskforce.name}`} columns={["Name", "Email", "Agency", "Role", { hidden: "Actions" }]}>
              {taskforce.members.map((member) => (
                <tr key={member.id}>
                  <td>{member.displayName}</td>
                  <td>{member.email}</td>
                  <td>{member.agency}</td>
                  <td>{ROLE_LABELS[member.role as keyof typeof ROLE_LABELS]}</td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="removeMember" />
                      <input type="hidden" name="taskforceId" value={taskforce.id} />
                      <input type="hidden" name="userId" value={member.id} />
                      <button type="submit" className="secondary small" aria-label={`Remove ${member.email} from ${taskforce.name}`}>
                        Remove
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </DataTable>
          ) : null}
          <Form method="post" className="inline-form" noValidate>
            {failedTaskforce === taskforce.id ? <FormErrors failure={addFailure} /> : null}
            <input type="hidden" name="intent" value="addMember" />
            <input type="hidden" name="taskforceId" value={taskforce.id} />
            <TextField
              id={`add-${taskforce.id}`}
              name="email"
              label={`Add a member to ${taskforce.name} (email)`}
              type="email"
              autoComplete="off"
              maxLength={254}
              defaultValue={failedTaskforce === taskforce.id ? keptText(addFailure, "email") : ""}
              errors={failedTaskforce === taskforce.id ? addFailure?.fields : undefined}
            />
            <button type="submit">Add member</button>
          </Form>
        </section>
      ))}

      <h2>Create a taskforce</h2>
      <Form method="post" className="stack" noValidate>
        <FormErrors failure={createFailure} />
        <input type="hidden" name="intent" value="createTaskforce" />
        <TextField name="name" label="Name" required maxLength={120} defaultValue={keptText(createFailure, "name")} errors={createFailure?.fields} />
        <TextAreaField name="description" label="Description" hint="Text only." maxLength={2000} defaultValue={keptText(createFailure, "description")} errors={createFailure?.fields} />
        <div className="form-actions">
          <button type="submit">Create taskforce</button>
        </div>
      </Form>
    </main>
  );
}
