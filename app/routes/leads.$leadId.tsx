// A lead: its hypothesis and evidence chain (the cited clues the user may see, and how many they may not),
// status transitions with a reason, liaison review request, and comments.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { can, canRequestReview, hasGrant, type Resource } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { evaluationOf } from "~/components/ClueList";
import { CommentThread } from "~/components/CommentThread";
import { ConflictPanel } from "~/components/ConflictPanel";
import { EmptyState } from "~/components/EmptyState";
import { SelectField, TextAreaField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { HANDLING_CODE_LABELS, HandlingCodeBadge } from "~/components/HandlingCodeBadge";
import { ItemSummary } from "~/components/ItemSummary";
import { NarrowingPanel } from "~/components/NarrowingPanel";
import { listAssignableMembers } from "~/models/cases.server";
import { createCountryTasks, narrowLead } from "~/models/narrowing.server";
import { narrowingView } from "~/utils/narrowing-view.server";
import { countryTasksSchema } from "~/validation/narrowing";
import { ReviewRequestedNotice, ReviewRequestForm } from "~/components/ReviewRequestForm";
import { listComments } from "~/models/comments.server";
import { getLead, updateLead } from "~/models/leads.server";
import { commentLine } from "~/utils/comments.server";
import { editedVersion, failureOf, formatDateTime, keptText } from "~/utils/form-values";
import { formToObject, parseInput } from "~/utils/forms.server";
import { handleItemIntent } from "~/utils/item-page.server";
import { CONFIDENCE_LABELS, PRIORITY_LABELS, REVIEW_STATE_LABELS } from "~/utils/labels";
import { runAction, runLoader } from "~/utils/route-errors.server";
import { LEAD_STATUS_LABELS, LEAD_STATUS_TRANSITIONS, LEAD_STATUSES_NEEDING_REASON, updateLeadSchema } from "~/validation/lead";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Lead: ${data.lead.title} · Cluebridge` : "Lead · Cluebridge" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const leadId = params.leadId ?? "";
  return runLoader(async () => {
    const lead = await getLead(actor, leadId);
    const resource: Resource = {
      type: "lead",
      taskforceId: lead.taskforceId,
      handlingCode: lead.handlingCode,
      authorId: lead.authorId,
      authorAgency: lead.authorAgency,
      recipientIds: lead.recipientIds,
      reviewState: lead.reviewState,
      ownerId: lead.ownerId,
    };
    const canAssign = hasGrant(actor, "task:assign");
    const [comments, narrowing, members] = await Promise.all([
      listComments(actor, "LEAD", leadId),
      narrowLead(actor, leadId),
      canAssign ? listAssignableMembers(actor, lead.taskforceId) : Promise.resolve([]),
    ]);
    return {
      lead: {
        id: lead.id,
        caseId: lead.caseId,
        caseReference: lead.caseReference,
        version: lead.version,
        title: lead.title,
        hypothesis: lead.hypothesis,
        status: lead.status,
        statusReason: lead.statusReason,
        priority: lead.priority,
        handlingCode: lead.handlingCode,
        reviewState: lead.reviewState,
        author: lead.author ? `${lead.author.displayName} (${lead.author.agency})` : "Unknown user",
        owner: lead.owner ? `${lead.owner.displayName} (${lead.owner.agency})` : null,
        recipients: lead.recipients.map((member) => `${member.displayName} (${member.agency})`),
        createdAt: lead.createdAt,
        updatedAt: lead.updatedAt,
        hiddenClueCount: lead.hiddenClueCount,
        clues: lead.clues.map((clue) => ({
          id: clue.id,
          value: clue.value,
          detail: clue.detail,
          categoryLabel: clue.category.label,
          handlingCode: clue.handlingCode,
          sourceReliability: clue.sourceReliability,
          infoAssessment: clue.infoAssessment,
          confidence: clue.confidence,
          authorName: clue.author?.displayName ?? "Unknown user",
          createdAt: clue.createdAt,
        })),
      },
      comments: comments.map(commentLine),
      canUpdate: can(actor, "lead:update", resource),
      canComment: can(actor, "comment:create", { type: "comment", authorId: actor.id, parent: resource }),
      canRequestReview: canRequestReview(actor, resource),
      saved: new URL(request.url).searchParams.get("saved"),
      narrowing: narrowingView(narrowing),
      members: members.map(({ id, displayName }) => ({ id, displayName })),
      canAssign,
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const leadId = params.leadId ?? "";
  const values = formToObject(await request.formData());
  return runAction(values, async () => {
    const handled = await handleItemIntent(actor, "LEAD", leadId, values, `/leads/${leadId}`);
    if (handled) return handled;
    if (values.intent === "country-tasks") {
      const tasks = await createCountryTasks(actor, String(values.caseId ?? ""), parseInput(countryTasksSchema, { ...values, leadId }));
      return redirect(`/leads/${leadId}?saved=tasks&count=${tasks.length}`);
    }
    if (values.intent !== "status") throw new Response("Unknown form", { status: 400 });
    const { version, status, statusReason } = parseInput(updateLeadSchema, values);
    await updateLead(actor, leadId, { version, status, statusReason });
    return redirect(`/leads/${leadId}?saved=status`);
  });
}

export default function LeadPage() {
  const { lead, comments, canUpdate, canComment, canRequestReview, saved, narrowing, members, canAssign } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const statusFailure = failureOf(actionData, "status");
  const conflict = statusFailure?.conflict;
  const current = conflict?.current && typeof conflict.current === "object" ? (conflict.current as Record<string, unknown>) : null;
  const nextStatuses = LEAD_STATUS_TRANSITIONS[lead.status];
  const baseVersion = editedVersion(statusFailure, lead.version, { conflictShown: true });
  const chosenStatus = keptText(statusFailure, "status");

  return (
    <AppShell>
      <p>
        <Link to={`/cases/${lead.caseId}`}>Back to case {lead.caseReference}</Link>
      </p>
      <h1>{lead.title}</h1>
      <p className="meta-line">
        <HandlingCodeBadge code={lead.handlingCode} />
        <span className="pill">{LEAD_STATUS_LABELS[lead.status]}</span>
        <span>Priority {PRIORITY_LABELS[lead.priority].toLowerCase()}</span>
        {lead.owner ? <span>Owner {lead.owner}</span> : null}
        {lead.reviewState !== "NONE" ? <span>{REVIEW_STATE_LABELS[lead.reviewState]}</span> : null}
      </p>
      {saved === "status" ? (
        <p className="notice" role="status">
          Status changed.
        </p>
      ) : null}
      {saved === "review" ? <ReviewRequestedNotice /> : null}
      {saved === "tasks" ? (
        <p className="notice" role="status">
          Tasks created for the chosen countries.
        </p>
      ) : null}
      {failureOf(actionData, "country-tasks") ? (
        <div className="notice error" role="alert">
          {Object.values(failureOf(actionData, "country-tasks")?.fields ?? {})
            .flat()
            .map((message) => (
              <p key={message}>{message}</p>
            ))}
        </div>
      ) : null}
      {lead.hypothesis ? <p className="pre-wrap">{lead.hypothesis}</p> : <p className="muted">No hypothesis written yet.</p>}
      <dl className="facts">
        <dt>Built by</dt>
        <dd>
          {lead.author}, {formatDateTime(lead.createdAt)}
        </dd>
        {lead.statusReason ? (
          <>
            <dt>Status reason</dt>
            <dd className="pre-wrap">{lead.statusReason}</dd>
          </>
        ) : null}
        {lead.handlingCode === "RED" ? (
          <>
            <dt>Named recipients</dt>
            <dd>{lead.recipients.length ? lead.recipients.join(", ") : "Only the author"}</dd>
          </>
        ) : null}
      </dl>

      <section aria-labelledby="evidence-heading">
        <h2 id="evidence-heading">
          Evidence chain <span className="count">{lead.clues.length + lead.hiddenClueCount}</span>
        </h2>
        {lead.hiddenClueCount > 0 ? (
          <p className="notice hidden-evidence">
            {lead.hiddenClueCount === 1 ? "1 cited clue is not visible to you" : `${lead.hiddenClueCount} cited clues are not visible to you`} (a stricter handling code). Ask the lead's author if you need it.
          </p>
        ) : null}
        {lead.clues.length === 0 && lead.hiddenClueCount === 0 ? (
          <EmptyState title="This lead cites no clues yet.">
            <p>
              Add clues to the case that support or refute the hypothesis, then <Link to={`/cases/${lead.caseId}/leads/new`}>build a lead</Link> citing them or ask the author to.
            </p>
          </EmptyState>
        ) : (
          <ol className="evidence-chain">
            {lead.clues.map((clue) => (
              <li key={clue.id}>
                <ItemSummary to={`/clues/${clue.id}`} title={clue.value} handlingCode={clue.handlingCode}>
                  <span className="pill">{clue.categoryLabel}</span>
                  <span>Evaluation {evaluationOf(clue)}</span>
                  <span>Confidence {CONFIDENCE_LABELS[clue.confidence].toLowerCase()}</span>
                  <span>
                    {clue.authorName}, {formatDateTime(clue.createdAt)}
                  </span>
                </ItemSummary>
                {clue.detail ? <p className="pre-wrap">{clue.detail}</p> : null}
              </li>
            ))}
          </ol>
        )}
      </section>

      {canUpdate ? (
        <section aria-labelledby="status-heading">
          <h2 id="status-heading">Change status</h2>
          {conflict && current ? (
            <ConflictPanel
              kind="lead"
              message={conflict.message}
              rows={[
                { label: "Status", yours: LEAD_STATUS_LABELS[chosenStatus as keyof typeof LEAD_STATUS_LABELS] ?? chosenStatus, theirs: LEAD_STATUS_LABELS[current.status as keyof typeof LEAD_STATUS_LABELS] ?? String(current.status) },
                { label: "Reason", yours: keptText(statusFailure, "statusReason"), theirs: String(current.statusReason ?? "") },
                { label: "Handling code", yours: HANDLING_CODE_LABELS[lead.handlingCode], theirs: HANDLING_CODE_LABELS[current.handlingCode as keyof typeof HANDLING_CODE_LABELS] ?? String(current.handlingCode) },
              ]}
            />
          ) : null}
          <Form method="post" className="stack" noValidate key={`${lead.version}-${lead.status}`}>
            <input type="hidden" name="intent" value="status" />
            <input type="hidden" name="version" value={baseVersion} />
            <FormErrors failure={conflict ? undefined : statusFailure} />
            <SelectField
              name="status"
              id="lead-status"
              label={`Move from ${LEAD_STATUS_LABELS[lead.status]} to`}
              options={nextStatuses.map((status) => ({ value: status, label: LEAD_STATUS_LABELS[status] }))}
              errors={statusFailure?.fields}
              defaultValue={chosenStatus || nextStatuses[0]}
            />
            <TextAreaField
              name="statusReason"
              id="lead-status-reason"
              label="Reason"
              hint={`Required for ${LEAD_STATUSES_NEEDING_REASON.map((status) => LEAD_STATUS_LABELS[status].toLowerCase()).join(" and ")}: what confirmed or ruled it out.`}
              errors={statusFailure?.fields}
              defaultValue={keptText(statusFailure, "statusReason")}
              maxLength={2_000}
            />
            <button type="submit">Change status</button>
          </Form>
        </section>
      ) : null}

      {canRequestReview ? <ReviewRequestForm actionData={actionData} handlingCode={lead.handlingCode} what="leads" /> : null}

      <CommentThread comments={comments} actionData={actionData} canComment={canComment} maxLength={5_000} />
      <NarrowingPanel view={narrowing} taskForm={canAssign ? { action: `/leads/${lead.id}`, members, leadId: lead.id, caseId: lead.caseId } : null} />
    </AppShell>
  );
}
