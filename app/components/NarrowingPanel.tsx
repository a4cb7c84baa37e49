// "Where was this made?": the ranked candidate countries with each one's reasons, the exclusions with theirs,
// contradictions to check, and beside them the server-drawn map (the list is its text alternative). Optionally
// the coordinator's form that turns the top candidates into tasks in one step.
import { Form, Link } from "@remix-run/react";
import type { NarrowingView } from "~/utils/narrowing-view.server";

export interface CountryTaskForm {
  action: string;
  members: readonly { id: string; displayName: string }[];
  /** On a lead page: the lead the tasks are about, and its case (checked against the lead). */
  leadId?: string;
  caseId?: string;
}

/** How many of the best candidates the task form offers, and how many it ticks. */
const OFFERED = 5;
const TICKED = 3;

function Reasons({ lines, label }: { lines: NarrowingView["candidates"][number]["supports"]; label: string }) {
  if (lines.length === 0) return null;
  return (
    <ul className="reasons" aria-label={label}>
      {lines.map((line, index) => (
        <li key={`${line.clueId}-${index}`}>
          {line.text} (<Link to={`/clues/${line.clueId}`}>clue</Link>)
        </li>
      ))}
    </ul>
  );
}

export function NarrowingPanel({ view, taskForm, headingId = "narrowing-heading" }: { view: NarrowingView; taskForm?: CountryTaskForm | null; headingId?: string }) {
  const prefix = view.anchorPrefix;
  return (
    <section aria-labelledby={headingId} className="narrowing" data-testid="narrowing">
      <h2 id={headingId}>Where was this made?</h2>
      <p className="muted" data-testid="narrowing-basis">
        {view.usedClues === 0
          ? "No clue you may see has facets yet: add facets (plug type, language, driving side, …) to a clue to narrow the country."
          : `From the facets of ${view.usedClues === 1 ? "1 clue" : `${view.usedClues} clues`} you may see.`}{" "}
        {view.hiddenCluesIgnored ? "Clues you may not see are left out." : null}
      </p>
      {view.contradictions.length ? (
        <div className="notice error" role="alert" data-testid="narrowing-contradictions">
          <p>Contradictions:</p>
          <ul>
            {view.contradictions.map((contradiction, index) => (
              <li key={index}>
                {contradiction.message} (
                {contradiction.clueIds.map((id, at) => (
                  <span key={id}>
                    {at ? ", " : null}
                    <Link to={`/clues/${id}`}>clue {at + 1}</Link>
                  </span>
                ))}
                )
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {view.usedClues > 0 ? (
        <div className="narrowing-grid">
          <div>
            <h3>Candidates, best first</h3>
            <ol id={`${prefix}list`} className="candidate-list" data-testid="candidate-list">
              {view.candidates.map((candidate) => (
                <li key={candidate.country} id={`${prefix}${candidate.country}`} data-country={candidate.country}>
                  <strong>{candidate.name}</strong> <span className="pill">{candidate.country}</span> <span className="muted">score {candidate.score}</span>
                  <Reasons lines={candidate.supports} label={`Supporting ${candidate.name}`} />
                  <Reasons lines={candidate.weakens} label={`Weakening ${candidate.name}`} />
                </li>
              ))}
            </ol>
            {view.moreCandidates > 0 ? <p className="muted">{`${view.moreCandidates} more countries are not ruled out, ranked lower.`}</p> : null}
            {view.excluded.length ? (
              <details data-testid="excluded-list">
                <summary>{`Ruled out: ${view.excluded.length} ${view.excluded.length === 1 ? "country" : "countries"}`}</summary>
                <ul className="excluded-list">
                  {view.excluded.map((entry) => (
                    <li key={entry.country} id={`${prefix}${entry.country}`} data-country={entry.country}>
                      <strong>{entry.name}</strong> <span className="pill">{entry.country}</span>
                      <Reasons lines={entry.reasons} label={`Why ${entry.name} is ruled out`} />
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </div>
          {/* Drawn on the server from Natural Earth shapes; only our own markup, with names escaped. */}
          <div className="map-frame" dangerouslySetInnerHTML={{ __html: view.mapSvg }} />
        </div>
      ) : null}
      {taskForm && view.candidates.length ? (
        <Form method="post" action={taskForm.action} className="stack country-tasks">
          <h3>Ask liaisons to check the top candidates</h3>
          <input type="hidden" name="intent" value="country-tasks" />
          {taskForm.leadId ? <input type="hidden" name="leadId" value={taskForm.leadId} /> : null}
          {taskForm.caseId ? <input type="hidden" name="caseId" value={taskForm.caseId} /> : null}
          <fieldset>
            <legend>Countries (one task each)</legend>
            {view.candidates.slice(0, OFFERED).map((candidate, index) => (
              <label key={candidate.country} className="choice">
                <input type="checkbox" name="countries" value={candidate.country} defaultChecked={index < TICKED} /> {candidate.name}
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor={`${prefix}subject`}>What to check</label>
            <input id={`${prefix}subject`} name="subject" maxLength={120} placeholder="brand Y shampoo, sold in which regions" autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor={`${prefix}assignee`}>Assign to</label>
            <select id={`${prefix}assignee`} name="assigneeId" defaultValue="">
              <option value="" disabled>
                Choose a member
              </option>
              {taskForm.members.map((member) => (
                <option key={member.id} value={member.id}>
                  {member.displayName}
                </option>
              ))}
            </select>
          </div>
          <div className="form-actions">
            <button type="submit">Create the tasks</button>
          </div>
        </Form>
      ) : null}
    </section>
  );
}
