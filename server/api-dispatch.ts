// The JSON API's requests go straight to their route module's loader or action, past Remix's request pipeline
// (decision 018). Remix matched every request by flattening, ranking and compiling all 55 routes anew (twice:
// once to find the route, once more in its router's query), and ran each resource route through its data
// strategy: together more CPU than the clue list's own work. Here the routes are read once from the same Remix
// build; each route is still declared once, in its route file, and its loader is the same `apiRoute` handler
// (authentication, permission checks, model functions) Remix would call. Only `apiRoute` routes are served here;
// anything else, and any request this module is not sure of, goes on to Remix.
import type { ServerBuild } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import type { Request as ExpressRequest, RequestHandler, Response as ExpressResponse } from "express";
import { API_ROUTE_MARK, type ApiOutcome, type ApiRun } from "~/utils/api.server";
import { jsonTextOf } from "~/utils/json";

type BuildRoute = ServerBuild["routes"][string];

interface RouteNode {
  id: string;
  path?: string;
  index?: boolean;
  caseSensitive?: boolean;
  children: RouteNode[];
}

/** One route that can end a match (a leaf of a branch), with its full path cut into segments to filter by. */
interface Branch {
  id: string;
  /** The route and its ancestors, root first. */
  chain: string[];
  /** Segments of the full path; ":x" a parameter, "*" a splat (last). */
  segments: string[];
  /** An optional segment ("?"): the filter cannot judge it, so the branch is always a candidate. */
  optional: boolean;
}

const MAX_CACHED_SUBTREES = 256;

/**
 * Express middleware serving `apiRoute` routes under /api/ from the Remix build. The route is chosen by
 * Remix's own `matchRoutes`, on the few routes whose path could match (a superset filter by segment count
 * and static segments), so the choice, the ranking and the parameters are Remix's.
 */
export function apiDispatcher(build: ServerBuild): RequestHandler {
  const routes = build.routes;
  const match = apiRouteMatcher(routes);
  return (req, res, next) => {
    const url = req.originalUrl;
    if (!url.startsWith("/api/")) return next();
    const queryAt = url.indexOf("?");
    // Remix's own convention for ?_data requests stays with Remix.
    if (queryAt !== -1 && new URLSearchParams(url.slice(queryAt + 1)).has("_data")) return next();
    const found = match(queryAt === -1 ? url : url.slice(0, queryAt));
    if (!found) return next();
    const module = routes[found.routeId]?.module as { loader?: unknown; action?: unknown; default?: unknown; ErrorBoundary?: unknown } | undefined;
    const handler = req.method === "GET" || req.method === "HEAD" ? module?.loader : module?.action;
    // Remix's test for a resource route, and an apiRoute handler (which answers every error itself).
    if (!module || module.default != null || module.ErrorBoundary != null || typeof handler !== "function" || !(API_ROUTE_MARK in handler)) return next();
    void serve(req, res, next, (handler as { [API_ROUTE_MARK]: ApiRun })[API_ROUTE_MARK], found.params);
  };
}

/**
 * The route Remix would match to a path (its last match: the route that serves a resource request) and its
 * parameters, or null (no match, or a path this matcher leaves to Remix: single-fetch `.data`, a segment that
 * does not decode). Remix's matchRoutes decides, on the candidates only.
 */
export function apiRouteMatcher(routes: ServerBuild["routes"]): (pathname: string) => { routeId: string; params: Record<string, string | undefined> } | null {
  const branches = collectBranches(routes);
  const subtrees = new Map<string, AgnosticRouteObject[]>();
  const subtreeOf = (candidates: Branch[]): AgnosticRouteObject[] => {
    const key = candidates.map((branch) => branch.id).join("\n");
    let tree = subtrees.get(key);
    if (!tree) {
      tree = buildSubtree(routes, candidates);
      if (subtrees.size >= MAX_CACHED_SUBTREES) subtrees.clear();
      subtrees.set(key, tree);
    }
    return tree;
  };
  return (pathname) => {
    if (pathname.endsWith(".data")) return null;
    const segments = decodedSegments(pathname);
    if (!segments) return null;
    const candidates = branches.filter((branch) => mayMatch(branch, segments));
    if (candidates.length === 0) return null;
    const matches = matchRoutes(subtreeOf(candidates), pathname);
    const leaf = matches?.[matches.length - 1];
    return leaf ? { routeId: leaf.route.id as string, params: { ...leaf.params } } : null;
  };
}

/** Runs the route's apiRoute handler (which needs no load context) and writes its outcome. */
async function serve(req: ExpressRequest, res: ExpressResponse, next: Parameters<RequestHandler>[2], run: ApiRun, params: Record<string, string | undefined>) {
  try {
    const outcome = await run(fetchRequestOf(req, res), params);
    await send(res, outcome, req.method === "HEAD");
  } catch (error) {
    // An apiRoute handler answers its own errors; anything else gets Remix's last resort, as under Remix.
    if (error instanceof Response) {
      error.headers.set("X-Remix-Catch", "yes");
      await send(res, error).catch(next);
      return;
    }
    if (res.headersSent) return next(error);
    console.error(error);
    res.status(500).type("text/plain").send("Unexpected Server Error");
  }
}

