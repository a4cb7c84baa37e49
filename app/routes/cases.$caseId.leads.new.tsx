// Build a lead: a hypothesis citing the clues that support it, with priority, owner and handling code.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { mayHoldWork, requirePermission } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { CaseBackLink } from "~/components/CaseBackLink";
import { evaluationOf } from "~/components/ClueList";
import { EmptyState } from "~/components/EmptyState";
import { ChoiceGroup, SelectField, TextAreaField, TextField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { HandlingCodeBadge } from "~/components/HandlingCodeBadge";
import { getCase, listTaskforceMembers } from "~/models/cases.server";
import { getClue, listClues } from "~/models/clues.server";
import { createLead } from "~/models/leads.server";
import { failureOf, keptList, keptText } from "~/utils/form-values";
import { parseInput, readForm } from "~/utils/forms.server";
import { HANDLING_CODE_OPTIONS, PRIORITY_OPTIONS } from "~/utils/labels";
import { runAction, runLoader } from "~/utils/route-errors.server";
import { clueLine } from "~/utils/views.server";
import { createLeadSchema } from "~/validation/lead";

export const meta: MetaFunction = () => [{ title: "Build a lead · Cluebridge" }];

/** The newest clues offered as evidence; a category filter reaches older ones. */
const CLUE_CHOICES = 200;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const caseId = params.caseId ?? "";
  const search = new URL(request.url).searchParams;
  const category = search.get("category") || undefined;
  const preselected = search.getAll("clue").filter(Boolean).slice(0, 50);
  return runLoader(async () => {
    const kase = await getCase(actor, caseId);
    // The form is offered only to those who may build a lead (not to a liaison).
    requirePermission(actor, "lead:create", { type: "case", taskforceId: kase.taskforceId });
    const [page, members, extra] = await Promise.all([
      listClues(actor, caseId, { category, take: CLUE_CHOICES }),
      listTaskforceMembers(actor, kase.taskforceId),
      // A clue chosen elsewhere (e.g. "Build a lead" on a clue page) is offered even when it is older.
      Promise.all(preselected.map((id) => getClue(actor, id).catch(() => null))),
    ]);
    const listed = new Set(page.items.map((clue) => clue.id));
    const extraClues = extra.filter((clue): clue is NonNullable<typeof clue> => clue !== null && clue.caseId === caseId && !listed.has(clue.id));
    const clues = [...extraClues, ...page.items].map((clue) => ({ ...clueLine(clue), categoryLabel: clue.category.label }));
    return {
      me: actor.id,
      kase: { id: kase.id, reference: kase.reference, title: kase.title, defaultHandlingCode: kase.defaultHandlingCode, clueCounts: kase.clueCounts, clueCount: kase.clueCount },
      category: category ?? "",
      clues,
      moreClues: page.nextCursor !== null,
      preselected: preselected.filter((id) => clues.some((clue) => clue.id === id)),
      owners: members.filter(mayHoldWork).map(({ id, displayName, agency }) => ({ value: id, label: `${displayName} (${agency})` })),
      recipients: members.filter((member) => member.id !== actor.id).map(({ id, displayName, agency }) => ({ value: id, label: displayName, detail: `(${agency})` })),
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const caseId = params.caseId ?? "";
  const values = await readForm(request);
  return runAction(values, async () => {
    const lead = await createLead(actor, caseId, parseInput(createLeadSchema, values));
    return redirect(`/leads/${lead.id}`);
  });
}

export default function NewLeadPage() {
  const { me, kase, category, clues, moreClues, preselected, owners, recipients } = useLoaderData<typeof loader>();
  const failure = failureOf(useActionData<typeof action>());
  const errors = failure?.fields;
  const [handlingCode, setHandlingCode] = useState(keptText(failure, "handlingCode"));
  return (
    <AppShell>
      <CaseBackLink kase={kase} />
      <h1>Build a lead</h1>
      <p>A lead is a hypothesis (a place, a product, a person to ask) and the clues that support it. It is at least as strict as the strictest clue it cites.</p>

      {kase.clueCount > 0 ? (
        <Form method="get" className="inline-form" aria-label="Filter the clues offered as evidence">
          <SelectField
            name="category"
            id="filter-category"
            label="Offer clues from"
            options={kase.clueCounts.map((row) => ({ value: row.categoryKey, label: `${row.label} (${row.count})` }))}
            placeholder="All categories"
            defaultValue={category}
          />
          {preselected.map((id) => (
            <input key={id} type="hidden" name="clue" value={id} />
          ))}
          <button type="submit" className="secondary">
            Show
          </button>
        </Form>
      ) : null}

      <Form method="post" className="stack" noValidate>
        <FormErrors failure={failure} />
        <TextField name="title" label="Title" hint="The hypothesis in one line, e.g. “Filmed in a flat in southern Poland”." errors={errors} defaultValue={keptText(failure, "title")} maxLength={200} required />
        <TextAreaField name="hypothesis" label="Hypothesis" hint="Why these clues point there, and what would confirm it. Text only." errors={errors} defaultValue={keptText(failure, "hypothesis")} maxLength={10_000} />
        {clues.length === 0 ? (
          <EmptyState title="No clues you can see to cite yet.">
            <p>
              A lead can be saved without evidence, but it is stronger with it. <Link to={`/cases/${kase.id}/clues/new`}>Add clues</Link> first, then come back.
            </p>
          </EmptyState>
        ) : (
          <ChoiceGroup
            name="clueIds"
            legend="Supporting clues"
            hint={moreClues ? `Showing the ${clues.length} newest clues${category ? " in this category" : ""}. Choose a category above to reach older ones.` : "Tick every clue that supports the hypothesis."}
            errors={errors}
            defaultChecked={keptList(failure, "clueIds", preselected)}
            options={clues.map((clue) => ({
              value: clue.id,
              label: clue.value,
              detail: (
                <>
                  <HandlingCodeBadge code={clue.handlingCode} /> {clue.categoryLabel}, evaluation {evaluationOf(clue)}
                </>
              ),
            }))}
          />
        )}
        <div className="grid2">
          <SelectField name="priority" label="Priority" options={PRIORITY_OPTIONS} errors={errors} defaultValue={keptText(failure, "priority", "MEDIUM")} />
          <SelectField name="ownerId" label="Owner" options={owners} errors={errors} defaultValue={keptText(failure, "ownerId", me)} />
          <SelectField
            name="handlingCode"
            label="Handling code"
            hint="Leave automatic to use the strictest of the case default and the cited clues."
            options={HANDLING_CODE_OPTIONS}
            placeholder="Automatic"
            errors={errors}
            defaultValue={handlingCode}
            onChange={(event) => setHandlingCode(event.currentTarget.value)}
          />
        </div>
        <div hidden={handlingCode !== "RED"}>
          {recipients.length > 0 ? (
            <ChoiceGroup
              name="recipientIds"
              legend="Named recipients (TLP:RED)"
              hint="Only you and the members you name will see this lead."
              options={recipients}
              errors={errors}
              defaultChecked={keptList(failure, "recipientIds")}
              disabled={handlingCode !== "RED"}
            />
          ) : (
            <p className="notice">TLP:RED: only you will see this lead.</p>
          )}
        </div>
        <div className="form-actions">
          <button type="submit">Save lead</button>
          <Link to={`/cases/${kase.id}`}>Cancel</Link>
        </div>
      </Form>
    </AppShell>
  );
}
