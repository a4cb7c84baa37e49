// The narrowing on worked examples, against the reference data as shipped (no database): what a facet supports,
// what a HIGH facet rules out and why, what a LOW facet only lowers, and which pairs of clues contradict.
import { describe, expect, it } from "vitest";
import { clueExcludes, narrow, type NarrowingClue } from "~/models/narrowing.server";
import { shippedReference } from "~/models/reference-data.server";
import { facetsSchema } from "~/validation/facets";

let next = 0;
function clue(facets: Record<string, string | string[]>, options: Partial<NarrowingClue> = {}): NarrowingClue {
  const parsed = facetsSchema.parse(Object.entries(facets).map(([type, value]) => ({ type, value })));
  return { id: `clue-${next++}`, confidence: "HIGH", sourceReliability: "B", infoAssessment: 2, facets: parsed, ...options };
}

const countries = shippedReference();
const ranked = (result: ReturnType<typeof narrow>) => result.candidates.map((candidate) => candidate.country);

describe("the narrowing", () => {
  it("puts Poland first for a type F socket, 230 V / 50 Hz mains and Polish on a label", () => {
    const socket = clue({ plugType: "F" });
    const mains = clue({ mainsVoltage: "230", mainsFrequency: "50" });
    const label = clue({ language: "pl" });
    const result = narrow([socket, mains, label], countries, true);
    expect(ranked(result)[0]).toBe("PL");
    // Only countries the reference data knows nothing about (Antarctica) stay beside it, at score 0.
    expect(result.candidates.filter((candidate) => candidate.score > 0).map((candidate) => candidate.country)).toEqual(["PL"]);
    const poland = result.candidates[0];
    expect(poland.supportedBy.sort()).toEqual([mains.id, label.id].sort());
    // Poland's sockets are type E: the same plugs fit, so F weakens Poland but does not rule it out.
    expect(poland.weakenedBy).toEqual([socket.id]);
    expect(poland.weakens[0].reason).toMatch(/Poland uses plug types C, E/);
    // A HIGH type F socket rules out the UK, with the reason.
    const uk = result.excluded.find((entry) => entry.country === "GB");
    expect(uk?.excludedBy).toContainEqual({ clueId: socket.id, reason: expect.stringMatching(/type F socket, but United Kingdom uses plug types G/) });
    expect(result.excluded.find((entry) => entry.country === "DE")?.excludedBy).toEqual([{ clueId: label.id, reason: expect.stringMatching(/Polish language \(pl\), but Germany's official languages: German/) }]);
    expect(result.usedClues).toEqual([socket.id, mains.id, label.id]);
    expect(result.contradictions).toEqual([]);
  });

  it("flags type G sockets with right-hand traffic where the other clues leave only left-hand countries", () => {
    const socket = clue({ plugType: "G" });
    const road = clue({ drivingSide: "right" });
    const money = clue({ currency: "GBP" });
    const result = narrow([socket, road, money], countries, true);
    const messages = result.contradictions.map((contradiction) => contradiction.message);
    expect(messages).toContain("type G socket but right-hand traffic: check both clues");
    const flagged = result.contradictions.find((contradiction) => contradiction.message.startsWith("type G"));
    expect(flagged?.clueIds).toEqual([socket.id, road.id]);
    expect(result.candidates.filter((candidate) => candidate.score > 0)).toEqual([]);
  });

  it("ranks a medium-confidence label below a firm socket: Polish weighs, but does not rule Germany out", () => {
    const socket = clue({ plugType: "F" });
    const label = clue({ language: "pl" }, { confidence: "MEDIUM" });
    const result = narrow([socket, label], countries, true);
    const germany = result.candidates.find((candidate) => candidate.country === "DE")!;
    const poland = result.candidates.find((candidate) => candidate.country === "PL")!;
    expect(germany.weakenedBy).toEqual([label.id]);
    expect(poland.supportedBy).toEqual([label.id]);
    expect(poland.score).toBeGreaterThan(0);
    expect(germany.score).toBeGreaterThan(poland.score);
  });

  it("does not flag type G with right-hand traffic when countries have both (the Gulf)", () => {
    const result = narrow([clue({ plugType: "G" }), clue({ drivingSide: "right" })], countries, true);
    expect(result.contradictions).toEqual([]);
    expect(ranked(result)).toEqual(expect.arrayContaining(["SA", "AE", "NG"]));
    expect(result.excluded.map((entry) => entry.country)).toEqual(expect.arrayContaining(["GB", "DE", "IN"]));
  });

  it("only lowers the rank for a low-confidence facet, and never excludes with it", () => {
    const road = clue({ drivingSide: "left" }, { confidence: "LOW" });
    const mains = clue({ mainsFrequency: "50" });
    const result = narrow([road, mains], countries, true);
    expect(result.excluded.map((entry) => entry.country)).not.toContain("DE");
    expect(result.excluded.map((entry) => entry.country)).toContain("US");
    const germany = result.candidates.find((candidate) => candidate.country === "DE");
    const uk = result.candidates.find((candidate) => candidate.country === "GB");
    expect(germany?.weakenedBy).toEqual([road.id]);
    expect(uk!.score).toBeGreaterThan(germany!.score);
  });

  it("weights by the 4x4 evaluation: a HIGH facet from an unreliable source (C) does not exclude", () => {
    expect(clueExcludes({ confidence: "HIGH", sourceReliability: "C" })).toBe(false);
    const result = narrow([clue({ drivingSide: "left" }, { sourceReliability: "C", infoAssessment: 4 })], countries, true);
    expect(result.excluded).toEqual([]);
    expect(result.candidates.find((candidate) => candidate.country === "DE")!.score).toBeLessThan(0);
  });

  it("narrows a product sold only in two countries to those two", () => {
    const product = clue({ productSoldIn: ["pl", "CZ"] });
    const result = narrow([product], countries, false);
    expect(ranked(result)).toEqual(["CZ", "PL"]);
    expect(result.excluded).toHaveLength(countries.length - 2);
    expect(result.excluded[0].excludedBy[0].reason).toMatch(/product sold only in CZ, PL/);
  });

  it("uses nothing and ranks nothing without facets", () => {
    expect(narrow([], countries, true)).toEqual({ candidates: [], excluded: [], contradictions: [], usedClues: [], hiddenCluesIgnored: true });
  });

  it("treats unknown reference facts as neither support nor exclusion", () => {
    const result = narrow([clue({ plugType: "F" })], countries, true);
    const antarctica = result.candidates.find((candidate) => candidate.country === "AQ");
    expect(antarctica).toMatchObject({ score: 0, supportedBy: [], weakenedBy: [] });
  });
});
