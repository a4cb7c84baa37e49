// Administration: the partner agencies' contact points that approved leads may be disseminated to. A contact point
// is retired, never deleted: what was sent to it stays on record as sent.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireActor } from "~/auth/session.server";
import { DataTable } from "~/components/DataTable";
import { TextField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { requireAdministration } from "~/auth/permissions.server";
import { createRecipient, listRecipients, updateRecipient } from "~/models/disseminations.server";
import { failureOf, keptText } from "~/utils/form-values";
import { parseInput, readForm } from "~/utils/forms.server";
import { guardPage, runAction, runLoader } from "~/utils/route-errors.server";
import { newRecipientSchema, recipientUpdateSchema } from "~/validation/dissemination";

export const meta: MetaFunction = () => [{ title: "Contact points · Administration · Cluebridge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  return runLoader(async () => {
    // Liaisons may list active contact points elsewhere; this page is the administrators'.
    requireAdministration(actor);
    return { recipients: await listRecipients(actor) };
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  guardPage(() => requireAdministration(actor));
  const values = await readForm(request);
  return runAction(values, async () => {
    switch (values.intent) {
      case "createRecipient":
        await createRecipient(actor, parseInput(newRecipientSchema, values));
        break;
      case "setActive":
        await updateRecipient(actor, String(values.recipientId ?? ""), parseInput(recipientUpdateSchema, values));
        break;
      default:
        throw new Response("Unknown action", { status: 400 });
    }
    return { ok: true as const, intent: String(values.intent) };
  });
}

export default function AdminRecipientsPage() {
  const { recipients } = useLoaderData<typeof loader>();
  const failure = failureOf(useActionData<typeof action>(), "createRecipient");
  return (
    <main id="main" className="page">
      <p>
        <Link to="/admin">Back to administration</Link>
      </p>
      <h1>Contact points for dissemination</h1>
      <p>Liaisons send approved leads only to the active contact points listed here.</p>
      {recipients.length === 0 ? (
        <p className="empty">No contact points yet.</p>
      ) : (
        <DataTable caption="Contact points" columns={["Country", "Agency", "Contact point", "State", { hidden: "Actions" }]}>
          {recipients.map((recipient) => (
            <tr key={recipient.id}>
              <td>{recipient.country}</td>
              <td>{recipient.agency}</td>
              <td>{recipient.contactPoint}</td>
              <td>{recipient.active ? "Active" : "Retired"}</td>
              <td>
                <Form method="post">
                  <input type="hidden" name="intent" value="setActive" />
                  <input type="hidden" name="recipientId" value={recipient.id} />
                  <input type="hidden" name="active" value={recipient.active ? "false" : "true"} />
                  <button type="submit" className="secondary small" aria-label={`${recipient.active ? "Retire" : "Reactivate"} ${recipient.agency}, ${recipient.contactPoint}`}>
                    {recipient.active ? "Retire" : "Reactivate"}
                  </button>
                </Form>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>Add a contact point</h2>
      <Form method="post" className="stack" noValidate>
        <FormErrors failure={failure} />
        <input type="hidden" name="intent" value="createRecipient" />
        <TextField name="country" label="Country" required maxLength={100} defaultValue={keptText(failure, "country")} errors={failure?.fields} />
        <TextField name="agency" label="Agency" required maxLength={200} defaultValue={keptText(failure, "agency")} errors={failure?.fields} />
        <TextField name="contactPoint" label="Contact point" hint="The desk or unit that receives packages, e.g. a SPOC." required maxLength={300} defaultValue={keptText(failure, "contactPoint")} errors={failure?.fields} />
        <div className="form-actions">
          <button type="submit">Add contact point</button>
        </div>
      </Form>
    </main>
  );
}
