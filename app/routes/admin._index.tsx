// Administration: people. Accounts are created here only (no self sign-up); vetting, suspension, roles, and
// lifting a sign-in delay that failed attempts put on an account.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/DataTable";
import { SelectField, TextField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { requireAdministration } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { activateUser, changeUserRole, createUser, liftSignInDelay, listUsers, reinstateUser, suspendUser } from "~/models/users.server";
import { parseInput, readForm } from "~/utils/forms.server";
import { failureOf, formatDateTime, keptText } from "~/utils/form-values";
import { ROLE_LABELS } from "~/utils/labels";
import { guardPage, runAction, runLoader } from "~/utils/route-errors.server";
import { newUserSchema, roleChangeSchema, ROLES } from "~/validation/accounts";

export const meta: MetaFunction = () => [{ title: "Administration · Cluebridge" }];
// A new account's initial password is in the page once: no cache may keep it.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));
const STATUS_LABELS = { PENDING: "Pending vetting", ACTIVE: "Active", SUSPENDED: "Suspended" } as const;
const VETTING_LABELS = { PENDING: "Pending", VETTED: "Vetted", EXPIRED: "Expired" } as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const users = await runLoader(() => listUsers(actor));
  return { users, me: actor.id };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  guardPage(() => requireAdministration(actor));
  const values = await readForm(request);
  const userId = String(values.userId ?? "");
  return runAction(values, async () => {
    switch (values.intent) {
      case "createUser": {
        const { user, generatedPassword } = await createUser(actor, parseInput(newUserSchema, { ...values, password: undefined }));
        return { ok: true as const, intent: "createUser", created: { email: user.email, status: user.status, password: generatedPassword } };
      }
      case "activate":
        await activateUser(actor, userId);
        break;
      case "suspend":
        await suspendUser(actor, userId);
        break;
      case "reinstate":
        await reinstateUser(actor, userId);
        break;
      case "liftSignInDelay":
        await liftSignInDelay(actor, userId);
        break;
      case "changeRole":
        await changeUserRole(actor, parseInput(roleChangeSchema, { userId, role: values.role }));
        break;
      default:
        throw new Response("Unknown action", { status: 400 });
    }
    return { ok: true as const, intent: String(values.intent), created: null };
  });
}

function StatusButton({ userId, intent, label, danger }: { userId: string; intent: string; label: string; danger?: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="userId" value={userId} />
      <button type="submit" className={danger ? "danger small" : "secondary small"}>
        {label}
      </button>
    </Form>
  );
}

export default function AdminUsersPage() {
  const { users, me } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const createFailure = failureOf(actionData, "createUser");
  const otherFailure = actionData && !createFailure ? failureOf(actionData) : undefined;
  const created = actionData && "created" in actionData ? actionData.created : null;
  return (
    <main id="main" className="page">
      <h1>Administration</h1>
      <p>
        People and their access. Taskforce membership is on the <Link to="/admin/taskforces">taskforces</Link> page; the country facts the narrowing reads are on the{" "}
        <Link to="/admin/reference">reference data</Link> page.
      </p>

      <h2>Users</h2>
      <FormErrors failure={otherFailure} />
      <DataTable caption="All user accounts" columns={["Name", "Email", "Agency", "Role", "Status", "Vetting", "Authenticator", "Taskforces", "Actions"]}>
        {users.map((user) => (
          <tr key={user.id}>
            <td>{user.displayName}</td>
            <td>{user.email}</td>
            <td>{user.agency}</td>
            <td>{ROLE_LABELS[user.role]}</td>
            <td>
              {STATUS_LABELS[user.status]}
              {user.signInDelayedUntil ? <span className="muted"> (sign-in held back until {formatDateTime(user.signInDelayedUntil)} after failed attempts)</span> : null}
            </td>
            <td>
              {VETTING_LABELS[user.vettingState]}
              {user.vettingExpiresAt ? <span className="muted"> (until {formatDateTime(user.vettingExpiresAt)})</span> : null}
            </td>
            <td>
              {user.mfaEnrolled ? "Set up" : "Not yet"}
              {user.passwordChangeRequired ? <span className="muted"> (one-time password issued)</span> : null}
            </td>
            <td>{user.taskforces.map((taskforce) => taskforce.name).join(", ") || <span className="muted">None</span>}</td>
            <td>
              {user.id === me ? (
                <span className="muted">You</span>
              ) : (
                <div className="status-buttons">
                  {user.status === "PENDING" ? <StatusButton userId={user.id} intent="activate" label={`Activate (vetting done)`} /> : null}
                  {user.status === "SUSPENDED" ? <StatusButton userId={user.id} intent="reinstate" label="Reinstate" /> : null}
                  {user.status !== "SUSPENDED" ? <StatusButton userId={user.id} intent="suspend" label="Suspend" danger /> : null}
                  {user.signInDelayedUntil ? <StatusButton userId={user.id} intent="liftSignInDelay" label="Lift sign-in delay" /> : null}
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="changeRole" />
                    <input type="hidden" name="userId" value={user.id} />
                    <SelectField id={`role-${user.id}`} name="role" label={<span className="sr-only">Role of {user.email}</span>} options={ROLE_OPTIONS} defaultValue={user.role} />
                    <button type="submit" className="secondary small">
                      Change role
                    </button>
                  </Form>
                </div>
              )}
            </td>
          </tr>
        ))}
      </DataTable>

      <h2>Create a user</h2>
      {created ? (
        <div className="notice" role="status">
          <p>
            Account created for <strong>{created.email}</strong> ({created.status === "ACTIVE" ? "active" : "pending vetting"}). They set up their
            authenticator at their first sign-in.
          </p>
          {created.password ? (
            <p>
              Initial password, shown only now (hand it over through a separate channel): <code className="token-value">{created.password}</code>
            </p>
          ) : null}
        </div>
      ) : null}
      <Form method="post" className="stack" noValidate>
        <FormErrors failure={createFailure} />
        <input type="hidden" name="intent" value="createUser" />
        <TextField name="email" label="Email" type="email" required maxLength={254} autoComplete="off" defaultValue={keptText(createFailure, "email")} errors={createFailure?.fields} />
        <TextField name="displayName" label="Name" required maxLength={120} autoComplete="off" defaultValue={keptText(createFailure, "displayName")} errors={createFailure?.fields} />
        <TextField name="agency" label="Agency" required maxLength={120} autoComplete="off" defaultValue={keptText(createFailure, "agency")} errors={createFailure?.fields} />
        <SelectField name="role" label="Role" options={ROLE_OPTIONS} placeholder="Choose a role" defaultValue={keptText(createFailure, "role")} errors={createFailure?.fields} />
        <div className="choice">
          <input type="checkbox" id="vettingComplete" name="vettingComplete" defaultChecked={keptText(createFailure, "vettingComplete") === "on"} />
          <label htmlFor="vettingComplete">The agency&apos;s vetting of this person is complete (the account is active at once)</label>
        </div>
        <TextField name="vettingExpiresAt" label="Vetting valid until (optional)" type="date" defaultValue={keptText(createFailure, "vettingExpiresAt")} errors={createFailure?.fields} />
        <p className="hint">A strong initial password is generated and shown once.</p>
        <div className="form-actions">
          <button type="submit">Create user</button>
        </div>
      </Form>
    </main>
  );
}
