// Search everything the user may see: free text plus filters (category, case, handling code, lead status,
// author, dates). A GET form, so results have an address to share with colleagues who may see the same.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { evaluationOf } from "~/components/ClueList";
import { EmptyState } from "~/components/EmptyState";
import { SelectField, TextField } from "~/components/Field";
import { FormErrors } from "~/components/FormErrors";
import { ItemSummary } from "~/components/ItemSummary";
import type { HandlingCode } from "@prisma/client";
import { listAssignableMembers, listCases, listClueCategories } from "~/models/cases.server";
import { search } from "~/models/search.server";
import { formatDate, formatDateTime } from "~/utils/form-values";
import { fieldErrorsOf } from "~/utils/forms.server";
import { HANDLING_CODE_OPTIONS } from "~/utils/labels";
import { actionFailure, runLoader } from "~/utils/route-errors.server";
import { LEAD_STATUSES, LEAD_STATUS_LABELS } from "~/validation/lead";
import { searchQuerySchema } from "~/validation/search";

export const meta: MetaFunction = () => [{ title: "Search · Cluebridge" }];

const FILTERS = ["q", "kind", "taskforceId", "category", "caseId", "handlingCode", "status", "authorId", "from", "to"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const params = new URL(request.url).searchParams;
  const values: Record<string, string> = Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? ""]));
  const searched = FILTERS.some((key) => params.has(key));

  return runLoader(async () => {
    const [categories, cases, memberLists] = await Promise.all([
      listClueCategories(),
      listCases(actor),
      Promise.all([...actor.taskforceIds].map((id) => listAssignableMembers(actor, id))),
    ]);
    const authors = new Map(memberLists.flat().map((member) => [member.id, member]));
    const page = {
      values,
      searched,
      categories: categories.map((category) => ({ value: category.key, label: category.label })),
      cases: cases.map((kase) => ({ value: kase.id, label: `${kase.reference}: ${kase.title}` })),
      authors: [...authors.values()].map((member) => ({ value: member.id, label: `${member.displayName} (${member.agency})` })),
    };
    if (!searched) return { ...page, failure: null, results: null };
    const parsed = searchQuerySchema.safeParse(values);
    if (!parsed.success) {
      const failure = actionFailure(values, { fields: fieldErrorsOf(parsed.error) });
      return { ...page, failure, results: null };
    }
    const found = await search(actor, parsed.data);
    return {
      ...page,
      failure: null,
      results: {
        clues: found.clues.map((clue) => ({
          id: clue.id,
          value: clue.value,
          categoryLabel: clue.category.label,
          handlingCode: clue.handlingCode,
          sourceReliability: clue.sourceReliability,
          infoAssessment: clue.infoAssessment,
          caseId: clue.caseId,
          caseReference: clue.caseReference,
          authorName: clue.author?.displayName ?? "Unknown user",
          createdAt: clue.createdAt,
        })),
        leads: found.leads.map((lead) => ({
          id: lead.id,
          title: lead.title,
          status: lead.status,
          handlingCode: lead.handlingCode as HandlingCode,
          caseId: lead.caseId,
          caseReference: lead.caseReference,
          authorName: lead.author?.displayName ?? "Unknown user",
          createdAt: lead.createdAt,
        })),
        ranking: found.ranking,
      },
    };
  });
}

