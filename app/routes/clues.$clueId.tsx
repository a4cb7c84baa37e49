// A clue: what it says, its evaluation and handling, who changed what when, the leads citing it, the edit form
// (refusing stale edits with the newer version beside the user's), review request and comments.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { can, canRequestReview, hasGrant, type Resource } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { ClueFields, type ClueFieldValues } from "~/components/ClueFields";
import { CommentThread } from "~/components/CommentThread";
import { ClueLinksPanel } from "~/components/CorrelationPanels";
import { ConflictPanel } from "~/components/ConflictPanel";
import { EmptyState } from "~/components/EmptyState";
import { FormErrors } from "~/components/FormErrors";
import { HANDLING_CODE_LABELS, HandlingCodeBadge } from "~/components/HandlingCodeBadge";
import { DECIDED_NOTICES, ReviewPanel } from "~/components/ReviewPanel";
import { ReviewRequestedNotice, ReviewRequestForm } from "~/components/ReviewRequestForm";
import { listClueCategories, listTaskforceMembers } from "~/models/cases.server";
import { getClue, updateClue } from "~/models/clues.server";
import { listComments } from "~/models/comments.server";
import { getClueCorrelations } from "~/models/correlation.server";
import { commentLine } from "~/utils/comments.server";
import { editedVersion, failureOf, formatDateTime, keptList, keptText } from "~/utils/form-values";
import { parseInput, readForm } from "~/utils/forms.server";
import { handleItemIntent, reviewPanelOf } from "~/utils/item-page.server";
import { CONFIDENCE_LABELS, LEAD_STATUS_LABELS, REVIEW_STATE_LABELS } from "~/utils/labels";
import { runAction, runLoader } from "~/utils/route-errors.server";
import { formatFacetLine } from "~/validation/facets";
import { formatMediaRefLines, INFO_ASSESSMENT_LABELS, SOURCE_RELIABILITY_LABELS, updateClueSchema } from "~/validation/clue";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Clue: ${data.clue.value.slice(0, 60)} · Cluebridge` : "Clue · Cluebridge" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const clueId = params.clueId ?? "";
  return runLoader(async () => {
    const clue = await getClue(actor, clueId);
    const resource: Resource = { type: "clue", taskforceId: clue.taskforceId, handlingCode: clue.handlingCode, authorId: clue.authorId, authorAgency: clue.authorAgency, recipientIds: clue.recipientIds, reviewState: clue.reviewState };
    const canEdit = can(actor, "clue:update", resource);
    const [comments, categories, members, links] = await Promise.all([
      listComments(actor, "CLUE", clueId),
      listClueCategories(),
      canEdit ? listTaskforceMembers(actor, clue.taskforceId) : Promise.resolve([]),
      getClueCorrelations(actor, clueId),
    ]);
    return {
      clue: {
        id: clue.id,
        caseId: clue.caseId,
        version: clue.version,
        value: clue.value,
        detail: clue.detail,
        category: clue.category,
        confidence: clue.confidence,
        handlingCode: clue.handlingCode,
        sourceReliability: clue.sourceReliability,
        infoAssessment: clue.infoAssessment,
        reviewState: clue.reviewState,
        mediaRefs: clue.mediaRefs.map(({ algorithm, value }) => ({ algorithm, value })),
        recipientIds: clue.recipientIds,
        facets: clue.facets.map(formatFacetLine),
        recipients: clue.recipients.map(({ id, displayName, agency }) => ({ id, displayName, agency })),
        author: clue.author ? { displayName: clue.author.displayName, agency: clue.author.agency } : null,
        createdAt: clue.createdAt,
        updatedAt: clue.updatedAt,
        versions: clue.versions.map((version) => ({
          id: version.id,
          version: version.version,
          changedAt: version.changedAt,
          editorName: version.editor?.displayName ?? "Unknown user",
          changes: version.changes,
        })),
        leads: clue.leads,
      },
      comments: comments.map(commentLine),
      links: {
        visible: links.visible.map(({ clueId, caseId, caseReference, kind, score, value, disclosed }) => ({ clueId, caseId, caseReference, kind, score, value, disclosed })),
        hidden: links.hidden,
      },
      canEdit,
      canComment: can(actor, "comment:create", { type: "comment", authorId: actor.id, parent: resource }),
      canRequestReview: canRequestReview(actor, resource),
      review: await reviewPanelOf(actor, "CLUE", clue.id, { ...resource, type: "clue" } as const, { value: clue.value, detail: clue.detail }),
      canBuildLead: hasGrant(actor, "lead:create"),
      categories: categories.map(({ key, label }) => ({ key, label })),
      members: members.filter((member) => member.id !== actor.id).map(({ id, displayName, agency }) => ({ id, displayName, agency })),
      saved: new URL(request.url).searchParams.get("saved"),
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const clueId = params.clueId ?? "";
  const values = await readForm(request);
  return runAction(values, async () => {
    const handled = await handleItemIntent(actor, "CLUE", clueId, values, `/clues/${clueId}`);
    if (handled) return handled;
    await updateClue(actor, clueId, parseInput(updateClueSchema, values));
    return redirect(`/clues/${clueId}?saved=edit`);
  });
}

const FIELD_LABELS: Record<string, string> = {
  category: "Category",
  value: "Clue",
  detail: "Detail",
  confidence: "Confidence",
  handlingCode: "Handling code",
  sourceReliability: "Source reliability",
  infoAssessment: "Information assessment",
  mediaRefs: "Media references",
  recipientIds: "Named recipients",
  facets: "Facets",
};

function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "(empty)";
  if (Array.isArray(value)) return value.length ? value.map(String).join(", ") : "(none)";
  if (typeof value === "string" && value in HANDLING_CODE_LABELS) return HANDLING_CODE_LABELS[value as keyof typeof HANDLING_CODE_LABELS];
  return String(value);
}

/** A value from the version history in words: category labels, code labels, counts of named members. */
function describeValue(field: string, value: unknown, categoryLabel: (key: string) => string): string {
  if (field === "category" && typeof value === "string") return categoryLabel(value);
  // A withheld value (written under a code stricter than the reader's access) arrives as a sentence: show it.
  if (field === "recipientIds" && Array.isArray(value)) return value.length === 1 ? "1 member named" : `${value.length} members named`;
  return show(value);
}

/** The stored clue (from a conflict) as the same strings the form holds, to compare side by side. */
function storedAsForm(current: Record<string, unknown>): Record<string, string> {
  const category = current.category as { label?: string } | undefined;
  const refs = (current.mediaRefs as { algorithm: string; value: string }[] | undefined) ?? [];
  return {
    category: category?.label ?? String(current.categoryKey ?? ""),
    value: String(current.value ?? ""),
    detail: String(current.detail ?? ""),
    confidence: String(current.confidence ?? ""),
    handlingCode: show(current.handlingCode),
    sourceReliability: String(current.sourceReliability ?? ""),
    infoAssessment: String(current.infoAssessment ?? "").replace(/^I/, ""),
    mediaRefs: formatMediaRefLines(refs),
  };
}

export default function CluePage() {
  const { clue, comments, links, canEdit, canComment, canRequestReview, review, canBuildLead, categories, members, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const editFailure = failureOf(actionData, "edit");
  const conflict = editFailure?.conflict;
  const current = conflict?.current && typeof conflict.current === "object" ? (conflict.current as Record<string, unknown>) : null;

  const values: ClueFieldValues = {
    category: keptText(editFailure, "category", clue.category.key),
    value: keptText(editFailure, "value", clue.value),
    detail: keptText(editFailure, "detail", clue.detail),
    confidence: keptText(editFailure, "confidence", clue.confidence),
    handlingCode: keptText(editFailure, "handlingCode", clue.handlingCode),
    sourceReliability: keptText(editFailure, "sourceReliability", clue.sourceReliability),
    infoAssessment: keptText(editFailure, "infoAssessment", clue.infoAssessment.replace(/^I/, "")),
    mediaRefs: keptText(editFailure, "mediaRefs", formatMediaRefLines(clue.mediaRefs)),
    recipientIds: keptList(editFailure, "recipientIds", clue.recipientIds),
    facets: keptList(editFailure, "facets", clue.facets).filter(Boolean),
  };
  // After a conflict the form keeps the user's edit but is based on the newer version, so saving re-applies it.
  const baseVersion = editedVersion(editFailure, clue.version, { conflictShown: true });
  const categoryLabel = (key: string) => categories.find((category) => category.key === key)?.label ?? key;
  const stored = current ? storedAsForm(current) : null;

  return (
    <AppShell>
      <p>
        <Link to={`/cases/${clue.caseId}`}>Back to the case</Link>
      </p>
      <h1>{clue.value}</h1>
      <p className="meta-line">
        <HandlingCodeBadge code={clue.handlingCode} />
        <span className="pill">{clue.category.label}</span>
        <span>{`Version ${clue.version}`}</span>
        {clue.reviewState !== "NONE" ? <span>{REVIEW_STATE_LABELS[clue.reviewState]}</span> : null}
      </p>
      {saved === "edit" ? (
        <p className="notice" role="status">
          Your changes were saved.
        </p>
      ) : null}
      {saved === "review" ? <ReviewRequestedNotice /> : null}
      {saved && saved in DECIDED_NOTICES ? (
        <p className="notice" role="status">
          {DECIDED_NOTICES[saved]}
        </p>
      ) : null}

      <div className="two-col">
        <div>
          <dl className="facts">
            <dt>Detail</dt>
            <dd className="pre-wrap">{clue.detail || "(none)"}</dd>
            <dt>Evaluation</dt>
            <dd>
              {clue.sourceReliability}
              {clue.infoAssessment.replace(/^I/, "")}: {SOURCE_RELIABILITY_LABELS[clue.sourceReliability]}; {INFO_ASSESSMENT_LABELS[Number(clue.infoAssessment.replace(/^I/, ""))]}
            </dd>
            <dt>Confidence</dt>
            <dd>{CONFIDENCE_LABELS[clue.confidence]}</dd>
            <dt>Facets</dt>
            <dd data-testid="clue-facets">{clue.facets.length ? clue.facets.join("; ") : "(none)"}</dd>
            <dt>Media references</dt>
            <dd>
              {clue.mediaRefs.length === 0 ? (
                "(none)"
              ) : (
                <ul className="item-list">
                  {clue.mediaRefs.map((ref) => (
                    <li key={`${ref.algorithm}:${ref.value}`}>
                      <code>
                        {ref.algorithm}:{ref.value}
                      </code>
                    </li>
                  ))}
                </ul>
              )}
            </dd>
            {clue.handlingCode === "RED" ? (
              <>
                <dt>Named recipients</dt>
                <dd>{clue.recipients.length ? clue.recipients.map((member) => `${member.displayName} (${member.agency})`).join(", ") : "Only the author"}</dd>
              </>
            ) : null}
            <dt>Recorded by</dt>
            <dd>
              {clue.author ? `${clue.author.displayName} (${clue.author.agency})` : "Unknown user"}, {formatDateTime(clue.createdAt)}
            </dd>
          </dl>

          <section aria-labelledby="leads-heading">
            <h2 id="leads-heading">Leads citing this clue</h2>
            {clue.leads.length === 0 ? (
              <EmptyState title="No lead you can see cites this clue yet.">
                {canBuildLead ? (
                  <p>
                    <Link to={`/cases/${clue.caseId}/leads/new?clue=${clue.id}`}>Build a lead</Link> from it and other clues.
                  </p>
                ) : null}
              </EmptyState>
            ) : (
              <ul className="item-list">
                {clue.leads.map((lead) => (
                  <li key={lead.id}>
                    <Link to={`/leads/${lead.id}`}>{lead.title}</Link> <HandlingCodeBadge code={lead.handlingCode} />{" "}
                    <span className="pill">{LEAD_STATUS_LABELS[lead.status as keyof typeof LEAD_STATUS_LABELS] ?? lead.status}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <ClueLinksPanel visible={links.visible} hidden={links.hidden} />
          <ReviewPanel panel={review} reviewState={clue.reviewState} version={clue.version} actionData={actionData} />

          {canRequestReview ? <ReviewRequestForm actionData={actionData} handlingCode={clue.handlingCode} what="items" /> : null}

          {canEdit ? (
            <section aria-labelledby="edit-heading">
              <h2 id="edit-heading">Edit clue</h2>
              {conflict && stored ? (
                <ConflictPanel
                  kind="clue"
                  message={conflict.message}
                  pageVersion={clue.version}
                  namedVersion={typeof current?.version === "number" ? current.version : undefined}
                  rows={[
                    { label: "Category", yours: categoryLabel(values.category), theirs: stored.category },
                    { label: "Clue", yours: values.value, theirs: stored.value },
                    { label: "Detail", yours: values.detail, theirs: stored.detail },
                    { label: "Confidence", yours: values.confidence, theirs: stored.confidence },
                    { label: "Handling code", yours: show(values.handlingCode), theirs: stored.handlingCode },
                    { label: "Source reliability", yours: values.sourceReliability, theirs: stored.sourceReliability },
                    { label: "Information assessment", yours: values.infoAssessment, theirs: stored.infoAssessment },
                    { label: "Media references", yours: values.mediaRefs, theirs: stored.mediaRefs },
                  ]}
                />
              ) : null}
              <Form method="post" className="stack" noValidate key={`${clue.version}-${conflict ? "conflict" : "edit"}`}>
                <input type="hidden" name="intent" value="edit" />
                <input type="hidden" name="version" value={baseVersion} />
                <FormErrors failure={conflict ? undefined : editFailure} />
                <ClueFields values={values} errors={editFailure?.fields} categories={categories} members={members} />
                <div className="form-actions">
                  <button type="submit">{conflict ? "Save my edit over the newer version" : "Save changes"}</button>
                  {conflict ? <Link to={`/clues/${clue.id}`}>Discard my edit and show the newer version</Link> : null}
                </div>
              </Form>
            </section>
          ) : null}
        </div>

        <aside aria-labelledby="history-heading">
          <h2 id="history-heading">History</h2>
          {clue.versions.length === 0 ? (
            <p className="muted">No recorded changes.</p>
          ) : (
            <ul className="version-list">
              {clue.versions.map((version) => (
                <li key={version.id}>
                  <strong>{`Version ${version.version}`}</strong>: {version.version === 1 ? "recorded by" : "changed by"} {version.editorName}, {formatDateTime(version.changedAt)}
                  {version.version === 1 ? null : (
                    <ul>
                      {Object.entries(version.changes).map(([field, change]) => (
                        <li key={field}>
                          {FIELD_LABELS[field] ?? field}: <span className="change-from">{describeValue(field, change.from, categoryLabel)}</span>
                          <span className="sr-only"> changed to </span>
                          <span aria-hidden="true"> → </span>
                          {describeValue(field, change.to, categoryLabel)}
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          )}
        </aside>
      </div>

      <CommentThread comments={comments} actionData={actionData} canComment={canComment} maxLength={5_000} />
    </AppShell>
  );
}
