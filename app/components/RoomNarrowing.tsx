// The room's "where was this made?" panel: one case's best candidate countries, fetched again whenever the room
// hears that a clue of that case changed. No narrowing event is fanned out: the clue events the room already
// receives (each only to those who may see that clue) are the signal, and each client refetches its own view.
import { Link, useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { RoomFeedEvent } from "~/realtime/protocol";
import type { NarrowingView } from "~/utils/narrowing-view.server";

const SHOWN = 5;

export function RoomNarrowing({ cases, feed }: { cases: readonly { id: string; reference: string; title: string }[]; feed: readonly RoomFeedEvent[] }) {
  const [caseId, setCaseId] = useState(cases[0]?.id ?? "");
  const fetcher = useFetcher<NarrowingView>();
  const { load } = fetcher;
  // Events up to this id have been looked at; a replay on (re)joining may cause one extra fetch, never a missed one.
  const lastEventId = useRef(0);
  const [updates, setUpdates] = useState(0);

  useEffect(() => {
    if (caseId) load(`/cases/${caseId}/narrowing`);
  }, [caseId, load]);

  useEffect(() => {
    const newest = feed[0];
    if (!newest) return;
    const previous = lastEventId.current;
    lastEventId.current = Math.max(previous, Number(newest.id));
    const changed = feed.some((event) => Number(event.id) > previous && event.type.startsWith("clue.") && (event.payload as { caseId?: unknown }).caseId === caseId);
    if (changed && caseId) {
      load(`/cases/${caseId}/narrowing`);
      setUpdates((count) => count + 1);
    }
  }, [feed, caseId, load]);

  if (cases.length === 0) return null;
  const view = fetcher.data;
  return (
    <section aria-labelledby="room-narrowing-heading" data-testid="room-narrowing">
      <h2 id="room-narrowing-heading">Where was it made?</h2>
      <div className="field">
        <label htmlFor="room-narrowing-case">Case</label>
        <select id="room-narrowing-case" value={caseId} onChange={(event) => setCaseId(event.currentTarget.value)}>
          {cases.map((kase) => (
            <option key={kase.id} value={kase.id}>
              {`${kase.reference}: ${kase.title}`}
            </option>
          ))}
        </select>
      </div>
      <div aria-live="polite" aria-busy={fetcher.state !== "idle"}>
        {!view ? (
          <p className="muted">Loading…</p>
        ) : view.usedClues === 0 ? (
          <p className="muted">No clue you may see on this case has facets yet.</p>
        ) : (
          <>
            {view.contradictions.map((contradiction, index) => (
              <p key={index} className="notice error">
                {contradiction.message}
              </p>
            ))}
            <ol className="candidate-list" data-testid="room-candidates" data-updates={updates}>
              {view.candidates.slice(0, SHOWN).map((candidate) => (
                <li key={candidate.country} data-country={candidate.country}>
                  {candidate.name} <span className="muted">score {candidate.score}</span>
                </li>
              ))}
            </ol>
            <p className="muted">
              {`From ${view.usedClues} ${view.usedClues === 1 ? "clue" : "clues"} you may see; ${view.excluded.length} countries ruled out. `}
              <Link to={`/cases/${caseId}#narrowing-heading`}>Reasons and map</Link>
            </p>
          </>
        )}
      </div>
    </section>
  );
}
