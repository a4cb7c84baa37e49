// Add a clue to a case: category, the observation in words, evaluation, handling code, media hash ids.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { CaseBackLink } from "~/components/CaseBackLink";
import { ClueFields, type ClueFieldValues } from "~/components/ClueFields";
import { FormErrors } from "~/components/FormErrors";
import { HandlingCodeBadge } from "~/components/HandlingCodeBadge";
import { getCase, listClueCategories, listTaskforceMembers } from "~/models/cases.server";
import { createClue } from "~/models/clues.server";
import { parseInput, readForm } from "~/utils/forms.server";
import { failureOf, keptList, keptText } from "~/utils/form-values";
import { runAction, runLoader } from "~/utils/route-errors.server";
import { createClueSchema } from "~/validation/clue";
import { HANDLING_CODE_LABELS } from "~/auth/handling-codes";

export const meta: MetaFunction = () => [{ title: "Add clue · Cluebridge" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const caseId = params.caseId ?? "";
  return runLoader(async () => {
    const kase = await getCase(actor, caseId);
    // The form is offered only to those who may add a clue (a liaison reviews; they get 403, not a form that fails).
    requirePermission(actor, "clue:create", { type: "case", taskforceId: kase.taskforceId });
    const [categories, members] = await Promise.all([listClueCategories(), listTaskforceMembers(actor, kase.taskforceId)]);
    const added = new URL(request.url).searchParams.get("added");
    return {
      kase: { id: kase.id, reference: kase.reference, title: kase.title, defaultHandlingCode: kase.defaultHandlingCode },
      categories: categories.map(({ key, label }) => ({ key, label })),
      members: members.filter((member) => member.id !== actor.id).map(({ id, displayName, agency }) => ({ id, displayName, agency })),
      added,
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const caseId = params.caseId ?? "";
  const values = await readForm(request);
  return runAction(values, async () => {
    const clue = await createClue(actor, caseId, parseInput(createClueSchema, values));
    if (values.then === "another") return redirect(`/cases/${caseId}/clues/new?added=${encodeURIComponent(clue.id)}`);
    return redirect(`/cases/${caseId}?added=${encodeURIComponent(clue.id)}#clue-${clue.id}`);
  });
}

export default function NewCluePage() {
  const { kase, categories, members, added } = useLoaderData<typeof loader>();
  const failure = failureOf(useActionData<typeof action>());
  const values: ClueFieldValues = {
    category: keptText(failure, "category"),
    value: keptText(failure, "value"),
    detail: keptText(failure, "detail"),
    confidence: keptText(failure, "confidence", "MEDIUM"),
    handlingCode: keptText(failure, "handlingCode", kase.defaultHandlingCode),
    sourceReliability: keptText(failure, "sourceReliability", "X"),
    infoAssessment: keptText(failure, "infoAssessment", "4"),
    mediaRefs: keptText(failure, "mediaRefs"),
    recipientIds: keptList(failure, "recipientIds"),
    facets: keptList(failure, "facets").filter(Boolean),
  };
  return (
    <AppShell>
      <CaseBackLink kase={kase} />
      <h1>Add clue</h1>
      <p className="meta-line">
        Case {kase.reference}. New clues default to <HandlingCodeBadge code={kase.defaultHandlingCode} />.
      </p>
      {added && !failure ? (
        <p className="notice" role="status">
          Clue added. <Link to={`/clues/${added}`}>Open it</Link>, or add the next one below.
        </p>
      ) : null}
      {/* key: a fresh, empty form after "save and add another" */}
      <Form method="post" className="stack clue-form" noValidate key={added ?? "new"}>
        <FormErrors failure={failure} />
        <ClueFields values={values} errors={failure?.fields} categories={categories} members={members} caseDefaultCode={HANDLING_CODE_LABELS[kase.defaultHandlingCode]} />
        <div className="form-actions">
          <button type="submit" name="then" value="case">
            Add clue
          </button>
          <button type="submit" name="then" value="another" className="secondary">
            Add and start another
          </button>
          <Link to={`/cases/${kase.id}`}>Cancel</Link>
        </div>
      </Form>
    </AppShell>
  );
}
