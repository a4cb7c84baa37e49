// One line per clue: the observation, its handling code, evaluation and confidence, who recorded it and when.
import { ItemSummary } from "./ItemSummary";
import type { HandlingCode } from "@prisma/client";
import { formatDateTime } from "~/utils/form-values";

export interface ClueLine {
  id: string;
  value: string;
  handlingCode: HandlingCode;
  confidence: string;
  sourceReliability: string;
  infoAssessment: string;
  createdAt: Date | string;
  authorName: string;
  mediaRefCount: number;
}

export function evaluationOf(clue: { sourceReliability: string; infoAssessment: string }): string {
  return `${clue.sourceReliability}${clue.infoAssessment.replace(/^I/, "")}`;
}

export function ClueList({ clues, highlightId }: { clues: readonly ClueLine[]; highlightId?: string | null }) {
  return (
    <ul className="item-list">
      {clues.map((clue) => (
        <li key={clue.id} id={`clue-${clue.id}`} className={clue.id === highlightId ? "is-new" : undefined}>
          <ItemSummary to={`/clues/${clue.id}`} title={clue.value} handlingCode={clue.handlingCode}>
            <span title="Evaluation: source reliability and information assessment">Evaluation {evaluationOf(clue)}</span>
            <span>Confidence {clue.confidence.toLowerCase()}</span>
            {clue.mediaRefCount > 0 ? <span>{clue.mediaRefCount === 1 ? "1 media reference" : `${clue.mediaRefCount} media references`}</span> : null}
            <span>
              {clue.authorName}, {formatDateTime(clue.createdAt)}
            </span>
          </ItemSummary>
        </li>
      ))}
    </ul>
  );
}
