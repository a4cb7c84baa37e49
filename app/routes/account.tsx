// Your account: failed sign-in attempts since your previous sign-in, sign out everywhere, and personal access
// tokens for tools (a new token is shown once).
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/DataTable";
import { TextField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { countActiveSessions, requireActor, signOutEverywhere } from "~/auth/session.server";
import { failedAttemptsNotice } from "~/auth/sign-in.server";
import { createAccessToken, listAccessTokens, revokeAccessToken } from "~/models/tokens.server";
import { parseInput, readForm } from "~/utils/forms.server";
import { newTokenSchema, safeRedirectPath } from "~/validation/accounts";
import { failureOf, formatDate, formatDateTime, keptText } from "~/utils/form-values";
import { ROLE_LABELS } from "~/utils/labels";
import { runAction } from "~/utils/route-errors.server";

export const meta: MetaFunction = () => [{ title: "Your account · Cluebridge" }];
// A new token is in the page once: no cache may keep it.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const [tokens, sessions, failedAttempts] = await Promise.all([listAccessTokens(actor), countActiveSessions(actor.id), failedAttemptsNotice(actor.id)]);
  const continueTo = new URL(request.url).searchParams.get("continue");
  return {
    user: { email: actor.email, displayName: actor.displayName, role: actor.role, agency: actor.agency },
    sessions,
    failedAttempts,
    continueTo: continueTo ? safeRedirectPath(continueTo) : null,
    tokens: tokens.map((token) => ({
      ...token,
      state: token.revokedAt ? "Revoked" : token.expiresAt.getTime() <= Date.now() ? "Expired" : "Active",
    })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const values = await readForm(request);
  return runAction(values, async () => {
    switch (values.intent) {
      case "signOutEverywhere":
        throw redirect("/login?signedOut=1", { headers: { "Set-Cookie": await signOutEverywhere(actor) } });
      case "createToken": {
        const { token, summary } = await createAccessToken(actor, parseInput(newTokenSchema, { name: values.name, days: values.days === "" ? undefined : values.days }));
        return { ok: true as const, intent: "createToken", newToken: { token, name: summary.name, expiresAt: summary.expiresAt } };
      }
      case "revokeToken":
        await revokeAccessToken(actor, String(values.tokenId ?? ""));
        return { ok: true as const, intent: "revokeToken", newToken: null };
      default:
        throw new Response("Unknown action", { status: 400 });
    }
  });
}

export default function AccountPage() {
  const { user, tokens, sessions, failedAttempts, continueTo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const tokenFailure = failureOf(actionData, "createToken");
  const newToken = actionData && "newToken" in actionData ? actionData.newToken : null;
  return (
    <main id="main" className="page">
      <h1>Your account</h1>
      {failedAttempts ? (
        <div className="notice" role="alert">
          <p>
            <strong>
              {failedAttempts.count === 1 ? "1 failed sign-in attempt" : `${failedAttempts.count} failed sign-in attempts`}{" "}
              {failedAttempts.since ? `since your previous sign-in (${formatDateTime(failedAttempts.since)})` : "before your first sign-in"}
            </strong>
            , the last at {formatDateTime(failedAttempts.lastAt)}
            {failedAttempts.lastIp ? ` from ${failedAttempts.lastIp}` : ""}.
          </p>
          <p>If they were not yours, someone may know your password: tell your administrator.</p>
        </div>
      ) : null}
      {continueTo ? (
        <p>
          <Link to={continueTo}>Continue to where you were going</Link>
        </p>
      ) : null}
      <dl className="facts">
        <dt>Name</dt>
        <dd>{user.displayName}</dd>
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{ROLE_LABELS[user.role]}</dd>
        <dt>Agency</dt>
        <dd>{user.agency}</dd>
      </dl>

      <h2>Sessions</h2>
      <p>
        You are signed in {sessions === 1 ? "in 1 place" : `in ${sessions} places`}. Signing out everywhere ends every session, including
        this one, and disconnects every open room.
      </p>
      <Form method="post">
        <input type="hidden" name="intent" value="signOutEverywhere" />
        <button type="submit" className="danger">
          Sign out everywhere
        </button>
      </Form>

      <h2>Personal access tokens</h2>
      <p>
        A token lets a tool call the Cluebridge API as you, with exactly your permissions: send it as <code>Authorization: Bearer &lt;token&gt;</code>.
        Treat it like your password.
      </p>
      {newToken ? (
        <div className="notice" role="status">
          <p>
            <strong>New token “{newToken.name}”</strong>, valid until {formatDate(newToken.expiresAt)}. Copy it now: it is shown only once.
          </p>
          <p className="token-value">
            <code>{newToken.token}</code>
          </p>
        </div>
      ) : null}
      <Form method="post" className="stack" noValidate>
        <FormErrors failure={tokenFailure} />
        <input type="hidden" name="intent" value="createToken" />
        <TextField name="name" label="Token name" hint="What will use it, e.g. “Case export script”." required maxLength={100} defaultValue={keptText(tokenFailure, "name")} errors={tokenFailure?.fields} />
        <TextField name="days" label="Valid for (days)" type="number" min={1} max={366} defaultValue={keptText(tokenFailure, "days", "90")} errors={tokenFailure?.fields} />
        <div className="form-actions">
          <button type="submit">Create token</button>
        </div>
      </Form>
      {tokens.length === 0 ? (
        <p className="empty">You have no access tokens.</p>
      ) : (
        <DataTable caption="Your access tokens" columns={["Name", "Created", "Expires", "Last used", "State", { hidden: "Actions" }]}>
          {tokens.map((token) => (
            <tr key={token.id}>
              <td>{token.name}</td>
              <td>{formatDate(token.createdAt)}</td>
              <td>{formatDate(token.expiresAt)}</td>
              <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : "Never"}</td>
              <td>{token.state}</td>
              <td>
                {token.state === "Active" ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="revokeToken" />
                    <input type="hidden" name="tokenId" value={token.id} />
                    <button type="submit" className="secondary small" aria-label={`Revoke token ${token.name}`}>
                      Revoke
                    </button>
                  </Form>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </main>
  );
}
