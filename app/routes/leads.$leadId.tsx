// A lead, as the hub of its work: its hypothesis and evidence chain (the cited clues the user may see, and how
// many they may not), edits of title, hypothesis, cited clues, owner and priority (optimistic concurrency), status
// transitions with a reason, a task on it, sharing it to the room, its tasks, reviews and disseminations, comments.
// Each form is offered only to those who may use it.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { Role } from "@prisma/client";
import { can, canRequestReview, canSeeItem, hasGrant, type ItemResource } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { evaluationOf } from "~/components/ClueList";
import { CommentThread } from "~/components/CommentThread";
import { ConflictPanel } from "~/components/ConflictPanel";
import { DisseminationSection } from "~/components/DisseminateForm";
import { EmptyState } from "~/components/EmptyState";
import { ChoiceGroup, SelectField, TextAreaField, TextField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { HANDLING_CODE_LABELS, HandlingCodeBadge } from "~/components/HandlingCodeBadge";
import { ItemSummary } from "~/components/ItemSummary";
import { DECIDED_NOTICES, ReviewPanel } from "~/components/ReviewPanel";
import { NarrowingPanel } from "~/components/NarrowingPanel";
import { createCountryTasks, narrowLead } from "~/models/narrowing.server";
import { narrowingView } from "~/utils/narrowing-view.server";
import { countryTasksSchema } from "~/validation/narrowing";
import { ReviewRequestedNotice, ReviewRequestForm } from "~/components/ReviewRequestForm";
import { listAssignableMembers } from "~/models/cases.server";
import { listClues } from "~/models/clues.server";
import { listComments } from "~/models/comments.server";
import { shareLead } from "~/models/lead-room.server";
import { disseminateLead, listDisseminations, listRecipients } from "~/models/disseminations.server";
import { getLead, updateLead } from "~/models/leads.server";
import { createTask, tasksOfLead } from "~/models/tasks.server";
import { commentLine } from "~/utils/comments.server";
import { editedVersion, failureOf, formatDateTime, keptList, keptText } from "~/utils/form-values";
import { parseInput, readForm } from "~/utils/forms.server";
import { handleItemIntent, reviewPanelOf } from "~/utils/item-page.server";
import { CONFIDENCE_LABELS, PRIORITY_LABELS, PRIORITY_OPTIONS, REVIEW_STATE_LABELS } from "~/utils/labels";
import { runAction, runLoader } from "~/utils/route-errors.server";
import { createDisseminationSchema } from "~/validation/dissemination";
import { LEAD_STATUS_LABELS, LEAD_STATUS_TRANSITIONS, LEAD_STATUSES_NEEDING_REASON, updateLeadSchema } from "~/validation/lead";
import { leadShareSchema } from "~/validation/realtime";
import { createTaskSchema } from "~/validation/task";

/** Clues of the case offered for citing in the edit form (newest first); cited ones are always offered. */
const CLUE_CHOICES = 200;

const TASK_STATUS_LABELS: Record<string, string> = { TODO: "To do", DOING: "Doing", BLOCKED: "Blocked", DONE: "Done" };
const SAVED_NOTICES: Record<string, string> = { edit: "Lead saved.", task: "Task created; the assignee is told.", share: "Shared in the room." };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Lead: ${data.lead.title} · Cluebridge` : "Lead · Cluebridge" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const leadId = params.leadId ?? "";
  return runLoader(async () => {
    const lead = await getLead(actor, leadId);
    const resource: ItemResource = {
      type: "lead",
      taskforceId: lead.taskforceId,
      handlingCode: lead.handlingCode,
      authorId: lead.authorId,
      authorAgency: lead.authorAgency,
      recipientIds: lead.recipientIds,
      reviewState: lead.reviewState,
      ownerId: lead.ownerId,
    };
    const canUpdate = can(actor, "lead:update", resource);
    const canAssign = can(actor, "task:assign", { type: "task", taskforceId: lead.taskforceId, assigneeId: actor.id, createdById: actor.id, lead: resource });
    // Only a liaison sends, and only an approved lead: nobody else is offered the form.
    const canDisseminate = lead.reviewState === "APPROVED" && can(actor, "lead:disseminate", resource);
    const [comments, narrowing, tasks, members, cluePage, recipients, sent] = await Promise.all([
      listComments(actor, "LEAD", leadId),
      narrowLead(actor, leadId),
      tasksOfLead(actor, leadId),
      canUpdate || canAssign ? listAssignableMembers(actor, lead.taskforceId) : Promise.resolve([]),
      canUpdate ? listClues(actor, lead.caseId, { take: CLUE_CHOICES }) : Promise.resolve({ items: [] }),
      canDisseminate ? listRecipients(actor) : Promise.resolve([]),
      hasGrant(actor, "dissemination:read") ? listDisseminations(actor, { leadId }) : Promise.resolve([]),
    ]);
    // Owners and assignees must be able to see the lead (the models check it again): only they are offered.
    const seeing = members.filter((member) => canSeeItem({ ...member, role: member.role as Role, status: "ACTIVE", taskforceIds: new Set([lead.taskforceId]) }, resource));
    const cited = new Set(lead.clues.map((clue) => clue.id));
    const clueChoices = [...lead.clues, ...cluePage.items.filter((clue) => !cited.has(clue.id))].map((clue) => ({ id: clue.id, value: clue.value, handlingCode: clue.handlingCode }));
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
        ownerId: lead.ownerId,
        citedClueIds: [...cited],
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
      tasks: tasks.map((task) => ({ id: task.id, title: task.title, status: task.status, assignee: task.assignee?.displayName ?? "Unknown user", dueDate: task.dueDate, overdue: task.overdue })),
      members: seeing.map((member) => ({ value: member.id, label: `${member.displayName} (${member.agency})` })),
      clueChoices,
      canUpdate,
      canAssign,
      canShare: can(actor, "lead:share", resource),
      canReadTasks: hasGrant(actor, "task:read"),
      canComment: can(actor, "comment:create", { type: "comment", authorId: actor.id, parent: resource }),
      canRequestReview: canRequestReview(actor, resource),
      review: await reviewPanelOf(actor, "LEAD", lead.id, { ...resource, type: "lead" } as const, { title: lead.title, hypothesis: lead.hypothesis }),
      canDisseminate,
      recipients: recipients.map(({ id, country, agency, contactPoint }) => ({ id, label: `${agency}, ${contactPoint} (${country})` })),
      sent: sent.map(({ id, europolCode, sentAt, package: { recipient } }) => ({ id, europolCode, sentAt, recipient: `${recipient.agency}, ${recipient.contactPoint} (${recipient.country})` })),
      saved: new URL(request.url).searchParams.get("saved"),
      narrowing: narrowingView(narrowing),
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const leadId = params.leadId ?? "";
  const values = await readForm(request);
  return runAction(values, async () => {
    const handled = await handleItemIntent(actor, "LEAD", leadId, values, `/leads/${leadId}`);
    if (handled) return handled;
    switch (values.intent) {
      case "status": {
        const { version, status, statusReason } = parseInput(updateLeadSchema, values);
        await updateLead(actor, leadId, { version, status, statusReason });
        return redirect(`/leads/${leadId}?saved=status`);
      }
      case "edit": {
        // Unticking every clue sends no clueIds at all: the form lists them, so none ticked means none cited.
        const { version, title, hypothesis, priority, ownerId, clueIds } = parseInput(updateLeadSchema, { ...values, clueIds: values.clueIds ?? [] });
        await updateLead(actor, leadId, { version, title, hypothesis: hypothesis ?? "", priority, ownerId, clueIds });
        return redirect(`/leads/${leadId}?saved=edit`);
      }
      case "task": {
        const task = await createTask(actor, String(values.caseId ?? ""), parseInput(createTaskSchema, { ...values, leadId }));
        return redirect(`/leads/${leadId}?saved=task#task-${task.id}`);
      }
      case "share": {
        const { note } = parseInput(leadShareSchema, { leadId, note: values.note });
        await shareLead(actor, leadId, note ?? "");
        return redirect(`/leads/${leadId}?saved=share`);
      }
      case "country-tasks": {
        const tasks = await createCountryTasks(actor, String(values.caseId ?? ""), parseInput(countryTasksSchema, { ...values, leadId }));
        return redirect(`/leads/${leadId}?saved=tasks&count=${tasks.length}`);
      }
      case "disseminate": {
        const sent = await disseminateLead(actor, leadId, parseInput(createDisseminationSchema, values));
        return redirect(`/disseminations/${sent.id}/report`);
      }
      default:
        throw new Response("Unknown form", { status: 400 });
    }
  });
}

