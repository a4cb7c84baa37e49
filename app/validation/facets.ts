// Typed facets on clues (issue 14): a fixed, extensible vocabulary of structured facts the narrowing reads
// ("plugType F", "drivingSide left", "language pl"). Each facet is { type, value }; a value is normalised to one
// spelling here, so the narrowing, the history and the form all compare like with like. Browser-safe: the clue
// form builds its autocomplete from FACET_TYPES and facetSuggestions().
import { z } from "zod";
import { CALLING_CODES, COUNTRY_NAMES, CURRENCY_NAMES, LANGUAGE_NAMES, TIME_ZONES } from "~/data/facet-vocabulary";
import { ISO639_1_TO_3, SCRIPTS } from "~/data/languages";

export const PLUG_TYPES = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O"] as const;
export const CLIMATE_ZONES = ["tropical", "arid", "temperate", "cold", "polar"] as const;

export const FACET_TYPES = {
  plugType: "Plug or socket type (IEC A-O)",
  mainsVoltage: "Mains voltage (V)",
  mainsFrequency: "Mains frequency (Hz)",
  drivingSide: "Driving side (left or right)",
  language: "Language seen or heard (ISO 639)",
  script: "Script seen (ISO 15924)",
  currency: "Currency (ISO 4217)",
  callingCode: "Telephone prefix",
  postcodeFormat: "Postcode (or its shape, N digit A letter)",
  emergencyNumber: "Emergency number",
  timeZone: "Time zone (IANA name or UTC offset)",
  climateZone: "Climate or vegetation zone",
  productSoldIn: "Product sold only in (countries)",
} as const;
export type FacetType = keyof typeof FACET_TYPES;
export const FACET_TYPE_NAMES = Object.keys(FACET_TYPES) as FacetType[];
/** Facet types whose value is a list (the API carries an array; the database a comma-separated line). */
export const LIST_FACET_TYPES: ReadonlySet<FacetType> = new Set(["productSoldIn"]);

export const MAX_FACETS_PER_CLUE = 12;

const COUNTRY_CODES = new Set(COUNTRY_NAMES.map(([code]) => code));
const LANGUAGE_CODES = new Set(LANGUAGE_NAMES.map(([code]) => code));
const CURRENCY_CODES = new Set(CURRENCY_NAMES.map(([code]) => code));
const TIME_ZONE_BY_LOWER = new Map(TIME_ZONES.map((zone) => [zone.toLowerCase(), zone]));
const SCRIPT_BY_LOWER = new Map(Object.keys(SCRIPTS).map((script) => [script.toLowerCase(), script]));

/** A normalised facet value, or the analyst-facing reason it is not one. */
type Normalised = { ok: true; value: string } | { ok: false; message: string };
const ok = (value: string): Normalised => ({ ok: true, value });
const no = (message: string): Normalised => ({ ok: false, message });

function text(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value).trim() : "";
}

/** "+48 22 123", "0048" -> "+4822123": digits after the plus, spaces and dashes dropped. */
export function callingDigits(value: string): string {
  return value.replace(/^00/, "+").replace(/[\s().-]/g, "").replace(/^\+/, "");
}

/** A postcode or a shape of one -> its shape: "00-950" and "NN-NNN" are both "NN-NNN". */
export function postcodeShape(value: string): string {
  const upper = value.trim().toUpperCase().replace(/\s+/g, " ");
  if (/^[NA -]+$/.test(upper)) return upper;
  return upper.replace(/[0-9]/g, "N").replace(/[A-Z]/g, "A");
}

/** "UTC+1", "GMT-05:30", "+02:00" -> "UTC+01:00"; null when it is not an offset. */
export function utcOffset(value: string): string | null {
  const match = /^(?:UTC|GMT)?\s*([+-−])\s*(\d{1,2})(?::?(\d{2}))?$/i.exec(value.trim());
  if (!match) return /^(UTC|GMT|Z)$/i.test(value.trim()) ? "UTC+00:00" : null;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? "0");
  if (hours > 14 || minutes >= 60) return null;
  const sign = match[1] === "+" ? "+" : "-";
  return `UTC${hours === 0 && minutes === 0 ? "+" : sign}${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`;
}