export default function SearchPage() {
  const { values, searched, categories, cases, authors, failure, results } = useLoaderData<typeof loader>();
  const errors = failure?.fields;
  const failed = failure ?? undefined;
  return (
    <AppShell>
      <h1>Search</h1>
      <Form method="get" className="stack" role="search" noValidate>
        <FormErrors failure={failed} />
        <TextField name="q" type="search" label="Search clues and leads" hint="Words or the start of words, e.g. “socket typ”." errors={errors} defaultValue={values.q} maxLength={200} />
        <div className="filters">
          <SelectField name="category" label="Clue category" options={categories} placeholder="Any category" errors={errors} defaultValue={values.category} />
          <SelectField name="caseId" label="Case" options={cases} placeholder="Any case" errors={errors} defaultValue={values.caseId} />
          <SelectField name="handlingCode" label="Handling code" options={HANDLING_CODE_OPTIONS} placeholder="Any code" errors={errors} defaultValue={values.handlingCode} />
          <SelectField name="status" label="Lead status" options={LEAD_STATUSES.map((status) => ({ value: status, label: LEAD_STATUS_LABELS[status] }))} placeholder="Any status" errors={errors} defaultValue={values.status} />
          <SelectField name="authorId" label="Author" options={authors} placeholder="Anyone" errors={errors} defaultValue={values.authorId} />
          <TextField name="from" type="date" label="Recorded from" errors={errors} defaultValue={values.from} />
          <TextField name="to" type="date" label="Recorded to" errors={errors} defaultValue={values.to} />
        </div>
        {/* Kept from the taskforce overview's links, which narrow to one taskforce and kind. */}
        {values.taskforceId ? <input type="hidden" name="taskforceId" value={values.taskforceId} /> : null}
        {values.kind ? <input type="hidden" name="kind" value={values.kind} /> : null}
        <div className="form-actions">
          <button type="submit">Search</button>
          <Link to="/search">Clear</Link>
        </div>
      </Form>

      {!searched ? (
        <EmptyState title="Search the clues and leads you may see.">
          <p>Type words from a clue or lead, or choose a filter (e.g. a case and a handling code), then press Search.</p>
        </EmptyState>
      ) : results ? (
        <div className="search-results" aria-live="polite">
          <section aria-labelledby="clue-results">
            <h2 id="clue-results">
              Clues <span className="count">{results.clues.length}</span>
            </h2>
            <p className="hint">{results.ranking.clues.explanation}</p>
            {results.clues.length === 0 ? (
              <EmptyState title="No clues you can see match.">
                <p>{values.status ? "Lead status filters leads only; clear it to search clues." : "Try fewer words, the start of a word, or fewer filters."}</p>
              </EmptyState>
            ) : (
              <ul className="item-list">
                {results.clues.map((clue) => (
                  <li key={clue.id}>
                    <ItemSummary to={`/clues/${clue.id}`} title={clue.value} handlingCode={clue.handlingCode}>
                      <span className="pill">{clue.categoryLabel}</span>
                      <span>Evaluation {evaluationOf(clue)}</span>
                      <span>
                        Case <Link to={`/cases/${clue.caseId}`}>{clue.caseReference}</Link>
                      </span>
                      <span>
                        {clue.authorName}, {formatDateTime(clue.createdAt)}
                      </span>
                    </ItemSummary>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="lead-results">
            <h2 id="lead-results">
              Leads <span className="count">{results.leads.length}</span>
            </h2>
            <p className="hint">{results.ranking.leads.explanation}</p>
            {results.leads.length === 0 ? (
              <EmptyState title="No leads you can see match.">
                <p>{values.category ? "A clue category filters clues only; clear it to search leads." : "Try fewer words or fewer filters."}</p>
              </EmptyState>
            ) : (
              <ul className="item-list">
                {results.leads.map((lead) => (
                  <li key={lead.id}>
                    <ItemSummary to={`/leads/${lead.id}`} title={lead.title} handlingCode={lead.handlingCode}>
                      <span className="pill">{LEAD_STATUS_LABELS[lead.status as keyof typeof LEAD_STATUS_LABELS] ?? lead.status}</span>
                      <span>
                        Case <Link to={`/cases/${lead.caseId}`}>{lead.caseReference}</Link>
                      </span>
                      <span>
                        {lead.authorName}, {formatDate(lead.createdAt)}
                      </span>
                    </ItemSummary>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      ) : null}
    </AppShell>
  );
}
