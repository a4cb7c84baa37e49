// The reference data loads offline from the installed packages and the shipped table, the generated facet
// vocabulary matches those packages, every suggestion the form offers is a valid facet, and the server-drawn map
// stays small and self-contained.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import countries from "world-countries";
import { parseCountryFacts, shippedReference } from "~/models/reference-data.server";
import { worldMapSvg } from "~/utils/world-map.server";
import { facetSchema, facetSuggestions, parseFacetLine } from "~/validation/facets";
import { renderVocabulary } from "../../scripts/facet-vocabulary";

beforeAll(() => {
  // Nothing may be fetched: the data is in node_modules and in the repository.
  vi.stubGlobal("fetch", () => Promise.reject(new Error("the reference data must load offline")));
});
afterAll(() => {
  vi.unstubAllGlobals();
});

describe("reference data", () => {
  it("has a row for every ISO 3166-1 country, from world-countries, countries-and-timezones and the shipped table", () => {
    const rows = shippedReference();
    expect(rows.map((row) => row.code).sort()).toEqual(countries.map((country) => country.cca2).sort());
    const poland = rows.find((row) => row.code === "PL")!;
    expect(poland).toMatchObject({
      name: "Poland",
      languages: ["pol"],
      currencies: ["PLN"],
      callingCodes: ["+48"],
      timeZones: ["Europe/Warsaw"],
      plugTypes: ["C", "E"],
      voltages: ["230"],
      frequencies: ["50"],
      drivingSide: ["right"],
      postcodeFormats: ["NN-NNN"],
    });
    expect(rows.find((row) => row.code === "GB")).toMatchObject({ plugTypes: ["G"], drivingSide: ["left"], currencies: ["GBP"] });
    expect(rows.find((row) => row.code === "JP")).toMatchObject({ frequencies: ["50", "60"], voltages: ["100"], drivingSide: ["left"] });
    expect(rows.find((row) => row.code === "TW")!.scripts).toContain("Hant");
  });

  it("ships plugs, mains and driving side for every inhabited country it lists, and says unknown with '?'", () => {
    const facts = parseCountryFacts();
    expect(facts.size).toBe(countries.length);
    const known = [...facts.values()].filter((row) => row.plugTypes && row.drivingSide && row.voltages && row.frequencies);
    expect(known.length).toBeGreaterThan(235);
    for (const row of facts.values()) {
      for (const plug of row.plugTypes ?? []) expect(plug).toMatch(/^[A-O]$/);
      for (const hertz of row.frequencies ?? []) expect(["50", "60"]).toContain(hertz);
    }
    expect(facts.get("AQ")).toMatchObject({ plugTypes: null, drivingSide: null });
  });

  it("keeps the generated facet vocabulary in step with the installed packages", () => {
    const file = fs.readFileSync(path.join(process.cwd(), "app", "data", "facet-vocabulary.ts"), "utf8");
    expect(file).toBe(renderVocabulary());
  });

  it("offers only suggestions the facet schema accepts", () => {
    const suggestions = facetSuggestions();
    expect(suggestions.length).toBeGreaterThan(1000);
    for (const line of suggestions) expect(facetSchema.safeParse(parseFacetLine(line)).success, line).toBe(true);
  });
});

describe("the world map", () => {
  it("is inline SVG of modest size, links candidates to their reasons, marks exclusions, and loads nothing", () => {
    const svg = worldMapSvg({ scores: new Map([["PL", 0.9], ["CZ", 0.4]]), excluded: new Set(["GB"]), anchorPrefix: "country-" }, "country-list");
    expect(svg.length).toBeLessThan(60_000);
    expect(svg).toMatch(/^<svg [^>]*aria-describedby="country-list"/);
    expect(svg).toContain('<a href="#country-PL" data-country="PL"><title>Poland: score 0.9</title>');
    expect(svg).toMatch(/<a href="#country-GB" data-country="GB"><title>United Kingdom: ruled out<\/title><path [^>]*fill="url\(#narrowing-excluded\)"/);
    expect(svg).not.toMatch(/<image|href="http|xlink:href|url\(http/);
    expect(worldMapSvg({ scores: new Map(), excluded: new Set(), anchorPrefix: "x-" }, "x")).not.toContain("<a ");
  });
});
