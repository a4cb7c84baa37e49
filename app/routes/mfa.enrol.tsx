// First sign-in: set up an authenticator app: a QR code to scan (SVG markup drawn on the server, no image), the
// secret as text to type in, and the otpauth:// URI for tools that take it. Confirming issues ten recovery codes.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { CodeForm } from "~/components/CodeForm";
import { TextField } from "~/components/Field";
import { getCurrentSession } from "~/auth/session.server";
import { confirmEnrolment, pendingEnrolment, refusalInit } from "~/auth/sign-in.server";
import { deviceTokenFrom } from "~/auth/sign-in-throttle.server";
import { fieldErrorsOf, readForm } from "~/utils/forms.server";
import { failureOf } from "~/utils/form-values";
import { requestOrigin } from "~/utils/request.server";
import { actionFailure } from "~/utils/route-errors.server";
import { enrolmentSchema, safeRedirectPath } from "~/validation/accounts";

export const meta: MetaFunction = () => [{ title: "Set up your authenticator · Cluebridge" }];

// The action's own headers reach the page response: Retry-After when held back, a new device cookie.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const redirectTo = safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"));
  const current = await getCurrentSession(request);
  if (!current) throw redirect(`/login?redirectTo=${encodeURIComponent(redirectTo)}`);
  // Just confirmed (this page then shows the recovery codes from the action), or visited when already set up.
  if (current.mfaVerified) return { state: "done" as const, redirectTo, enrolment: null, email: current.user.email };
  if (current.totpEnabled) throw redirect(`/mfa/verify?redirectTo=${encodeURIComponent(redirectTo)}`);
  const enrolment = await pendingEnrolment(current);
  if (!enrolment) throw redirect(`/mfa/verify?redirectTo=${encodeURIComponent(redirectTo)}`);
  return { state: "enrol" as const, redirectTo, enrolment, email: current.user.email };
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const redirectTo = safeRedirectPath(form.redirectTo);
  const current = await getCurrentSession(request);
  if (!current) throw redirect(`/login?redirectTo=${encodeURIComponent(redirectTo)}`);
  if (current.mfaVerified) throw redirect(redirectTo);
  const parsed = enrolmentSchema.safeParse(form);
  if (!parsed.success) {
    return data(actionFailure({ redirectTo }, { fields: fieldErrorsOf(parsed.error), formError: "Enter the code." }), { status: 422 });
  }
  const result = await confirmEnrolment(current, parsed.data.code, requestOrigin(request), deviceTokenFrom(request.headers.get("Cookie")));
  if (!result.ok) return data(actionFailure({ redirectTo }, { formError: result.message }), refusalInit(result));
  return data({ ok: true as const, recoveryCodes: result.recoveryCodes, redirectTo }, result.deviceCookie ? { headers: { "Set-Cookie": result.deviceCookie } } : undefined);
}

function RecoveryCodes({ codes, continueTo }: { codes: string[]; continueTo: string }) {
  return (
    <main id="main" className="page narrow">
      <h1>Save your recovery codes</h1>
      <p className="notice" role="status">
        Your authenticator app is set up. These ten recovery codes are shown only now.
      </p>
      <p>
        Each code signs you in once if you lose your device. Store them somewhere safe and separate from your device, such as your
        agency&apos;s password safe.
      </p>
      <ol className="recovery-codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <p>
        <Link className="button" to={continueTo}>
          I have stored my recovery codes, continue
        </Link>
      </p>
    </main>
  );
}

export default function MfaEnrolPage() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const failure = failureOf(actionData);
  if (actionData && "recoveryCodes" in actionData) return <RecoveryCodes codes={actionData.recoveryCodes} continueTo={actionData.redirectTo} />;
  if (loaded.state === "done" || !loaded.enrolment) {
    return (
      <main id="main" className="page narrow">
        <h1>Authenticator set up</h1>
        <p>Your authenticator app is already set up for {loaded.email}.</p>
        <p>
          <Link to={loaded.redirectTo}>Continue</Link>
        </p>
      </main>
    );
  }
  const { enrolment, redirectTo, email } = loaded;
  return (
    <main id="main" className="page narrow">
      <h1>Set up your authenticator</h1>
      <p>
        Cluebridge needs a second step at every sign-in: a 6-digit code from an authenticator app on a device you keep with you. Set it up
        once for <strong>{email}</strong>:
      </p>
      <ol className="stack">
        <li>
          In your authenticator app, choose to add an account, then scan this code, or enter the key beside it by hand (time-based).
          <div className="totp-enrol">
            {/* Server-drawn SVG of our own otpauth:// URI (totpQrSvg), not user input: paths only, no image. */}
            <div className="totp-qr-frame" dangerouslySetInnerHTML={{ __html: enrolment.qrSvg }} />
            <div>
              Account name: <strong>Cluebridge</strong>. Key:
              <p className="totp-secret">
                <code aria-label="Secret key, in groups of four characters">{enrolment.secretGrouped}</code>
              </p>
              <p className="hint">Spaces do not matter. The key is for your device only: do not share it or store it anywhere else.</p>
            </div>
          </div>
        </li>
        <li>
          <details>
            <summary>Your app or tool takes a setup URI instead</summary>
            <p className="totp-uri">
              <code>{enrolment.otpauthUri}</code>
            </p>
          </details>
        </li>
        <li>Enter the 6-digit code the app now shows, to confirm it works.</li>
      </ol>
      <CodeForm failure={failure} redirectTo={redirectTo} submitLabel="Confirm and show recovery codes">
        <TextField
          name="code"
          label="6-digit code"
          inputMode="numeric"
          autoComplete="one-time-code"
          spellCheck={false}
          required
          maxLength={12}
          errors={failure?.fields}
        />
      </CodeForm>
    </main>
  );
}
