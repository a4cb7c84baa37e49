// Decision 018: API requests go straight to their apiRoute loader or action. The route and its parameters must be
// the ones Remix itself would choose, for every API route and for the paths around them.
import path from "node:path";
import type { ServerBuild } from "@remix-run/node";
// Remix's own route tree and matcher, as its request handler uses them (not part of its public API).
import { matchServerRoutes } from "@remix-run/server-runtime/dist/routeMatching.js";
import { createRoutes } from "@remix-run/server-runtime/dist/routes.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRouteMatcher } from "../../server/api-dispatch";
import { loadRemixBuild } from "../../server/app";
import { apiCallerFor } from "../helpers/api";
import { createTeam } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";

let build: ServerBuild;
let server: TestServer;

beforeAll(async () => {
  build = await loadRemixBuild(path.join(process.cwd(), "build", "index.js"));
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** A path for each route: parameters filled with "p1", "p2", …, a splat with "a/b". */
function samplePaths(routes: ServerBuild["routes"]): string[] {
  const paths: string[] = [];
  for (const route of Object.values(routes)) {
    if (!route) continue;
    const parts: string[] = [];
    for (let at: typeof route | undefined = route; at; at = at.parentId ? routes[at.parentId] : undefined) if (at.path) parts.unshift(at.path);
    let n = 0;
    paths.push(`/${parts.join("/").replace(/:[\w-]+/g, () => `p${++n}`).replace(/\*$/, "a/b")}`);
  }
  return paths;
}

describe("API dispatch", () => {
  it("matches every path to the route and parameters Remix matches", () => {
    const match = apiRouteMatcher(build.routes);
    const remixRoutes = createRoutes(build.routes);
    const api = samplePaths(build.routes).filter((p) => p.startsWith("/api/"));
    expect(api.length).toBeGreaterThan(20);
    const variants = api.flatMap((p) => [p, `${p}/`, `${p}//`, p.toUpperCase(), `${p}/extra`, p.replace(/\/p1(\/|$)/, "/a%2Fb$1"), p.replace(/\/p1(\/|$)/, "/%70%31$1"), p.replace("/v1/", "//v1/")]);
    const odd = ["/api/", "/api/v1", "/api/v1/", "/api/v1/nothing/here", "/api/v1/cases/x/clues/y/z", "/api/v1/openapi%2Ejson", "/api/v1/openapi.json", "/api/v1/cases/%E0%A4%A", "/api/v1/cases/x.data"];
    let compared = 0;
    for (const pathname of [...variants, ...odd]) {
      const ours = match(pathname);
      const remix = matchServerRoutes(remixRoutes, pathname);
      const leaf = remix?.[remix.length - 1];
      if (ours === null) {
        // Left to Remix: only what this matcher declines on purpose, or what Remix does not match either.
        if (leaf) expect(pathname.endsWith(".data") || /%(?![0-9a-f]{2})/i.test(pathname) || pathname.includes("%E0%A4%A"), pathname).toBe(true);
        continue;
      }
      compared += 1;
      expect({ pathname, routeId: ours.routeId, params: ours.params }).toEqual({ pathname, routeId: leaf?.route.id, params: leaf?.params });
    }
    expect(compared).toBeGreaterThan(api.length * 4);
  });

  it("serves API routes with the same answers: JSON, the API's 404, and other spellings left to Remix", async () => {
    const team = await createTeam();
    const as = await apiCallerFor(server.url, team.analyst);
    const list = await as("GET", `/cases/${team.case.id}/clues`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [], nextCursor: null });
    const missing = await as("GET", "/nothing/here");
    expect(missing.status).toBe(404);
    // A path only Remix's case-insensitive matching finds goes on to Remix, which calls the same loader.
    const viaRemix = await fetch(`${server.url}/API/V1/cases/${team.case.id}/clues`);
    expect(viaRemix.status).toBe(401);
  });
});
