// Public object appeals: no sign-in. Each appeal is the short text a liaison wrote for the public, nothing else
// from the case; anyone may send a text tip, which goes to the liaison's queue (rate-limited per address).
import type { ActionFunctionArgs, HeadersFunction, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { TextAreaField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { listPublishedAppeals, submitPublicTip } from "~/models/appeals.server";
import { NotFoundError, RateLimitedError } from "~/utils/errors.server";
import { failureOf, formatDate, keptText } from "~/utils/form-values";
import { parseInput, readForm } from "~/utils/forms.server";
import { CLIENT_ADDRESS_HEADER } from "~/utils/request.server";
import { actionFailure, runAction } from "~/utils/route-errors.server";
import { publicTipSchema, TIP_MAX } from "~/validation/appeal";

export const meta: MetaFunction = () => [{ title: "Help us trace these objects · Cluebridge" }];
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

export async function loader() {
  const appeals = await listPublishedAppeals();
  return { appeals: appeals.map(({ id, publicText, publishedAt }) => ({ id, publicText, publishedAt })) };
}

export async function action({ request }: ActionFunctionArgs) {
  const values = await readForm(request);
  return runAction(values, async () => {
    try {
      await submitPublicTip(parseInput(publicTipSchema, values), request.headers.get(CLIENT_ADDRESS_HEADER));
    } catch (error) {
      // The public hears nothing more than this: no case, no reason beyond the appeal being gone.
      if (error instanceof NotFoundError) return data(actionFailure(values, { formError: "This appeal is no longer published." }), { status: 404 });
      if (error instanceof RateLimitedError) return data(actionFailure(values, { formError: error.message }), { status: 429, headers: { "Retry-After": String(error.retryAfterSeconds) } });
      throw error;
    }
    return { ok: true as const, appealId: String(values.appealId) };
  });
}

export default function PublicAppealsPage() {
  const { appeals } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const failure = failureOf(actionData);
  const thanked = actionData && "ok" in actionData && actionData.ok ? actionData.appealId : null;
  return (
    <main id="main" className="page narrow">
      <h1>Help us trace these objects</h1>
      <p>Police are trying to find out where these objects come from. If you recognise one, tell us what you know. Do not send pictures or files: text only.</p>
      {appeals.length === 0 ? <p className="empty">There are no appeals at the moment.</p> : null}
      <ul className="item-list">
        {appeals.map((appeal) => {
          const mine = failure && failure.values.appealId === appeal.id ? failure : undefined;
          return (
            <li key={appeal.id} className="card stack">
              <p className="pre-wrap appeal-text">{appeal.publicText}</p>
              <p className="muted">Published {formatDate(appeal.publishedAt)}</p>
              {thanked === appeal.id ? (
                <p className="notice" role="status">
                  Thank you. Your tip has been passed on.
                </p>
              ) : null}
              <Form method="post" className="stack" noValidate>
                <input type="hidden" name="appealId" value={appeal.id} />
                <FormErrors failure={mine} />
                <TextAreaField name="body" id={`tip-${appeal.id}`} label="What do you know about this object?" hint="Text only." errors={mine?.fields} defaultValue={keptText(mine, "body")} maxLength={TIP_MAX} />
                <button type="submit">Send tip</button>
              </Form>
            </li>
          );
        })}
      </ul>
    </main>
  );
}
