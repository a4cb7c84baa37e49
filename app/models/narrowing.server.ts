// Where was this made? (issue 14) The candidate countries of production consistent with the typed facets of the
// clues a viewer may see, with the working shown: which clues support and weaken each country, which rule it out
// and why, and which pairs of clues contradict each other. Decision 024 explains the weights.
import { Prisma } from "@prisma/client";
import ct from "countries-and-timezones";
import { canSeeItem, itemVisibility, OPEN_HANDLING_CODES_SQL, requirePermission, visibleItemsSql, type Actor } from "~/auth/permissions.server";
import { prisma, readSql } from "~/db.server";
import { LANGUAGE_NAMES } from "~/data/facet-vocabulary";
import { ISO639_1_TO_3, SCRIPTS } from "~/data/languages";
import { NotFoundError } from "~/utils/errors.server";
import { callingDigits, type FacetType } from "~/validation/facets";
import type { CountryTasksInput } from "~/validation/narrowing";
import { loadVisibleCase } from "./cases.server";
import { auditRead } from "./changes.server";
import { loadReference, type CountryReference } from "./reference-data.server";
import { createTask } from "./tasks.server";

export type Confidence = "LOW" | "MEDIUM" | "HIGH";

/** A clue as the narrowing reads it: its weight and its facets (values normalised, lists comma-separated). */
export interface NarrowingClue {
  id: string;
  confidence: Confidence;
  sourceReliability: string;
  infoAssessment: number;
  facets: { type: string; value: string }[];
}

export interface CountryReason {
  clueId: string;
  facet: { type: string; value: string };
  reason: string;
}

export interface Candidate {
  country: string;
  name: string;
  /** From -1 (every clue weakens it) to 1 (every clue supports it), weighted by confidence and evaluation. */
  score: number;
  supportedBy: string[];
  weakenedBy: string[];
  supports: CountryReason[];
  weakens: CountryReason[];
}

export interface Exclusion {
  country: string;
  name: string;
  excludedBy: { clueId: string; reason: string }[];
}

export interface Contradiction {
  clueIds: string[];
  facets: { type: string; value: string }[];
  message: string;
}

export interface Narrowing {
  candidates: Candidate[];
  excluded: Exclusion[];
  contradictions: Contradiction[];
  /** The clues whose facets were used (the viewer may see each), oldest first. */
  usedClues: string[];
  /** Clues the viewer may not see were left out (for a case: always so; for a lead: when it cites any). */
  hiddenCluesIgnored: boolean;
}

// Weights (decision 024): confidence sets how far a facet moves a country; the 4x4 evaluation scales it. A HIGH
// facet rules out the countries it does not fit unless the source is marked unreliable (C); weaker facets only
// lower their rank.
const CONFIDENCE_WEIGHT: Record<Confidence, number> = { HIGH: 1, MEDIUM: 0.6, LOW: 0.3 };
const RELIABILITY_WEIGHT: Record<string, number> = { A: 1, B: 0.85, C: 0.4, X: 0.6 };
const ASSESSMENT_WEIGHT: Record<number, number> = { 1: 1, 2: 0.85, 3: 0.7, 4: 0.5 };

export function clueWeight(clue: Pick<NarrowingClue, "confidence" | "sourceReliability" | "infoAssessment">): number {
  return CONFIDENCE_WEIGHT[clue.confidence] * (RELIABILITY_WEIGHT[clue.sourceReliability] ?? 0.6) * (ASSESSMENT_WEIGHT[clue.infoAssessment] ?? 0.5);
}

export function clueExcludes(clue: Pick<NarrowingClue, "confidence" | "sourceReliability">): boolean {
  return clue.confidence === "HIGH" && clue.sourceReliability !== "C";
}

/** How a facet fits a country: near = a related type (E and F sockets take the same plugs), never an exclusion. */
type Fit = "match" | "near" | "mismatch" | "unknown";

// Sockets that take each other's plugs and are installed side by side: seeing one is weak evidence against the other.
const NEAR_PLUGS: Record<string, string[]> = { E: ["F"], F: ["E"], A: ["B"], B: ["A"] };

function languageName(code: string): string {
  const three = ISO639_1_TO_3[code]?.[0] ?? code;
  return LANGUAGE_NAMES.find(([key]) => key === three)?.[1] ?? code;
}