function countryList(value: unknown): Normalised {
  const items = Array.isArray(value) ? value.map(text) : text(value).split(/[\s,;]+/);
  const codes = [...new Set(items.map((item) => item.toUpperCase()).filter(Boolean))];
  if (codes.length === 0) return no("Name at least one country by its ISO 3166-1 alpha-2 code, e.g. PL, CZ.");
  const unknown = codes.filter((code) => !COUNTRY_CODES.has(code));
  if (unknown.length) return no(`Not an ISO 3166-1 alpha-2 country code: ${unknown.join(", ")}.`);
  return ok(codes.sort().join(","));
}

const NORMALISERS: Record<FacetType, (value: unknown) => Normalised> = {
  plugType(value) {
    const letter = text(value).toUpperCase().replace(/^TYPE\s*/, "");
    return (PLUG_TYPES as readonly string[]).includes(letter) ? ok(letter) : no("A plug type is one IEC letter from A to O, e.g. F.");
  },
  mainsVoltage(value) {
    const volts = Number(text(value).replace(/\s*V$/i, ""));
    return Number.isInteger(volts) && volts >= 90 && volts <= 260 ? ok(String(volts)) : no("Mains voltage is a whole number of volts from 90 to 260, e.g. 230.");
  },
  mainsFrequency(value) {
    const hertz = text(value).replace(/\s*Hz$/i, "");
    return hertz === "50" || hertz === "60" ? ok(hertz) : no("Mains frequency is 50 or 60 (Hz).");
  },
  drivingSide(value) {
    const side = text(value).toLowerCase();
    if (["left", "l", "lht", "left-hand"].includes(side)) return ok("left");
    if (["right", "r", "rht", "right-hand"].includes(side)) return ok("right");
    return no("Driving side is left or right.");
  },
  language(value) {
    const code = text(value).toLowerCase();
    return ISO639_1_TO_3[code] || LANGUAGE_CODES.has(code) ? ok(code) : no("Use an ISO 639 language code from the list, e.g. pl or pol.");
  },
  script(value) {
    const script = SCRIPT_BY_LOWER.get(text(value).toLowerCase());
    return script ? ok(script) : no("Use an ISO 15924 script code from the list, e.g. Latn, Cyrl, Arab.");
  },
  currency(value) {
    const code = text(value).toUpperCase();
    return CURRENCY_CODES.has(code) ? ok(code) : no("Use an ISO 4217 currency code from the list, e.g. EUR, PLN.");
  },
  callingCode(value) {
    const digits = callingDigits(text(value));
    if (!/^\d{1,15}$/.test(digits)) return no("A telephone prefix is + and digits, e.g. +48.");
    const known = CALLING_CODES.some((code) => {
      const country = code.slice(1);
      return digits.startsWith(country) || country.startsWith(digits);
    });
    return known ? ok(`+${digits}`) : no(`No country uses the prefix +${digits}.`);
  },
  postcodeFormat(value) {
    const shape = postcodeShape(text(value));
    return /^[NA][NA -]{1,11}$/.test(shape) && /[NA]$/.test(shape) ? ok(shape) : no("Type the postcode as seen (e.g. 00-950) or its shape (N digit, A letter: NN-NNN).");
  },
  emergencyNumber(value) {
    const digits = text(value).replace(/\s/g, "");
    return /^\d{2,5}$/.test(digits) ? ok(digits) : no("An emergency number is 2 to 5 digits, e.g. 112.");
  },
  timeZone(value) {
    const raw = text(value);
    const zone = TIME_ZONE_BY_LOWER.get(raw.toLowerCase());
    if (zone) return ok(zone);
    const offset = utcOffset(raw);
    return offset ? ok(offset) : no("Use an IANA time zone (e.g. Europe/Warsaw) or a UTC offset (e.g. UTC+01:00).");
  },
  climateZone(value) {
    const zone = text(value).toLowerCase();
    return (CLIMATE_ZONES as readonly string[]).includes(zone) ? ok(zone) : no(`A climate zone is one of: ${CLIMATE_ZONES.join(", ")}.`);
  },
  productSoldIn: countryList,
};

