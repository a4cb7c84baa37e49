// The narrowing's world map as inline SVG, drawn on the server from Natural Earth 1:110m shapes (world-atlas,
// projected with d3-geo): no raster, no tiles, nothing fetched from outside. The country outlines are projected,
// thinned and written once per process; each request only picks each country's shade and link.
import { geoNaturalEarth1, geoPath } from "d3-geo";
import type { Feature, Geometry } from "geojson";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import worldAtlas from "world-atlas/countries-110m.json";
import countries from "world-countries";

export const MAP_WIDTH = 800;
export const MAP_HEIGHT = 400;
/** Points nearer than this (in map pixels) to the one before are dropped: 1:110m is finer than the map shows. */
const MIN_STEP = 2;

interface Outline {
  /** ISO 3166-1 alpha-2, or null for shapes without one (disputed areas). */
  code: string | null;
  name: string;
  d: string;
}

/** A path in integer pixels, thinned, with relative steps ("M12 34l3-1l2 2z"): about a third of d3's output. */
function thin(d: string): string {
  let out = "";
  for (const ring of d.split("M").filter(Boolean)) {
    const closed = ring.endsWith("Z");
    const points = ring
      .replace("Z", "")
      .split("L")
      .map((point) => point.split(",").map(Number) as [number, number]);
    const kept = [points[0]];
    for (const point of points.slice(1)) {
      const last = kept[kept.length - 1];
      if (Math.hypot(point[0] - last[0], point[1] - last[1]) >= MIN_STEP) kept.push(point);
    }
    if (kept.length < 3) continue;
    out += `M${kept[0][0]} ${kept[0][1]}${kept
      .slice(1)
      .map((point, index) => `l${point[0] - kept[index][0]} ${point[1] - kept[index][1]}`)
      .join("")}${closed ? "z" : ""}`;
  }
  return out.replace(/ -/g, "-");
}

let outlines: { sphere: string; shapes: Outline[] } | undefined;

function worldOutlines() {
  if (outlines) return outlines;
  const topology = worldAtlas as unknown as Topology<{ countries: GeometryCollection }>;
  const shapes = feature(topology, topology.objects.countries) as unknown as { features: Feature<Geometry, { name: string }>[] };
  const projection = geoNaturalEarth1().fitSize([MAP_WIDTH, MAP_HEIGHT], { type: "Sphere" });
  const path = geoPath(projection).digits(0);
  const byNumeric = new Map(countries.filter((country) => country.ccn3).map((country) => [country.ccn3, country]));
  outlines = {
    sphere: thin(path({ type: "Sphere" }) ?? ""),
    shapes: shapes.features
      .map((shape) => {
        const country = shape.id === undefined ? undefined : byNumeric.get(String(shape.id).padStart(3, "0"));
        return { code: country?.cca2 ?? null, name: country?.name.common ?? shape.properties.name, d: thin(path(shape) ?? "") };
      })
      .filter((shape) => shape.d !== ""),
  };
  return outlines;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export interface MapShading {
  /** Candidates' scores by ISO alpha-2 (from -1 to 1). */
  scores: ReadonlyMap<string, number>;
  excluded: ReadonlySet<string>;
  /** Where each country's reasons are on the page: `#${anchorPrefix}${code}`. */
  anchorPrefix: string;
}

// Shades of one hue for candidates by score; the weakest and the neutral share the land colour.
const SHADES = ["#dfe7ef", "#b9cde3", "#86add3", "#4f87bf", "#1f5c99"];
const LAND = "#eceff1";
const OCEAN = "#f8fafc";

function shadeOf(score: number): string {
  if (score <= 0) return LAND;
  return SHADES[Math.min(SHADES.length - 1, Math.floor(score * SHADES.length))];
}

/**
 * The map: candidates shaded by score, excluded countries hatched, each known country a link to its reasons on
 * the page. The list beside it is the text alternative (aria-describedby).
 */
export function worldMapSvg(shading: MapShading, describedBy: string): string {
  const { sphere, shapes } = worldOutlines();
  const parts = shapes.map((shape) => {
    const excluded = shape.code !== null && shading.excluded.has(shape.code);
    const score = shape.code === null ? undefined : shading.scores.get(shape.code);
    const fill = excluded ? "url(#narrowing-excluded)" : score === undefined ? LAND : shadeOf(score);
    const state = excluded ? "ruled out" : score === undefined ? "no data" : `score ${score}`;
    const title = `<title>${escapeXml(`${shape.name}: ${state}`)}</title>`;
    const path = `<path d="${shape.d}" fill="${fill}" stroke="#90a4ae" stroke-width="0.4"${excluded ? ' data-excluded="true"' : ""}/>`;
    if (shape.code === null || (!excluded && score === undefined)) return `<g>${title}${path}</g>`;
    return `<a href="#${shading.anchorPrefix}${shape.code}" data-country="${shape.code}">${title}${path}</a>`;
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}" class="world-map" role="group" ` +
    `aria-label="World map of the candidate countries" aria-describedby="${describedBy}">` +
    `<defs><pattern id="narrowing-excluded" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<rect width="6" height="6" fill="${LAND}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b0413e" stroke-width="2"/></pattern></defs>` +
    `<path d="${sphere}" fill="${OCEAN}" stroke="#cfd8dc"/>${parts.join("")}</svg>`
  );
}