/**
 * The Fetch API request the loader gets, made as @remix-run/express makes it (createRemixRequest, which that
 * package does not export): the URL from the protocol and host Express trusts, the headers, the body as a stream,
 * and a signal aborted when the client goes away before the answer.
 */
function fetchRequestOf(req: ExpressRequest, res: ExpressResponse): Request {
  const hostnamePort = Number.parseInt(req.get("X-Forwarded-Host")?.split(":")[1] ?? "", 10);
  const hostPort = Number.parseInt(req.get("host")?.split(":")[1] ?? "", 10);
  const port = Number.isSafeInteger(hostnamePort) ? hostnamePort : Number.isSafeInteger(hostPort) ? hostPort : "";
  const url = `${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const each of value) headers.append(name, each);
    else if (value) headers.set(name, value);
  }
  let controller: AbortController | null = new AbortController();
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = createReadableStreamFromReadable(req);
    init.duplex = "half";
  }
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  return new Request(url, init);
}

/**
 * Writes an outcome. JSON: the bytes `Response.json` would carry, with its Content-Type, in one write, as a bare
 * Express route's res.json. A Response: as @remix-run/express sends one (status, status text, every header), the
 * body in one write: an API answer is whole in memory, never a stream to pass on as it comes. HEAD: as Remix
 * answers it, the GET's status and headers without a body.
 */
async function send(res: ExpressResponse, outcome: ApiOutcome, head = false): Promise<void> {
  if (!(outcome instanceof Response)) {
    res.status(outcome.status);
    for (const [name, value] of Object.entries(outcome.headers)) res.setHeader(name, value);
    res.setHeader("content-type", "application/json");
    // JSON that PostgreSQL already wrote (decision 027) goes out as it is.
    res.end(head ? undefined : (jsonTextOf(outcome.body) ?? JSON.stringify(outcome.body)));
    return;
  }
  res.statusMessage = outcome.statusText;
  res.status(outcome.status);
  for (const [name, value] of outcome.headers) res.append(name, value);
  if (outcome.body && !head) res.end(Buffer.from(await outcome.arrayBuffer()));
  else res.end();
}

/** The path's segments decoded as Remix decodes them, empty ones dropped; null when a segment does not decode. */
function decodedSegments(pathname: string): string[] | null {
  const segments: string[] = [];
  for (const raw of pathname.split("/")) {
    if (raw === "") continue;
    try {
      segments.push(decodeURIComponent(raw).toLowerCase());
    } catch {
      return null;
    }
  }
  return segments;
}

/** True when Remix could match the branch to these segments; may say true when it would not (never the reverse). */
function mayMatch(branch: Branch, segments: string[]): boolean {
  if (branch.optional) return true;
  const pattern = branch.segments;
  const splat = pattern[pattern.length - 1] === "*";
  const fixed = splat ? pattern.length - 1 : pattern.length;
  if (splat ? segments.length < fixed : segments.length !== fixed) return false;
  for (let i = 0; i < fixed; i++) {
    const part = pattern[i];
    // A decoded "/" inside a segment (%2F) is one segment to Remix too.
    if (!part.startsWith(":") && part.toLowerCase() !== segments[i]) return false;
  }
  return true;
}

function collectBranches(routes: ServerBuild["routes"]): Branch[] {
  const branches: Branch[] = [];
  for (const route of Object.values(routes)) {
    if (!route) continue;
    const chain: string[] = [];
    const segments: string[] = [];
    let optional = false;
    for (let at: BuildRoute | undefined = route; at; at = at.parentId ? routes[at.parentId] : undefined) {
      chain.unshift(at.id);
      if (at.path) {
        segments.unshift(...at.path.split("/").filter(Boolean));
        if (at.path.includes("?")) optional = true;
      }
    }
    // Routes without a path that are not index routes never end a match (Remix's rule).
    if (route.path == null && !route.index) continue;
    branches.push({ id: route.id, chain, segments, optional });
  }
  return branches;
}

/** The candidates and their ancestors, as Remix's route tree, siblings in the build's order (which ranks ties). */
function buildSubtree(routes: ServerBuild["routes"], candidates: Branch[]): AgnosticRouteObject[] {
  const keep = new Set(candidates.flatMap((branch) => branch.chain));
  const nodes = new Map<string, RouteNode>();
  const roots: RouteNode[] = [];
  for (const route of Object.values(routes)) {
    if (!route || !keep.has(route.id)) continue;
    nodes.set(route.id, { id: route.id, path: route.path, index: route.index, caseSensitive: route.caseSensitive, children: [] });
  }
  for (const route of Object.values(routes)) {
    if (!route || !keep.has(route.id)) continue;
    const node = nodes.get(route.id) as RouteNode;
    const parent = route.parentId ? nodes.get(route.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots as unknown as AgnosticRouteObject[];
}