/** A facet in words, for reasons and contradictions: "type G socket", "right-hand traffic". */
export function describeFacet(facet: { type: string; value: string }): string {
  const { value } = facet;
  switch (facet.type as FacetType) {
    case "plugType":
      return `type ${value} socket`;
    case "mainsVoltage":
      return `${value} V mains`;
    case "mainsFrequency":
      return `${value} Hz mains`;
    case "drivingSide":
      return `${value}-hand traffic`;
    case "language":
      return `${languageName(value)} language (${value})`;
    case "script":
      return `${SCRIPTS[value] ?? value} script`;
    case "currency":
      return `currency ${value}`;
    case "callingCode":
      return `telephone prefix ${value}`;
    case "postcodeFormat":
      return `postcode shaped ${value}`;
    case "emergencyNumber":
      return `emergency number ${value}`;
    case "timeZone":
      return `time zone ${value}`;
    case "climateZone":
      return `${value} climate`;
    case "productSoldIn":
      return `product sold only in ${value.split(",").join(", ")}`;
    default:
      return `${facet.type} ${value}`;
  }
}

const listed = (values: readonly string[]) => values.join(", ");

/** What the reference data says about the country for this facet type, in words. */
function factOf(type: string, country: CountryReference): string {
  switch (type as FacetType) {
    case "plugType":
      return `${country.name} uses plug types ${listed(country.plugTypes ?? [])}`;
    case "mainsVoltage":
      return `${country.name} has ${(country.voltages ?? []).join("/")} V mains`;
    case "mainsFrequency":
      return `${country.name} has ${(country.frequencies ?? []).join("/")} Hz mains`;
    case "drivingSide":
      return `${country.name} drives on the ${listed(country.drivingSide ?? [])}`;
    case "language":
      return country.languages.length ? `${country.name}'s official languages: ${listed(country.languages.map(languageName))}` : `${country.name} has no official language listed`;
    case "script":
      return `${country.name} writes in ${listed(country.scripts.map((script) => SCRIPTS[script] ?? script))} script`;
    case "currency":
      return `${country.name} pays in ${listed(country.currencies)}`;
    case "callingCode":
      return `${country.name}'s calling code is ${listed(country.callingCodes)}`;
    case "postcodeFormat":
      return `${country.name}'s postcodes look like ${listed(country.postcodeFormats ?? [])}`;
    case "emergencyNumber":
      return `${country.name}'s emergency numbers are ${listed(country.emergencyNumbers ?? [])}`;
    case "timeZone":
      return `${country.name} keeps ${listed(country.utcOffsets)}`;
    case "climateZone":
      return `${country.name} is ${listed(country.climateZones ?? [])}`;
    case "productSoldIn":
      return `${country.name} is not among them`;
    default:
      return country.name;
  }
}

function has(values: readonly string[] | null, value: string): Fit {
  if (values === null) return "unknown";
  return values.includes(value) ? "match" : "mismatch";
}

/** How one facet fits one country; unknown when the reference data does not say. */
export function fitOf(facet: { type: string; value: string }, country: CountryReference): Fit {
  const { value } = facet;
  switch (facet.type as FacetType) {
    case "plugType": {
      const fit = has(country.plugTypes, value);
      return fit === "mismatch" && (NEAR_PLUGS[value] ?? []).some((near) => country.plugTypes?.includes(near)) ? "near" : fit;
    }
    case "mainsVoltage":
      if (!country.voltages) return "unknown";
      return country.voltages.some((volts) => Math.abs(Number(volts) - Number(value)) <= 10) ? "match" : "mismatch";
    case "mainsFrequency":
      return has(country.frequencies, value);
    case "drivingSide":
      return has(country.drivingSide, value);
    case "language": {
      if (country.languages.length === 0) return "unknown";
      const codes = ISO639_1_TO_3[value] ?? [value];
      return codes.some((code) => country.languages.includes(code)) ? "match" : "mismatch";
    }
    case "script":
      if (country.scripts.length === 0) return "unknown";
      return country.scripts.includes(value) ? "match" : "mismatch";
    case "currency":
      return country.currencies.length === 0 ? "unknown" : has(country.currencies, value);
    case "callingCode": {
      if (country.callingCodes.length === 0) return "unknown";
      const digits = callingDigits(value);
      return country.callingCodes.some((code) => code.slice(1).startsWith(digits) || digits.startsWith(code.slice(1))) ? "match" : "mismatch";
    }
    case "postcodeFormat":
      return has(country.postcodeFormats, value);
    case "emergencyNumber":
      return has(country.emergencyNumbers, value);
    case "timeZone":
      if (country.timeZones.length === 0) return "unknown";
      if (value.startsWith("UTC")) return country.utcOffsets.includes(value) ? "match" : "mismatch";
      return country.timeZones.includes(value) || (ct.getTimezone(value)?.countries ?? [] as string[]).includes(country.code) ? "match" : "mismatch";
    case "climateZone":
      return has(country.climateZones, value);
    case "productSoldIn":
      return value.split(",").includes(country.code) ? "match" : "mismatch";
    default:
      return "unknown";
  }
}

