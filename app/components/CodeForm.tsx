// The second-factor code form (enrolment and sign-in alike), and the way out of it: cancel and sign out.
import { Form, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import type { ActionFailure } from "~/utils/route-errors.server";
import { FormErrors } from "./FormErrors";

export function CodeForm({ failure, redirectTo, submitLabel, children }: { failure: ActionFailure | undefined; redirectTo: string; submitLabel: string; children: ReactNode }) {
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <Form method="post" className="stack" noValidate>
        <FormErrors failure={failure} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        {children}
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? "Checking…" : submitLabel}
          </button>
        </div>
      </Form>
      <Form method="post" action="/logout" className="form-actions">
        <button type="submit" className="secondary">
          Cancel and sign out
        </button>
      </Form>
    </>
  );
}