/** A stored facet value as the API carries it: lists as arrays. */
export function facetValueOut(type: string, value: string): string | string[] {
  return LIST_FACET_TYPES.has(type as FacetType) ? value.split(",").filter(Boolean) : value;
}

export interface Facet {
  type: FacetType;
  /** Normalised; lists comma-separated (see facetValueOut). */
  value: string;
}

const UNKNOWN_TYPE = `Choose a facet type from the list: ${FACET_TYPE_NAMES.join(", ")}.`;

/** Form input: "plugType: F" per line or per field. Lines without a separator come back with an empty type. */
export function parseFacetLine(line: string): { type: string; value: string } {
  const at = line.search(/[:=]/);
  return at === -1 ? { type: "", value: line.trim() } : { type: line.slice(0, at).trim(), value: line.slice(at + 1).trim() };
}

export function formatFacetLine(facet: { type: string; value: string | readonly string[] }): string {
  return `${facet.type}: ${Array.isArray(facet.value) ? facet.value.join(", ") : facet.value}`;
}

export const facetSchema = z
  .object({
    type: z.string({ error: UNKNOWN_TYPE }).trim().max(40),
    value: z.union([z.string().max(200), z.number(), z.array(z.string().max(8)).max(250)], { error: "The facet's value is required." }),
  })
  .transform((facet, ctx): Facet => {
    const type = FACET_TYPE_NAMES.find((name) => name.toLowerCase() === facet.type.toLowerCase());
    if (!type) {
      ctx.addIssue({ code: "custom", path: ["type"], message: UNKNOWN_TYPE });
      return z.NEVER;
    }
    const normalised = NORMALISERS[type](facet.value);
    if (!normalised.ok) {
      ctx.addIssue({ code: "custom", path: ["value"], message: normalised.message });
      return z.NEVER;
    }
    return { type, value: normalised.value };
  });

/** A list of facets: JSON arrays of { type, value }, or form lines "type: value" (blank lines skipped); duplicates dropped. */
export const facetsSchema = z.preprocess(
  (value) => {
    const lines = typeof value === "string" ? value.split(/\r?\n/) : Array.isArray(value) && value.every((item) => typeof item === "string") ? (value as string[]) : null;
    if (!lines) return value;
    return lines.map((line) => line.trim()).filter(Boolean).map(parseFacetLine);
  },
  z
    .array(facetSchema)
    .max(MAX_FACETS_PER_CLUE, `At most ${MAX_FACETS_PER_CLUE} facets per clue.`)
    .transform((facets) => {
      const seen = new Set<string>();
      return facets.filter((facet) => {
        const key = `${facet.type}\u0000${facet.value}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }),
);

/** Every "type: value" the form suggests as the analyst types (a <datalist>): the closed vocabularies in full. */
export function facetSuggestions(): string[] {
  const lines: string[] = [];
  const add = (type: FacetType, values: readonly string[]) => values.forEach((value) => lines.push(`${type}: ${value}`));
  add("plugType", PLUG_TYPES);
  add("mainsVoltage", ["100", "110", "115", "120", "127", "220", "230", "240"]);
  add("mainsFrequency", ["50", "60"]);
  add("drivingSide", ["left", "right"]);
  add("language", [...Object.keys(ISO639_1_TO_3), ...LANGUAGE_NAMES.map(([code]) => code)]);
  add("script", Object.keys(SCRIPTS));
  add("currency", CURRENCY_NAMES.map(([code]) => code));
  add("callingCode", CALLING_CODES);
  add("emergencyNumber", ["112", "911", "999", "000", "110", "119", "100", "102", "117", "17"]);
  add("timeZone", TIME_ZONES);
  add("climateZone", CLIMATE_ZONES);
  add("productSoldIn", COUNTRY_NAMES.map(([code]) => code));
  return lines;
}