// Facet types where two different values are no contradiction: a label in two languages, prices in two currencies.
const MANY_VALUED: ReadonlySet<string> = new Set(["language", "script", "currency", "productSoldIn", "plugType"]);

interface UsedFacet {
  clue: NarrowingClue;
  facet: { type: string; value: string };
  weight: number;
  /** Per country (reference order): match, near, mismatch, unknown. */
  fits: Fit[];
}

/**
 * The narrowing itself, pure: the given clues (already only those the viewer may see) against the reference rows.
 * Candidates best first; excluded countries with each clue that rules them out; contradictions: two facets of
 * MEDIUM or HIGH confidence that no country is known to fit together, among those the other such facets allow.
 */
export function narrow(clues: readonly NarrowingClue[], countries: readonly CountryReference[], hiddenCluesIgnored: boolean): Narrowing {
  const used: UsedFacet[] = [];
  for (const clue of clues) {
    const weight = clueWeight(clue);
    for (const facet of clue.facets) used.push({ clue, facet, weight, fits: countries.map((country) => fitOf(facet, country)) });
  }
  const usedClues = [...new Set(used.map(({ clue }) => clue.id))];
  if (used.length === 0) return { candidates: [], excluded: [], contradictions: [], usedClues, hiddenCluesIgnored };

  const totalWeight = used.reduce((sum, { weight }) => sum + weight, 0);
  const candidates: Candidate[] = [];
  const excluded: Exclusion[] = [];
  countries.forEach((country, index) => {
    const supports: CountryReason[] = [];
    const weakens: CountryReason[] = [];
    const excludedBy: Exclusion["excludedBy"] = [];
    let score = 0;
    for (const { clue, facet, weight, fits } of used) {
      const fit = fits[index];
      const said = describeFacet(facet);
      if (fit === "match") {
        score += weight;
        supports.push({ clueId: clue.id, facet, reason: `${said}: fits` });
      } else if (fit === "near") {
        score -= weight / 2;
        weakens.push({ clueId: clue.id, facet, reason: `${said}: ${factOf(facet.type, country)} (the same plugs fit both)` });
      } else if (fit === "mismatch") {
        const reason = `${said}, but ${factOf(facet.type, country)}`;
        if (clueExcludes(clue)) excludedBy.push({ clueId: clue.id, reason });
        else {
          score -= weight;
          weakens.push({ clueId: clue.id, facet, reason });
        }
      }
    }
    if (excludedBy.length) {
      excluded.push({ country: country.code, name: country.name, excludedBy });
      return;
    }
    candidates.push({
      country: country.code,
      name: country.name,
      score: Math.round((score / totalWeight) * 1000) / 1000,
      supportedBy: [...new Set(supports.map((reason) => reason.clueId))],
      weakenedBy: [...new Set(weakens.map((reason) => reason.clueId))],
      supports,
      weakens,
    });
  });
  candidates.sort((a, b) => b.score - a.score || b.supportedBy.length - a.supportedBy.length || a.name.localeCompare(b.name));
  return { candidates, excluded, contradictions: contradictionsOf(used, countries), usedClues, hiddenCluesIgnored };
}

function contradictionsOf(used: readonly UsedFacet[], countries: readonly CountryReference[]): Contradiction[] {
  const firm = used.filter(({ clue }) => clue.confidence !== "LOW");
  const possible = (entry: UsedFacet, index: number) => entry.fits[index] !== "mismatch";
  const known = (entry: UsedFacet, index: number) => entry.fits[index] === "match" || entry.fits[index] === "near";
  const contradictions: Contradiction[] = [];
  for (let i = 0; i < firm.length; i++) {
    for (let j = i + 1; j < firm.length; j++) {
      const [a, b] = [firm[i], firm[j]];
      if (a.facet.type === b.facet.type && MANY_VALUED.has(a.facet.type)) continue;
      const others = firm.filter((entry) => entry !== a && entry !== b);
      // Where the other firm facets still allow (all countries when none does), is any country known to fit both?
      let scope = countries.map((_, index) => others.every((entry) => possible(entry, index)));
      if (!scope.some(Boolean)) scope = countries.map(() => true);
      const together = countries.some((_, index) => scope[index] && known(a, index) && known(b, index));
      if (!together) {
        contradictions.push({
          clueIds: [...new Set([a.clue.id, b.clue.id])],
          facets: [a.facet, b.facet],
          message: `${describeFacet(a.facet)} but ${describeFacet(b.facet)}: check both clues`,
        });
      }
    }
  }
  return contradictions;
}

