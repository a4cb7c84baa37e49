// The liaison's home: GREEN and CLEAR items waiting for a decision before they leave the taskforce.
import type {
  ActionFunctionArgs,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { hasGrant } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { EmptyState } from "~/components/EmptyState";
import { TextAreaField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { HandlingCodeBadge } from "~/components/HandlingCodeBadge";
import { DECIDED_NOTICES } from "~/components/ReviewPanel";
import { countriesLeadsPointTo } from "~/models/narrowing.server";
import { listReviewQueue, decideReview } from "~/models/reviews.server";
import { failureOf, formatDateTime, keptText } from "~/utils/form-values";
import { parseInput, readForm } from "~/utils/forms.server";
import { runAction, runLoader } from "~/utils/route-errors.server";
import { decideReviewSchema, requestReviewSchema } from "~/validation/review";

export const meta: MetaFunction = () => [
  { title: "Review queue · Cluebridge" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const queue = await runLoader(() => listReviewQueue(actor));
  // Only a liaison decides: anyone else sees the queue without the decision buttons.
  // Which countries each lead points to, from the cited clues the liaison may see (one query for the queue).
  const countries = await countriesLeadsPointTo(actor, queue.filter((item) => item.itemType === "LEAD").map((item) => item.id));
  return {
    queue: queue.map((item) => ({ ...item, countries: countries.get(item.id) ?? [] })),
    canDecide: hasGrant(actor, "review:decide"),
    decided: new URL(request.url).searchParams.get("decided"),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const values = await readForm(request);
  return runAction(values, async () => {
    const { itemType, itemId } = parseInput(requestReviewSchema, values);
    const { review } = await decideReview(
      actor,
      itemType,
      itemId,
      parseInput(decideReviewSchema, values)
    );
    return redirect(`/reviews?decided=${review.decision}`);
  });
}

export default function ReviewsPage() {
  const { queue, canDecide, decided } = useLoaderData<typeof loader>();
  const failure = failureOf(useActionData<typeof action>());
  return (
    <AppShell>
      <h1>Review queue</h1>
      {decided ? (
        <p className="notice" role="status">
          {DECIDED_NOTICES[decided.toLowerCase()] ?? "Decision recorded."}
        </p>
      ) : null}
      {queue.length === 0 ? (
        <EmptyState title="Nothing you can see is waiting for review.">
          <p>Clues and leads marked TLP:GREEN or TLP:CLEAR appear here when their author asks for review before dissemination.</p>
        </EmptyState>
      ) : (
        <ul className="item-list">
          {queue.map((item) => {
            const mine =
              failure && failure.values.itemId === item.id
                ? failure
                : undefined;
            const noteId = `note-${item.id}`;
            return (
              <li key={`${item.itemType}-${item.id}`} className="task-card">
                <Link
                  className="item-title"
                  to={
                    item.itemType === "CLUE"
                      ? `/clues/${item.id}`
                      : `/leads/${item.id}`
                  }
                >
                  {item.title}
                </Link>
                <div className="meta-line">
                  <span className="pill">
                    {item.itemType === "CLUE" ? "Clue" : "Lead"}
                  </span>
                  <HandlingCodeBadge code={item.handlingCode} />
                  <span>
                    Case{" "}
                    <Link to={`/cases/${item.caseId}`}>
                      {item.caseReference}
                    </Link>
                  </span>
                  <span>Waiting since {formatDateTime(item.updatedAt)}</span>
                  {item.countries.length ? (
                    <span data-testid="lead-countries">{`Points to ${item.countries.map((country) => `${country.name} (${country.country})`).join(", ")}`}</span>
                  ) : null}
                </div>
                {canDecide ? (
                  <>
                    <Form method="post" className="stack" noValidate>
                      <input
                        type="hidden"
                        name="itemType"
                        value={item.itemType}
                      />
                      <input type="hidden" name="itemId" value={item.id} />
                      <input
                        type="hidden"
                        name="version"
                        value={item.version}
                      />
                      <FormErrors failure={mine} />
                      <TextAreaField
                        name="note"
                        id={noteId}
                        label="Note"
                        hint="Required to return or reject: say what must change."
                        errors={mine?.fields}
                        defaultValue={keptText(mine, "note")}
                        maxLength={5_000}
                      />
                      <div className="form-actions">
                        <button type="submit" name="decision" value="APPROVED">
                          Approve<span className="sr-only">: {item.title}</span>
                        </button>
                        <button
                          type="submit"
                          name="decision"
                          value="RETURNED"
                          className="secondary"
                        >
                          Return to author
                          <span className="sr-only">: {item.title}</span>
                        </button>
                        <button
                          type="submit"
                          name="decision"
                          value="REJECTED"
                          className="danger"
                        >
                          Reject<span className="sr-only">: {item.title}</span>
                        </button>
                      </div>
                    </Form>
                    <p className="hint">
                      To send a redacted copy instead of the original,{" "}
                      <Link
                        to={
                          item.itemType === "CLUE"
                            ? `/clues/${item.id}`
                            : `/leads/${item.id}`
                        }
                      >
                        open the {item.itemType === "CLUE" ? "clue" : "lead"}
                      </Link>{" "}
                      and approve it there.
                    </p>
                  </>
                ) : (
                  <p className="muted">Waiting for a liaison's decision.</p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </AppShell>
  );
}
