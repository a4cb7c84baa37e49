// The "Request review" form of a clue or lead page (intent "requestReview"), with its refusal if one came back,
// and the notice the page shows once the request went through.
import type { HandlingCode } from "@prisma/client";
import { Form } from "@remix-run/react";
import { failureOf } from "~/utils/form-values";
import { FormErrors } from "./FormErrors";
import { HANDLING_CODE_LABELS } from "./HandlingCodeBadge";

export function ReviewRequestForm({ actionData, handlingCode, what }: { actionData: unknown; handlingCode: HandlingCode; what: "items" | "leads" }) {
  const failure = failureOf(actionData, "requestReview");
  return (
    <section aria-labelledby="review-heading">
      <h2 id="review-heading">Ask for review</h2>
      <Form method="post" className="stack">
        <input type="hidden" name="intent" value="requestReview" />
        <FormErrors failure={failure} />
        {failure?.fields.handlingCode ? <p className="field-error">{failure.fields.handlingCode.join(" ")}</p> : null}
        <p>A liaison approves {HANDLING_CODE_LABELS[handlingCode]} {what} before they are shared beyond the taskforce.</p>
        <button type="submit" className="secondary">
          Request review
        </button>
      </Form>
    </section>
  );
}

export function ReviewRequestedNotice() {
  return (
    <p className="notice" role="status">
      Submitted for liaison review.
    </p>
  );
}
