// A coordinator's or liaison's de-confliction queue (issue 13): their taskforces' side of each link to a clue
// they cannot see, and the steps on it: request contact, accept, or decline with a reason kept on this side.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { LINK_KIND_LABELS } from "~/components/CorrelationPanels";
import { EmptyState } from "~/components/EmptyState";
import { TextAreaField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { deconflictionQueue, stepDeconfliction } from "~/models/deconfliction.server";
import { failureOf, formatDateTime, keptText } from "~/utils/form-values";
import { parseInput, readForm } from "~/utils/forms.server";
import { runAction, runLoader } from "~/utils/route-errors.server";
import { deconflictionStepSchema } from "~/validation/correlation";
import { idSchema } from "~/validation/common";
import { z } from "zod";

export const meta: MetaFunction = () => [{ title: "De-confliction · Cluebridge" }];

const STATUS_TEXT = {
  OPEN: "Nobody has asked yet",
  REQUESTED: "Contact requested",
  ACCEPTED: "Contact accepted by both sides",
  DECLINED: "Declined",
} as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const queue = await runLoader(() => deconflictionQueue(actor));
  return { queue, done: new URL(request.url).searchParams.get("done") };
}

const targetSchema = z.object({ deconflictionId: idSchema });

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const values = await readForm(request);
  return runAction(values, async () => {
    const { deconflictionId } = parseInput(targetSchema, values);
    const input = parseInput(deconflictionStepSchema, values);
    await stepDeconfliction(actor, deconflictionId, input);
    return redirect(`/deconfliction?done=${input.step}`);
  });
}

const DONE_TEXT: Record<string, string> = {
  REQUEST: "Contact requested: the other taskforce's coordinators and liaisons have been told.",
  ACCEPT: "Accepted: both sides now see each other's clue reference and contact point.",
  DECLINE: "Declined: your reason stays with your taskforce.",
};

export default function DeconflictionPage() {
  const { queue, done } = useLoaderData<typeof loader>();
  const failure = failureOf(useActionData<typeof action>());
  // A refused step shows in its item's form; an item without one (a request of this side's, a decided one, an id
  // no longer listed) has nowhere else to say it, so the page says it at the top.
  const failedItem = failure ? queue.find((item) => item.id === failure.values.deconflictionId) : undefined;
  const failureAtTop = failure && !(failedItem && (failedItem.mayRequest || failedItem.mayAnswer)) ? failure : undefined;
  return (
    <AppShell>
      <h1>De-confliction</h1>
      <FormErrors failure={failureAtTop} shownHere={["step", "deconflictionId"]} />
      {done && DONE_TEXT[done] ? (
        <p className="notice" role="status">
          {DONE_TEXT[done]}
        </p>
      ) : null}
      {queue.length === 0 ? (
        <EmptyState title="No link to another taskforce's material.">
          <p>When a clue of your taskforce matches a clue you cannot see, the match appears here, with whom to ask.</p>
        </EmptyState>
      ) : (
        <ul className="item-list">
          {queue.map((item) => {
            const mine = failure && failure.values.deconflictionId === item.id ? failure : undefined;
            return (
              <li key={`${item.id}-${item.side}`} className="task-card" data-deconfliction={item.id}>
                <p className="item-title">
                  Your clue {item.ownClue.value ? <Link to={`/clues/${item.ownClue.id}`}>{item.ownClue.value}</Link> : item.ownClue.id} in case{" "}
                  <Link to={`/cases/${item.ownClue.caseId}`}>{item.ownClue.caseReference}</Link> matches material in another taskforce ({LINK_KIND_LABELS[item.kind] ?? item.kind}).
                </p>
                <div className="meta-line">
                  <span className="pill" data-status={item.status}>
                    {STATUS_TEXT[item.status]}
                    {item.status === "REQUESTED" ? (item.requestedBy === "us" ? " by your taskforce" : " by the other taskforce") : ""}
                  </span>
                  <span>Updated {formatDateTime(item.updatedAt)}</span>
                  {item.leadsOnBothSides ? <span className="pill">Both taskforces have leads on it</span> : null}
                </div>
                {item.contact ? (
                  <p>
                    Whom to ask: {item.contact.displayName} ({item.contact.agency}, {item.contact.email})
                  </p>
                ) : null}
                {item.disclosed ? (
                  <p data-disclosed>
                    Their clue {item.disclosed.clueId} in case {item.disclosed.caseReference}; contact point:{" "}
                    {item.disclosed.contact ? `${item.disclosed.contact.displayName} (${item.disclosed.contact.agency}, ${item.disclosed.contact.email})` : "their liaison"}.
                  </p>
                ) : null}
                {item.declineReason ? <p>Your taskforce declined: {item.declineReason}</p> : null}
                {item.mayRequest || item.mayAnswer ? (
                  <Form method="post" className="stack" noValidate>
                    <input type="hidden" name="deconflictionId" value={item.id} />
                    <FormErrors failure={mine} shownHere={["step", "deconflictionId"]} />
                    {item.mayAnswer ? (
                      <TextAreaField
                        name="reason"
                        id={`reason-${item.id}`}
                        label="Reason"
                        hint="Required when declining; only your taskforce will see it."
                        errors={mine?.fields}
                        defaultValue={keptText(mine, "reason")}
                        maxLength={2_000}
                      />
                    ) : null}
                    <div className="form-actions">
                      {item.mayRequest ? (
                        <button type="submit" name="step" value="REQUEST">
                          Request contact
                        </button>
                      ) : null}
                      {item.mayAnswer ? (
                        <>
                          <button type="submit" name="step" value="ACCEPT">
                            Accept contact
                          </button>
                          <button type="submit" name="step" value="DECLINE" className="danger">
                            Decline
                          </button>
                        </>
                      ) : null}
                    </div>
                  </Form>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </AppShell>
  );
}
