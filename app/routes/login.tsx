// Sign in, step one: email and password. The same message for every kind of failure (no account enumeration);
// a client held back after failed attempts is told when to try again (429 with Retry-After).
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TextField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { getOptionalUser } from "~/auth/session.server";
import { refusalInit, signInWithPassword } from "~/auth/sign-in.server";
import { deviceTokenFrom } from "~/auth/sign-in-throttle.server";
import { fieldErrorsOf, readForm } from "~/utils/forms.server";
import { failureOf, keptText } from "~/utils/form-values";
import { requestOrigin } from "~/utils/request.server";
import { actionFailure } from "~/utils/route-errors.server";
import { safeRedirectPath, signInSchema } from "~/validation/accounts";

export const meta: MetaFunction = () => [{ title: "Sign in · Cluebridge" }];

// The action's own headers reach the page response: Retry-After when held back, a new device cookie.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirectPath(url.searchParams.get("redirectTo"));
  const user = await getOptionalUser(request);
  if (user) throw redirect(redirectTo);
  return { redirectTo, signedOut: url.searchParams.has("signedOut") };
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const redirectTo = safeRedirectPath(form.redirectTo);
  // The password is never sent back to the page.
  const values = { email: typeof form.email === "string" ? form.email.slice(0, 254) : "", redirectTo };
  const parsed = signInSchema.safeParse(form);
  if (!parsed.success) {
    return data(actionFailure(values, { fields: fieldErrorsOf(parsed.error), formError: "Some fields need attention." }), { status: 422 });
  }
  const result = await signInWithPassword({
    email: parsed.data.email,
    password: parsed.data.password,
    origin: requestOrigin(request),
    deviceToken: deviceTokenFrom(request.headers.get("Cookie")),
  });
  if (!result.ok) return data(actionFailure(values, { formError: result.message }), refusalInit(result));
  throw redirect(`${result.next}?redirectTo=${encodeURIComponent(redirectTo)}`, { headers: { "Set-Cookie": result.cookie } });
}

export default function LoginPage() {
  const { redirectTo, signedOut } = useLoaderData<typeof loader>();
  const failure = failureOf(useActionData<typeof action>());
  const busy = useNavigation().state === "submitting";
  return (
    <main id="main" className="page narrow">
      <h1>Sign in to Cluebridge</h1>
      {signedOut && !failure ? (
        <p className="notice" role="status">
          You have signed out.
        </p>
      ) : null}
      <Form method="post" className="stack" noValidate>
        <FormErrors failure={failure} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <TextField
          name="email"
          label="Email"
          type="email"
          autoComplete="username"
          required
          maxLength={254}
          defaultValue={keptText(failure, "email")}
          errors={failure?.fields}
          autoFocus={!failure}
        />
        <TextField name="password" label="Password" type="password" autoComplete="current-password" required maxLength={1024} errors={failure?.fields} />
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </div>
      </Form>
      <p className="muted">
        Accounts are created by your Cluebridge administrator once your agency has vetted you. Forgotten your password or lost your
        authenticator? Ask your administrator.
      </p>
    </main>
  );
}
