// The country reference data the narrowing reads (issue 14), loaded offline: the ISO country list, languages,
// currencies and calling codes from world-countries, time zones from countries-and-timezones, and the shipped
// table (app/data/country-facts.ts) for plugs, mains, driving side, emergency numbers and postcodes. Admins
// correct a row with a new version of one of its fields (ReferenceCorrection); every correction is audited and
// the newest version of each field is laid over the shipped value.
import countries from "world-countries";
import ct from "countries-and-timezones";
import { feature } from "topojson-client";
import { geoBounds } from "d3-geo";
import type { Feature, Geometry } from "geojson";
import type { Topology, GeometryCollection } from "topojson-specification";
import worldAtlas from "world-atlas/countries-110m.json";
import { ADMINISTRATION, requirePermission, type Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { callingCodesOf } from "~/data/calling-codes";
import { COUNTRY_FACTS_SOURCE, COUNTRY_FACTS_TABLE } from "~/data/country-facts";
import { NON_LATIN_SCRIPTS, TRADITIONAL_CHINESE_COUNTRIES } from "~/data/languages";
import { jsonSafe } from "~/utils/json";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { utcOffset } from "~/validation/facets";
import { writeChange } from "./changes.server";

/** The fields of the shipped table an admin may correct; each a list of strings, or null when not known. */
export const CORRECTABLE_FIELDS = ["plugTypes", "voltages", "frequencies", "drivingSide", "emergencyNumbers", "postcodeFormats", "climateZones"] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

export interface CountryReference {
  /** ISO 3166-1 alpha-2. */
  code: string;
  /** ISO 3166-1 numeric (joins the map's shapes), when the country has one. */
  numeric: string | null;
  name: string;
  /** ISO 639-3, from world-countries (official and national languages). */
  languages: string[];
  scripts: string[];
  currencies: string[];
  callingCodes: string[];
  timeZones: string[];
  /** "UTC+01:00", standard and summer time of each zone. */
  utcOffsets: string[];
  plugTypes: string[] | null;
  voltages: string[] | null;
  frequencies: string[] | null;
  drivingSide: string[] | null;
  emergencyNumbers: string[] | null;
  postcodeFormats: string[] | null;
  climateZones: string[] | null;
}

export const REFERENCE_SOURCES = [
  { table: "countries, languages, currencies, calling codes", source: "world-countries 5.1.0 (mledoze/countries, ODbL)", date: "2025" },
  { table: "time zones", source: "countries-and-timezones 3.10.0 (IANA tz database)", date: "2025" },
  { table: "plugs, mains, driving side, emergency numbers, postcodes", source: COUNTRY_FACTS_SOURCE.sources.join("; "), date: COUNTRY_FACTS_SOURCE.compiled },
  { table: "climate zones", source: "latitude bands of Natural Earth 1:110m shapes (world-atlas 2.0.2) and a shipped list of countries with large arid areas", date: COUNTRY_FACTS_SOURCE.compiled },
  { table: "map", source: "Natural Earth 1:110m via world-atlas 2.0.2 (public domain)", date: "2020" },
];

function list(cell: string | undefined): string[] | null {
  const value = (cell ?? "").trim();
  return value === "" || value === "?" ? null : value.split(",").map((item) => item.trim()).filter(Boolean);
}

type ShippedFacts = Pick<CountryReference, "plugTypes" | "voltages" | "frequencies" | "drivingSide" | "emergencyNumbers" | "postcodeFormats">;

export function parseCountryFacts(table: string = COUNTRY_FACTS_TABLE): Map<string, ShippedFacts> {
  const facts = new Map<string, ShippedFacts>();
  for (const line of table.split("\n")) {
    if (!line.trim()) continue;
    const [code, plugs, volts, hertz, side, emergency, postcodes] = line.split("|").map((cell) => cell.trim());
    const sides = list(side);
    facts.set(code, {
      plugTypes: list(plugs),
      voltages: list(volts),
      frequencies: list(hertz),
      drivingSide: sides ? sides.map((letter) => (letter === "L" ? "left" : "right")) : null,
      emergencyNumbers: list(emergency),
      postcodeFormats: list(postcodes),
    });
  }
  return facts;
}

// Countries with large desert or steppe areas (Köppen B), for the "arid" climate zone; the other zones come from
// the latitudes a country spans.
const ARID = new Set(
  "AE AF AM AR AU AZ BH BW CL CN CV DJ DZ EG EH ER ES ET IL IN IQ IR JO KE KW KZ LY MA ML MN MR MX NA NE OM PE PK PS QA SA SD SO SS SY TD TJ TM TN TR US UZ YE ZA".split(" "),
);

function latitudeRanges(): Map<string, [number, number]> {
  const topology = worldAtlas as unknown as Topology<{ countries: GeometryCollection }>;
  const shapes = feature(topology, topology.objects.countries) as unknown as { features: Feature<Geometry>[] };
  const ranges = new Map<string, [number, number]>();
  for (const shape of shapes.features) {
    if (shape.id === undefined) continue;
    const [[, south], [, north]] = geoBounds(shape);
    ranges.set(String(shape.id).padStart(3, "0"), [south, north]);
  }
  return ranges;
}

function climateZonesOf(code: string, range: [number, number]): string[] {
  const [south, north] = range;
  const spans = (from: number, to: number) => north >= from && south <= to;
  const zones: string[] = [];
  if (spans(-23.5, 23.5)) zones.push("tropical");
  if (ARID.has(code)) zones.push("arid");
  if (spans(23.5, 60) || spans(-60, -23.5)) zones.push("temperate");
  if (spans(50, 70) || spans(-60, -50)) zones.push("cold");
  if (spans(66.5, 90) || spans(-90, -60)) zones.push("polar");
  return zones;
}

function scriptsOf(code: string, languages: string[]): string[] {
  const scripts = new Set<string>();
  for (const language of languages) {
    for (const script of NON_LATIN_SCRIPTS[language] ?? ["Latn"]) {
      if (script === "Hani") {
        scripts.add("Hani");
        scripts.add(TRADITIONAL_CHINESE_COUNTRIES.includes(code) ? "Hant" : "Hans");
      } else {
        scripts.add(script);
      }
      if (script === "Jpan") scripts.add("Hani");
      if (script === "Kore") scripts.add("Hang");
    }
  }
  return [...scripts].sort();
}

function offsetsOf(zones: string[]): string[] {
  const offsets = new Set<string>();
  for (const name of zones) {
    const zone = ct.getTimezone(name);
    if (!zone) continue;
    for (const offset of [zone.utcOffsetStr, zone.dstOffsetStr]) {
      const normalised = utcOffset(offset);
      if (normalised) offsets.add(normalised);
    }
  }
  return [...offsets].sort();
}

let shipped: CountryReference[] | undefined;

/** The shipped reference rows, built once per process from the installed packages and the shipped table. */
export function shippedReference(): CountryReference[] {
  if (shipped) return shipped;
  const facts = parseCountryFacts();
  const ranges = latitudeRanges();
  shipped = countries
    .map((country): CountryReference => {
      const code = country.cca2;
      const languages = Object.keys(country.languages ?? {}).sort();
      const timeZones = [...(ct.getCountry(code)?.timezones ?? [])].sort();
      const [lat] = country.latlng ?? [0, 0];
      const range = ranges.get(country.ccn3 ?? "") ?? [lat - 1, lat + 1];
      const row = facts.get(code);
      return {
        code,
        numeric: country.ccn3 || null,
        name: country.name.common,
        languages,
        scripts: scriptsOf(code, languages),
        currencies: Object.keys(country.currencies ?? {}).sort(),
        callingCodes: callingCodesOf(country.idd),
        timeZones,
        utcOffsets: offsetsOf(timeZones),
        plugTypes: row?.plugTypes ?? null,
        voltages: row?.voltages ?? null,
        frequencies: row?.frequencies ?? null,
        drivingSide: row?.drivingSide ?? null,
        emergencyNumbers: row?.emergencyNumbers ?? null,
        postcodeFormats: row?.postcodeFormats ?? null,
        climateZones: code === "AQ" ? ["polar"] : climateZonesOf(code, range),
      };
    })
    .sort((a, b) => a.code.localeCompare(b.code));
  return shipped;
}

export interface ReferenceData {
  countries: CountryReference[];
  byCode: Map<string, CountryReference>;
  /** How many corrections are in force (0: the shipped table as it is). */
  corrections: number;
}

let cached: { key: string; data: ReferenceData } | undefined;

/**
 * The reference rows with the admins' corrections laid over: one small query for the newest correction's
 * id and the count, and the merge redone only when they changed (a correction on another node shows at its
 * next read).
 */
export async function loadReference(): Promise<ReferenceData> {
  const [stamp] = await prisma.$queryRaw<{ n: number; last: string | null }[]>`
    SELECT COUNT(*)::int AS "n", MAX("id") AS "last" FROM "ReferenceCorrection"`;
  const key = `${stamp?.n ?? 0}:${stamp?.last ?? ""}`;
  if (cached?.key === key) return cached.data;
  const corrections = stamp?.n
    ? await prisma.referenceCorrection.findMany({ orderBy: [{ country: "asc" }, { field: "asc" }, { version: "asc" }] })
    : [];
  const newest = new Map<string, (typeof corrections)[number]>();
  for (const correction of corrections) newest.set(`${correction.country}:${correction.field}`, correction);
  const rows = shippedReference().map((row) => {
    const corrected = { ...row };
    for (const field of CORRECTABLE_FIELDS) {
      const correction = newest.get(`${row.code}:${field}`);
      if (correction) corrected[field] = correction.value === null ? row[field] : (correction.value as string[]);
    }
    return corrected;
  });
  const data = { countries: rows, byCode: new Map(rows.map((row) => [row.code, row])), corrections: newest.size };
  cached = { key, data };
  return data;
}

export interface CorrectionInput {
  field: CorrectableField;
  /** The corrected values, or null to restore the shipped value. */
  value: string[] | null;
  reason: string;
}

/** An admin's correction of one field of one country: a new version, audited; the shipped file is untouched. */
export async function correctReference(actor: Actor, country: string, input: CorrectionInput) {
  requirePermission(actor, "reference:manage", ADMINISTRATION);
  const code = country.toUpperCase();
  if (!shippedReference().some((row) => row.code === code)) throw new NotFoundError("No such country in the reference data.");
  if (!CORRECTABLE_FIELDS.includes(input.field)) throw new ValidationError({ field: [`Choose one of: ${CORRECTABLE_FIELDS.join(", ")}.`] });
  return writeChange(actor, async (ctx) => {
    const last = await ctx.tx.referenceCorrection.findFirst({ where: { country: code, field: input.field }, orderBy: { version: "desc" } });
    const before = last ? (last.value as string[] | null) : null;
    const created = await ctx.tx.referenceCorrection.create({
      data: { country: code, field: input.field, value: input.value ?? undefined, version: (last?.version ?? 0) + 1, reason: input.reason, editorId: actor.id },
    });
    await ctx.audit({
      action: "reference.correct",
      itemType: "REFERENCE",
      itemId: `${code}:${input.field}`,
      details: jsonSafe({ country: code, field: input.field, version: created.version, from: before, to: input.value, reason: input.reason }),
    });
    return created;
  });
}

/** One country's row as in force, with the versions of its corrections (newest first). */
export async function referenceRow(actor: Actor, country: string) {
  requirePermission(actor, "reference:manage", ADMINISTRATION);
  const code = country.toUpperCase();
  const data = await loadReference();
  const row = data.byCode.get(code);
  if (!row) throw new NotFoundError("No such country in the reference data.");
  const corrections = await prisma.referenceCorrection.findMany({ where: { country: code }, orderBy: [{ field: "asc" }, { version: "desc" }] });
  return { row, corrections, sources: REFERENCE_SOURCES };
}
