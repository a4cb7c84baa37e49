// The narrowing as a page shows it: the best candidates with their reasons, every exclusion with its reasons,
// the contradictions and the server-drawn map (decision 024). Clue ids are turned into the clue's words here,
// from the clues the viewer may see (the narrowing used no others).
import type { Narrowing } from "~/models/narrowing.server";
import { worldMapSvg } from "./world-map.server";

/** Candidates listed with their reasons; the rest are counted (the API has them all). */
export const LISTED_CANDIDATES = 15;

export interface NarrowingReasonLine {
  clueId: string;
  text: string;
}

export interface NarrowingView {
  candidates: { country: string; name: string; score: number; supports: NarrowingReasonLine[]; weakens: NarrowingReasonLine[] }[];
  moreCandidates: number;
  excluded: { country: string; name: string; reasons: NarrowingReasonLine[] }[];
  contradictions: { clueIds: string[]; message: string }[];
  usedClues: number;
  hiddenCluesIgnored: boolean;
  /** Inline SVG; empty when no clue carries a facet. */
  mapSvg: string;
  anchorPrefix: string;
}

export function narrowingView(narrowing: Narrowing, anchorPrefix = "country-"): NarrowingView {
  const listed = narrowing.candidates.slice(0, LISTED_CANDIDATES);
  const used = narrowing.usedClues.length > 0;
  return {
    candidates: listed.map((candidate) => ({
      country: candidate.country,
      name: candidate.name,
      score: candidate.score,
      supports: candidate.supports.map(({ clueId, reason }) => ({ clueId, text: reason })),
      weakens: candidate.weakens.map(({ clueId, reason }) => ({ clueId, text: reason })),
    })),
    moreCandidates: narrowing.candidates.length - listed.length,
    excluded: narrowing.excluded.map((entry) => ({ country: entry.country, name: entry.name, reasons: entry.excludedBy.map(({ clueId, reason }) => ({ clueId, text: reason })) })),
    contradictions: narrowing.contradictions.map(({ clueIds, message }) => ({ clueIds, message })),
    usedClues: narrowing.usedClues.length,
    hiddenCluesIgnored: narrowing.hiddenCluesIgnored,
    mapSvg: used
      ? worldMapSvg(
          {
            scores: new Map(narrowing.candidates.map((candidate) => [candidate.country, candidate.score])),
            excluded: new Set(narrowing.excluded.map((entry) => entry.country)),
            anchorPrefix,
          },
          `${anchorPrefix}list`,
        )
      : "",
    anchorPrefix,
  };
}
