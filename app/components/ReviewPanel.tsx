// An item's liaison review on its page: where it stands (who approved it, when, with what note; or the note it was
// returned or rejected with), the redacted copy beside the original, the history, and, for a liaison while the
// item waits, the decision form (approve, approve with redactions, return, reject).
import type { ReviewState } from "@prisma/client";
import { Form } from "@remix-run/react";
import { failureOf, formatDateTime, keptText } from "~/utils/form-values";
import { REVIEW_STATE_LABELS } from "~/utils/labels";
import { TextAreaField } from "./Field";
import { FormErrors } from "./FormErrors";

export interface ReviewPanelData {
  history: { id: string; decision: ReviewState; note: string; redaction: Record<string, string> | null; by: string; at: string | Date }[];
  canDecide: boolean;
  fields: { field: string; label: string; original: string }[];
}

const DONE_LABELS: Partial<Record<ReviewState, string>> = { REQUESTED: "Review requested", APPROVED: "Approved", RETURNED: "Returned", REJECTED: "Rejected" };

export function ReviewPanel({ panel, reviewState, version, actionData }: { panel: ReviewPanelData; reviewState: ReviewState; version: number; actionData: unknown }) {
  if (panel.history.length === 0 && !panel.canDecide) return null;
  const standing = reviewState === "NONE" || reviewState === "REQUESTED" ? undefined : [...panel.history].reverse().find((entry) => entry.decision === reviewState);
  const failed = failureOf(actionData, "decideReview");
  // A decision on a version the liaison did not read is refused (409): say so, and the page shows the new text.
  const failure = failed?.conflict ? { ...failed, formError: failed.conflict.message } : failed;
  const redaction = standing?.decision === "APPROVED" ? standing.redaction : null;
  return (
    <section aria-labelledby="review-panel-heading" className="review-panel">
      <h2 id="review-panel-heading">Liaison review</h2>
      {standing ? (
        <p className={`notice${standing.decision === "APPROVED" ? "" : " error"}`} data-testid="review-standing">
          <strong>{REVIEW_STATE_LABELS[standing.decision]}</strong> by {standing.by}, {formatDateTime(standing.at)}
          {standing.note ? (
            <>
              : <span className="pre-wrap">{standing.note}</span>
            </>
          ) : null}
        </p>
      ) : null}
      {redaction ? (
        <table className="redaction" aria-label="What leaves the taskforce">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Original (stays in the taskforce)</th>
              <th scope="col">Redacted copy (what is sent)</th>
            </tr>
          </thead>
          <tbody>
            {panel.fields.map(({ field, label, original }) => (
              <tr key={field}>
                <th scope="row">{label}</th>
                <td className="pre-wrap">{original}</td>
                <td className="pre-wrap">{redaction[field] ?? original}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {panel.canDecide ? (
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value="decideReview" />
          <input type="hidden" name="version" value={version} />
          <FormErrors failure={failure} />
          <TextAreaField name="note" id="review-note" label="Note" hint="Required to return or reject: say what must change." errors={failure?.fields} defaultValue={keptText(failure, "note")} maxLength={5_000} />
          <details open={Boolean(failure?.fields && Object.keys(failure.fields).some((key) => key.startsWith("redaction")))}>
            <summary>Redact before approving</summary>
            <p className="hint">Edit the copy that will be sent. The original is not changed and stays visible to the taskforce.</p>
            {panel.fields.map(({ field, label, original }) => (
              <TextAreaField
                key={field}
                name={`redaction.${field}`}
                id={`redaction-${field}`}
                label={`${label} as sent`}
                errors={failure?.fields}
                errorKey={`redaction.${field}`}
                defaultValue={failure ? keptText(failure, `redaction.${field}`) : original}
                maxLength={10_000}
              />
            ))}
          </details>
          <div className="form-actions">
            <button type="submit" name="decision" value="APPROVED">
              Approve
            </button>
            <button type="submit" name="decision" value="RETURNED" className="secondary">
              Return to author
            </button>
            <button type="submit" name="decision" value="REJECTED" className="danger">
              Reject
            </button>
          </div>
        </Form>
      ) : null}
      {panel.history.length ? (
        <>
          <h3>Review history</h3>
          <ol className="review-history">
            {panel.history.map((entry) => (
              <li key={entry.id}>
                {DONE_LABELS[entry.decision] ?? entry.decision} by {entry.by}, {formatDateTime(entry.at)}
                {entry.redaction ? " (with redactions)" : ""}
                {entry.note ? <p className="pre-wrap">{entry.note}</p> : null}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}

/** What the page says after the liaison's decision (the page's ?saved= value). */
export const DECIDED_NOTICES: Record<string, string> = {
  approved: "Approved for dissemination.",
  returned: "Returned to the author with your note.",
  rejected: "Rejected; the author can see your note.",
};