export default function LeadPage() {
  const { lead, comments, tasks, members, clueChoices, canUpdate, canAssign, canShare, canReadTasks, canComment, canRequestReview, review, canDisseminate, recipients, sent, saved, narrowing } = useLoaderData<typeof loader>();
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
      {saved && SAVED_NOTICES[saved] ? (
        <p className="notice" role="status">
          {SAVED_NOTICES[saved]}
        </p>
      ) : null}
      {saved && saved in DECIDED_NOTICES ? (
        <p className="notice" role="status">
          {DECIDED_NOTICES[saved]}
        </p>
      ) : null}
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
              pageVersion={lead.version}
              namedVersion={typeof current.version === "number" ? current.version : undefined}
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

      {canUpdate ? <EditLeadSection lead={lead} members={members} clueChoices={clueChoices} actionData={actionData} /> : null}

      <ReviewPanel panel={review} reviewState={lead.reviewState} version={lead.version} actionData={actionData} />

      {canRequestReview ? <ReviewRequestForm actionData={actionData} handlingCode={lead.handlingCode} what="leads" /> : null}

      {canShare ? (
        <section aria-labelledby="share-heading">
          <h2 id="share-heading">Share with the room</h2>
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value="share" />
            <FormErrors failure={failureOf(actionData, "share")} />
            <TextAreaField name="note" id="share-note" label="Note (optional)" hint="Everyone in the taskforce room who may see this lead is told, live." errors={failureOf(actionData, "share")?.fields} maxLength={2_000} />
            <button type="submit">Share in the room</button>
          </Form>
        </section>
      ) : null}

      {canReadTasks ? (
        <section aria-labelledby="tasks-heading">
          <h2 id="tasks-heading">
            Tasks on this lead <span className="count">{tasks.length}</span>
          </h2>
          {tasks.length === 0 ? (
            <EmptyState title="No tasks you can see on this lead." />
          ) : (
            <ul className="item-list">
              {tasks.map((task) => (
                <li key={task.id} id={`task-${task.id}`}>
                  <Link to={`/tasks/${task.id}`}>{task.title}</Link>
                  <span className="meta-line">
                    <span className="pill">{TASK_STATUS_LABELS[task.status] ?? task.status}</span>
                    <span>{task.assignee}</span>
                    {task.dueDate ? <span>{task.overdue ? <strong>Overdue since {formatDateTime(task.dueDate)}</strong> : `Due ${formatDateTime(task.dueDate)}`}</span> : null}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {canAssign ? <NewTaskForm caseId={lead.caseId} members={members} actionData={actionData} /> : null}
        </section>
      ) : null}

      <DisseminationSection sent={sent} recipients={recipients} canDisseminate={canDisseminate} actionData={actionData} />

      <CommentThread comments={comments} actionData={actionData} canComment={canComment} maxLength={5_000} />
      <NarrowingPanel view={narrowing} taskForm={canAssign ? { action: `/leads/${lead.id}`, members: members.map(({ value, label }) => ({ id: value, displayName: label })), leadId: lead.id, caseId: lead.caseId } : null} />
    </AppShell>
  );
}

type LeadOnPage = ReturnType<typeof useLoaderData<typeof loader>>["lead"];
type Choice = { value: string; label: string };

/** Title, hypothesis, cited clues, owner and priority, carrying the version edited (a stale edit shows the conflict). */
function EditLeadSection({ lead, members, clueChoices, actionData }: { lead: LeadOnPage; members: Choice[]; clueChoices: { id: string; value: string; handlingCode: string }[]; actionData: unknown }) {
  const failure = failureOf(actionData, "edit");
  const conflict = failure?.conflict;
  const current = conflict?.current && typeof conflict.current === "object" ? (conflict.current as Record<string, unknown>) : null;
  const baseVersion = editedVersion(failure, lead.version, { conflictShown: true });
  const ownerName = (id: unknown) => members.find((member) => member.value === id)?.label ?? (id ? String(id) : "");
  const theirOwner = current?.owner && typeof current.owner === "object" ? String((current.owner as { displayName?: unknown }).displayName ?? "") : ownerName(current?.ownerId);
  return (
    <section aria-labelledby="edit-heading">
      <h2 id="edit-heading">Edit lead</h2>
      {conflict && current ? (
        <ConflictPanel
          kind="lead"
          message={conflict.message}
          pageVersion={lead.version}
          namedVersion={typeof current.version === "number" ? current.version : undefined}
          rows={[
            { label: "Title", yours: keptText(failure, "title"), theirs: String(current.title ?? "") },
            { label: "Hypothesis", yours: keptText(failure, "hypothesis"), theirs: String(current.hypothesis ?? "") },
            { label: "Priority", yours: PRIORITY_LABELS[keptText(failure, "priority") as keyof typeof PRIORITY_LABELS] ?? keptText(failure, "priority"), theirs: PRIORITY_LABELS[current.priority as keyof typeof PRIORITY_LABELS] ?? String(current.priority) },
            { label: "Owner", yours: ownerName(keptText(failure, "ownerId")), theirs: theirOwner },
            { label: "Cited clues", yours: String(keptList(failure, "clueIds").length), theirs: String(current.citedClueCount ?? "") },
          ]}
        />
      ) : null}
      <Form method="post" className="stack" noValidate key={`edit-${lead.version}-${conflict ? "conflict" : "form"}`}>
        <input type="hidden" name="intent" value="edit" />
        <input type="hidden" name="version" value={baseVersion} />
        <FormErrors failure={conflict ? undefined : failure} />
        <TextField name="title" id="lead-title" label="Title" errors={failure?.fields} defaultValue={keptText(failure, "title", lead.title)} maxLength={200} required />
        <TextAreaField name="hypothesis" id="lead-hypothesis" label="Hypothesis" errors={failure?.fields} defaultValue={keptText(failure, "hypothesis", lead.hypothesis)} maxLength={10_000} />
        <SelectField name="priority" id="lead-priority" label="Priority" options={PRIORITY_OPTIONS} errors={failure?.fields} defaultValue={keptText(failure, "priority", lead.priority)} />
        <SelectField name="ownerId" id="lead-owner" label="Owner" options={members} placeholder="Keep the current owner" errors={failure?.fields} defaultValue={keptText(failure, "ownerId", lead.ownerId ?? "")} />
        <ChoiceGroup
          name="clueIds"
          id="lead-clues"
          legend="Cited clues"
          hint="A lead is at least as strict as the strictest clue it cites: citing a stricter clue raises its handling code. Cited clues you cannot see stay cited."
          options={clueChoices.map((clue) => ({ value: clue.id, label: clue.value, detail: <HandlingCodeBadge code={clue.handlingCode as Parameters<typeof HandlingCodeBadge>[0]["code"]} /> }))}
          defaultChecked={failure ? keptList(failure, "clueIds") : lead.citedClueIds}
          errors={failure?.fields}
        />
        <button type="submit">Save lead</button>
      </Form>
    </section>
  );
}

/** A task on this lead, assigned to a member who may see it. */
function NewTaskForm({ caseId, members, actionData }: { caseId: string; members: Choice[]; actionData: unknown }) {
  const failure = failureOf(actionData, "task");
  return (
    <Form method="post" className="stack" noValidate aria-labelledby="new-task-heading">
      <h3 id="new-task-heading">New task on this lead</h3>
      <input type="hidden" name="intent" value="task" />
      <input type="hidden" name="caseId" value={caseId} />
      <FormErrors failure={failure} />
      <TextField name="title" id="task-title" label="Task" errors={failure?.fields} defaultValue={keptText(failure, "title")} maxLength={200} required />
      <TextAreaField name="description" id="task-description" label="Description (optional)" errors={failure?.fields} defaultValue={keptText(failure, "description")} maxLength={10_000} />
      <SelectField name="assigneeId" id="task-assignee" label="Assignee" options={members} placeholder="Choose a member" errors={failure?.fields} defaultValue={keptText(failure, "assigneeId")} required />
      <TextField name="dueDate" id="task-due" type="date" label="Due date (optional)" errors={failure?.fields} defaultValue={keptText(failure, "dueDate")} />
      <button type="submit">Create task</button>
    </Form>
  );
}
