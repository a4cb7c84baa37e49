// After signing in with an administrator's one-time password (and enrolling a new authenticator): the user
// chooses their own password before anything else. requireActor sends such a session here from every page.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { TextField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { NEW_PASSWORD_PATH, requirePasswordChangeSession } from "~/auth/session.server";
import { PASSWORD_MIN_LENGTH } from "~/auth/password.server";
import { chooseNewPassword } from "~/models/users.server";
import { parseInput, readForm } from "~/utils/forms.server";
import { failureOf } from "~/utils/form-values";
import { requestOrigin } from "~/utils/request.server";
import { runAction } from "~/utils/route-errors.server";
import { newPasswordSchema, safeRedirectPath } from "~/validation/accounts";

export const meta: MetaFunction = () => [{ title: "Choose a new password · Cluebridge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const redirectTo = safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"));
  const current = await requirePasswordChangeSession(request, redirectTo);
  return { redirectTo: redirectTo === NEW_PASSWORD_PATH ? "/" : redirectTo, email: current.user.email, minLength: PASSWORD_MIN_LENGTH };
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const redirectTo = safeRedirectPath(form.redirectTo);
  const current = await requirePasswordChangeSession(request, redirectTo);
  // The passwords are never sent back to the page.
  const values = { redirectTo };
  return runAction(values, async () => {
    await chooseNewPassword(current.user, parseInput(newPasswordSchema, form), requestOrigin(request));
    throw redirect(redirectTo);
  });
}

export default function NewPasswordPage() {
  const { redirectTo, email, minLength } = useLoaderData<typeof loader>();
  const failure = failureOf(useActionData<typeof action>());
  return (
    <main id="main" className="page narrow">
      <h1>Choose a new password</h1>
      <p>
        You signed in as <strong>{email}</strong> with a one-time password from your administrator. It no longer works: choose your own
        password (at least {minLength} characters, not a commonly used one) to continue.
      </p>
      <Form method="post" className="stack" noValidate>
        <FormErrors failure={failure} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <TextField name="password" label="New password" type="password" autoComplete="new-password" required maxLength={256} errors={failure?.fields} />
        <TextField name="confirmPassword" label="New password again" type="password" autoComplete="new-password" required maxLength={256} errors={failure?.fields} />
        <div className="form-actions">
          <button type="submit">Save the new password</button>
        </div>
      </Form>
    </main>
  );
}
