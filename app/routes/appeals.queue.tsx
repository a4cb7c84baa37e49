// The liaison's appeals: what is published with the tips it brought in, unpublishing (off the public page at
// once), and approved TLP:CLEAR object clues that could be published with a text written for the public.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { hasGrant } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { EmptyState } from "~/components/EmptyState";
import { TextAreaField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { appealQueue, publishAppeal, unpublishAppeal } from "~/models/appeals.server";
import { failureOf, formatDateTime, keptText } from "~/utils/form-values";
import { parseInput, readForm } from "~/utils/forms.server";
import { runAction, runLoader } from "~/utils/route-errors.server";
import { PUBLIC_TEXT_MAX, publishAppealSchema } from "~/validation/appeal";

export const meta: MetaFunction = () => [{ title: "Appeals · Cluebridge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const queue = await runLoader(() => appealQueue(actor));
  return { ...queue, canPublish: hasGrant(actor, "appeal:publish") };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const values = await readForm(request);
  return runAction(values, async () => {
    if (values.intent === "publish") await publishAppeal(actor, parseInput(publishAppealSchema, values));
    else if (values.intent === "unpublish") await unpublishAppeal(actor, String(values.appealId ?? ""));
    else throw new Response("Unknown form", { status: 400 });
    return { ok: true as const, intent: String(values.intent) };
  });
}

export default function AppealQueuePage() {
  const { appeals, candidates, canPublish } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const publishFailure = failureOf(actionData, "publish");
  const unpublishFailure = failureOf(actionData, "unpublish");
  return (
    <AppShell>
      <h1>Public appeals</h1>
      <p>
        The public page, <Link to="/appeals">/appeals</Link>, shows only the text you write for each appeal.
      </p>
      <FormErrors failure={unpublishFailure} />
      <h2>Appeals and tips</h2>
      {appeals.length === 0 ? (
        <EmptyState title="No appeals yet.">
          <p>Publish an approved TLP:CLEAR object clue below.</p>
        </EmptyState>
      ) : (
        <ul className="item-list">
          {appeals.map((appeal) => (
            <li key={appeal.id} className="card stack">
              <p className="pre-wrap">{appeal.publicText}</p>
              <p className="meta-line">
                <span>{appeal.unpublishedAt ? `Unpublished ${formatDateTime(appeal.unpublishedAt)}` : `Published ${formatDateTime(appeal.publishedAt)}`}</span>
                <Link to={`/clues/${appeal.clueId}`}>The clue</Link>
              </p>
              {!appeal.unpublishedAt && canPublish ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="unpublish" />
                  <input type="hidden" name="appealId" value={appeal.id} />
                  <button type="submit" className="danger small">
                    Unpublish
                  </button>
                </Form>
              ) : null}
              <h3>Tips ({appeal.tips.length})</h3>
              {appeal.tips.length === 0 ? <p className="muted">No tips yet.</p> : null}
              <ul>
                {appeal.tips.map((tip) => (
                  <li key={tip.id}>
                    <span className="muted">{formatDateTime(tip.receivedAt)}</span>
                    <p className="pre-wrap">{tip.body}</p>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {canPublish ? (
        <>
          <h2>Could be published</h2>
          {candidates.length === 0 ? (
            <p className="muted">No approved TLP:CLEAR object clues are waiting.</p>
          ) : (
            <ul className="item-list">
              {candidates.map((clue) => {
                const mine = publishFailure && publishFailure.values.clueId === clue.id ? publishFailure : undefined;
                return (
                  <li key={clue.id} className="card stack">
                    <Link to={`/clues/${clue.id}`}>{clue.value}</Link>
                    <Form method="post" className="stack" noValidate>
                      <input type="hidden" name="intent" value="publish" />
                      <input type="hidden" name="clueId" value={clue.id} />
                      <FormErrors failure={mine} />
                      <TextAreaField
                        name="publicText"
                        id={`public-${clue.id}`}
                        label="Text for the public"
                        hint="Only this is shown. Describe the object; say nothing about the case."
                        errors={mine?.fields}
                        defaultValue={keptText(mine, "publicText")}
                        maxLength={PUBLIC_TEXT_MAX}
                      />
                      <button type="submit">Publish appeal</button>
                    </Form>
                  </li>
                );
              })}
            </ul>
          )}
        </>
      ) : null}
    </AppShell>
  );
}