interface FacetRow {
  id: string;
  confidence: Confidence;
  sourceReliability: string;
  infoAssessment: string;
  facets: { type: string; value: string }[];
}

/** The clues `where` selects (alias "c") that carry facets, with them: one query. */
async function facetedClues(where: Prisma.Sql): Promise<NarrowingClue[]> {
  const rows = await readSql<FacetRow>(Prisma.sql`
    SELECT c."id", c."confidence"::text AS "confidence", c."sourceReliability"::text AS "sourceReliability",
      c."infoAssessment"::text AS "infoAssessment",
      json_agg(json_build_object('type', f."type", 'value', f."value") ORDER BY f."id") AS "facets"
    FROM "Clue" c JOIN "ClueFacet" f ON f."clueId" = c."id"
    WHERE ${where}
    GROUP BY c."id", c."createdAt"
    ORDER BY c."createdAt" ASC, c."id" ASC`);
  return rows.map((row) => ({ ...row, infoAssessment: Number(row.infoAssessment.replace(/^I/, "")) }));
}

/** The narrowing of a case from the clues this actor may see. */
export async function narrowCase(actor: Actor, caseId: string): Promise<Narrowing> {
  const kase = await loadVisibleCase(actor, caseId);
  requirePermission(actor, "case:read", { type: "case", taskforceId: kase.taskforceId });
  const [clues, reference] = await Promise.all([
    facetedClues(Prisma.sql`c."caseId" = ${kase.id} AND ${visibleItemsSql(actor, "clue", "c")}`),
    loadReference(),
  ]);
  const narrowing = narrow(clues, reference.countries, true);
  await auditRead(actor, { action: "case.narrowing", itemType: "CASE", itemId: caseId, taskforceId: kase.taskforceId, caseId, details: { usedClues: narrowing.usedClues.length } });
  return narrowing;
}

/** The narrowing of a lead from the clues it cites that this actor may see. */
export async function narrowLead(actor: Actor, leadId: string): Promise<Narrowing & { caseId: string }> {
  const lead = await prisma.lead.findUnique({ where: { id: leadId }, include: { recipients: { select: { userId: true } }, _count: { select: { clues: true } } } });
  if (!lead || !canSeeItem(actor, itemVisibility(lead))) throw new NotFoundError("Lead not found.");
  requirePermission(actor, "lead:read", { type: "lead", ...itemVisibility(lead), ownerId: lead.ownerId });
  const [byLead, reference] = await Promise.all([narrowingsOfLeads(actor, [lead]), loadReference()]);
  const narrowing = narrow(byLead.get(lead.id) ?? [], reference.countries, (await visibleCitedCount(actor, lead.id)) < lead._count.clues);
  await auditRead(actor, { action: "lead.narrowing", itemType: "LEAD", itemId: leadId, taskforceId: lead.taskforceId, caseId: lead.caseId, details: { usedClues: narrowing.usedClues.length } });
  return { ...narrowing, caseId: lead.caseId };
}

async function visibleCitedCount(actor: Actor, leadId: string): Promise<number> {
  const [row] = await readSql<{ n: number }>(Prisma.sql`
    SELECT COUNT(*)::int AS "n" FROM "LeadClue" lc JOIN "Clue" c ON c."id" = lc."clueId"
    WHERE lc."leadId" = ${leadId} AND ${visibleItemsSql(actor, "clue", "c")}`);
  return row?.n ?? 0;
}

/** The visible faceted clues cited by each of these leads (already checked visible): one query for them all. */
async function narrowingsOfLeads(actor: Actor, leads: readonly { id: string }[]): Promise<Map<string, NarrowingClue[]>> {
  if (leads.length === 0) return new Map();
  const ids = leads.map((lead) => lead.id);
  const links = await readSql<{ leadId: string; clueId: string }>(Prisma.sql`
    SELECT lc."leadId", lc."clueId" FROM "LeadClue" lc WHERE lc."leadId" IN (${Prisma.join(ids)})`);
  const clueIds = [...new Set(links.map((link) => link.clueId))];
  const clues = clueIds.length ? await facetedClues(Prisma.sql`c."id" IN (${Prisma.join(clueIds)}) AND ${visibleItemsSql(actor, "clue", "c")}`) : [];
  const leadsOfClue = new Map<string, string[]>();
  for (const link of links) leadsOfClue.set(link.clueId, [...(leadsOfClue.get(link.clueId) ?? []), link.leadId]);
  // In the clues' order (oldest first), as for a case.
  const result = new Map<string, NarrowingClue[]>();
  for (const clue of clues) {
    for (const leadId of leadsOfClue.get(clue.id) ?? []) result.set(leadId, [...(result.get(leadId) ?? []), clue]);
  }
  return result;
}

