// Sign in, step two: a code from the authenticator app, or one of the recovery codes issued at enrolment.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { CodeForm } from "~/components/CodeForm";
import { TextField } from "~/components/Field";
import { requirePendingSession } from "~/auth/session.server";
import { refusalInit, verifySecondFactor } from "~/auth/sign-in.server";
import { deviceTokenFrom } from "~/auth/sign-in-throttle.server";
import { fieldErrorsOf, readForm } from "~/utils/forms.server";
import { failureOf } from "~/utils/form-values";
import { requestOrigin } from "~/utils/request.server";
import { actionFailure } from "~/utils/route-errors.server";
import { safeRedirectPath, secondFactorSchema } from "~/validation/accounts";

export const meta: MetaFunction = () => [{ title: "Enter your code · Cluebridge" }];

// The action's own headers reach the page response: Retry-After when held back, a new device cookie.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const redirectTo = safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"));
  const pending = await requirePendingSession(request, redirectTo);
  if (!pending.totpEnabled) throw redirect(`/mfa/enrol?redirectTo=${encodeURIComponent(redirectTo)}`);
  return { redirectTo, email: pending.user.email };
}

// Failures keep only redirectTo, never the code: a wrong one is no use again, and a recovery code should not
// linger on the page.
export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const redirectTo = safeRedirectPath(form.redirectTo);
  const pending = await requirePendingSession(request, redirectTo);
  const parsed = secondFactorSchema.safeParse(form);
  if (!parsed.success) {
    return data(actionFailure({ redirectTo }, { fields: fieldErrorsOf(parsed.error), formError: "Enter a code." }), { status: 422 });
  }
  const result = await verifySecondFactor(pending, parsed.data.code, requestOrigin(request), deviceTokenFrom(request.headers.get("Cookie")));
  if (!result.ok) return data(actionFailure({ redirectTo }, { formError: result.message }), refusalInit(result));
  const headers = new Headers();
  for (const cookie of result.cookies) headers.append("Set-Cookie", cookie);
  // Failed attempts since the owner's previous sign-in: the account page tells them first, then lets them go on.
  throw redirect(result.failedAttempts ? `/account?continue=${encodeURIComponent(redirectTo)}` : redirectTo, { headers });
}

export default function MfaVerifyPage() {
  const { redirectTo, email } = useLoaderData<typeof loader>();
  const failure = failureOf(useActionData<typeof action>());
  return (
    <main id="main" className="page narrow">
      <h1>Enter your code</h1>
      <p>
        Signing in as <strong>{email}</strong>. Open your authenticator app and enter the 6-digit code it shows for Cluebridge.
      </p>
      <CodeForm failure={failure} redirectTo={redirectTo} submitLabel="Continue">
        <TextField
          name="code"
          label="Code"
          hint="The 6-digit code, or one of your recovery codes (like abcde-23456) if you do not have your device."
          autoComplete="one-time-code"
          spellCheck={false}
          required
          maxLength={32}
          errors={failure?.fields}
          autoFocus={!failure}
        />
      </CodeForm>
    </main>
  );
}
