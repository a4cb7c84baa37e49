// The lead page's dissemination section: what was sent of this lead, and for a liaison on an approved lead the
// form that sends it (contact point, Europol handling code, the H3 restriction, a note).
import { Form, Link } from "@remix-run/react";
import { failureOf, formatDateTime, keptText } from "~/utils/form-values";
import { EUROPOL_HANDLING_CODE_MEANINGS, EUROPOL_HANDLING_CODES } from "~/validation/dissemination";
import { SelectField, TextAreaField } from "./Field";
import { FormErrors } from "./FormErrors";

export interface DisseminationLine {
  id: string;
  europolCode: string;
  sentAt: string | Date;
  recipient: string;
}

export function DisseminationSection({
  sent,
  recipients,
  canDisseminate,
  actionData,
}: {
  sent: DisseminationLine[];
  recipients: { id: string; label: string }[];
  canDisseminate: boolean;
  actionData: unknown;
}) {
  const failure = failureOf(actionData, "disseminate");
  return (
    <section aria-labelledby="dissemination-heading">
      <h2 id="dissemination-heading">Dissemination</h2>
      {sent.length ? (
        <ul className="item-list">
          {sent.map((line) => (
            <li key={line.id}>
              Sent to {line.recipient} under {line.europolCode}, {formatDateTime(line.sentAt)}: <Link to={`/disseminations/${line.id}/report`}>report</Link> ·{" "}
              <a href={`/disseminations/${line.id}/package`} download>
                JSON
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">Not disseminated yet: a liaison sends a lead once it is approved.</p>
      )}
      {canDisseminate ? (
        recipients.length === 0 ? (
          <p className="muted">No contact points are on the list yet: an administrator adds them.</p>
        ) : (
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value="disseminate" />
            <FormErrors failure={failure} />
            <p>Sends the lead and its approved clues as approved (the redacted copies where redacted). The record keeps exactly what was sent.</p>
            <SelectField name="recipientId" id="dissemination-recipient" label="Send to" options={recipients.map(({ id, label }) => ({ value: id, label }))} errors={failure?.fields} defaultValue={keptText(failure, "recipientId")} />
            <SelectField
              name="handlingCode"
              id="dissemination-hcode"
              label="Europol handling code"
              options={EUROPOL_HANDLING_CODES.map((code) => ({ value: code, label: EUROPOL_HANDLING_CODE_MEANINGS[code] }))}
              errors={failure?.fields}
              defaultValue={keptText(failure, "handlingCode", "H0")}
            />
            <TextAreaField name="restriction" id="dissemination-restriction" label="Restriction" hint="Required for H3: what the recipient may and may not do." errors={failure?.fields} defaultValue={keptText(failure, "restriction")} maxLength={2_000} />
            <TextAreaField name="note" id="dissemination-note" label="Note to the recipient" errors={failure?.fields} defaultValue={keptText(failure, "note")} maxLength={2_000} />
            <button type="submit">Disseminate</button>
          </Form>
        )
      ) : null}
    </section>
  );
}