/**
 * The top countries each lead points to, for the liaison's review queue: the leads are ones the queue already
 * found visible to the actor, and each uses only the cited clues the actor may see.
 */
export async function countriesLeadsPointTo(actor: Actor, leadIds: readonly string[], top = 3): Promise<Map<string, { country: string; name: string; score: number }[]>> {
  const [byLead, reference] = await Promise.all([narrowingsOfLeads(actor, leadIds.map((id) => ({ id }))), loadReference()]);
  const result = new Map<string, { country: string; name: string; score: number }[]>();
  for (const [leadId, clues] of byLead) {
    const { candidates } = narrow(clues, reference.countries, false);
    result.set(
      leadId,
      candidates.filter((candidate) => candidate.score > 0).slice(0, top).map(({ country, name, score }) => ({ country, name, score })),
    );
  }
  return result;
}

/** The API's body: the shape, candidates best first. */
export function narrowingBody(narrowing: Narrowing) {
  return {
    data: {
      candidates: narrowing.candidates.map(({ country, score, supportedBy, weakenedBy }) => ({ country, score, supportedBy, weakenedBy })),
      excluded: narrowing.excluded.map(({ country, excludedBy }) => ({ country, excludedBy })),
      contradictions: narrowing.contradictions,
      usedClues: narrowing.usedClues,
      hiddenCluesIgnored: narrowing.hiddenCluesIgnored,
    },
  };
}

/** Of these clues, those every member of their taskforce may read (not TLP:RED, not AMBER+STRICT). */
async function openToTheTaskforce(clueIds: readonly string[]): Promise<Set<string>> {
  const ids = [...new Set(clueIds)];
  if (ids.length === 0) return new Set();
  const rows = await readSql<{ id: string }>(Prisma.sql`
    SELECT c."id" FROM "Clue" c WHERE c."id" IN (${Prisma.join(ids)}) AND c."handlingCode" IN ${OPEN_HANDLING_CODES_SQL}`);
  return new Set(rows.map((row) => row.id));
}

/**
 * What a country task says of its country: a task is read by its whole taskforce, so only the reasons drawn from
 * clues all of them may read are written into it, and the score (which the others moved) only when there are no others.
 */
function taskReasons(name: string, candidate: Candidate, open: ReadonlySet<string>): string[] {
  const reasons = [...candidate.supports.map((reason) => ({ reason, said: "Supported" })), ...candidate.weakens.map((reason) => ({ reason, said: "Weakened" }))];
  const shown = reasons.filter(({ reason }) => open.has(reason.clueId));
  return [
    shown.length === reasons.length ? `Narrowing score ${candidate.score} for ${name}.` : `${name}: reasons from restricted clues are left out of this task, which the whole taskforce reads.`,
    ...shown.map(({ reason, said }) => `${said}: ${reason.reason}.`),
  ];
}

/**
 * From narrowing to action: one task per chosen country ("ask the liaison for X to check Y"), each carrying the
 * reasons the narrowing gave for that country as the viewer sees them. Coordinators only (task:assign).
 */
export async function createCountryTasks(actor: Actor, caseId: string, input: CountryTasksInput) {
  const narrowing = input.leadId ? await narrowLead(actor, input.leadId) : await narrowCase(actor, caseId);
  if (input.leadId && (narrowing as { caseId?: string }).caseId !== caseId) throw new NotFoundError("Lead not found.");
  const byCode = new Map(narrowing.candidates.map((candidate) => [candidate.country, candidate]));
  const reference = await loadReference();
  const open = await openToTheTaskforce(narrowing.candidates.flatMap((candidate) => [...candidate.supports, ...candidate.weakens].map((reason) => reason.clueId)));
  const tasks = [];
  for (const code of input.countries) {
    const candidate = byCode.get(code);
    const name = reference.byCode.get(code)?.name ?? code;
    const why = candidate ? taskReasons(name, candidate, open) : [`${name} is not among the current candidates.`];
    tasks.push(
      await createTask(actor, caseId, {
        title: `Ask the liaison for ${name} (${code}) to check ${input.subject}`.slice(0, 200),
        description: why.join("\n").slice(0, 10_000),
        assigneeId: input.assigneeId,
        leadId: input.leadId,
        dueDate: input.dueDate,
      }),
    );
  }
  return tasks;
}
