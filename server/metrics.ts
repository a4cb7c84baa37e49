// What a Prometheus scraper reads at GET /metrics, in the text exposition format, written by hand: requests and
// their latency by route, open sockets, room events delivered, database pool use. Labels are bounded: a route is
// the Remix route id the path matches (never the path with its ids), a method one of a fixed few.
import type { ServerBuild } from "@remix-run/node";
import type { RequestHandler } from "express";

/** Latency bucket bounds, in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Routes outside Remix, labelled by their own path. */
const SERVER_ROUTES = new Set(["/healthz", "/readyz", "/metrics"]);

interface RoutePattern {
  id: string;
  segments: string[];
  depth: number;
}

/**
 * Maps a request path to the id of the Remix route that serves it ("routes/api.v1.cases.$caseId"), the way
 * Remix ranks them (static segments before parameters before a splat; the deepest route, so an index route
 * over its layout); "unmatched" when none does.
 */
export function remixRouteLabeler(routes: ServerBuild["routes"]): (path: string) => string {
  const patterns: RoutePattern[] = [];
  for (const route of Object.values(routes)) {
    const segments: string[] = [];
    let depth = 0;
    for (let at: (typeof routes)[string] | undefined = route; at; at = at.parentId ? routes[at.parentId] : undefined) {
      if (at.path) segments.unshift(...at.path.split("/").filter(Boolean));
      depth += 1;
    }
    patterns.push({ id: route.id, segments, depth });
  }
  return (rawPath) => {
    if (SERVER_ROUTES.has(rawPath)) return rawPath;
    if (rawPath.startsWith("/build/")) return "build";
    // Single-fetch data requests (/cases/x.data, /_root.data) are served by the page's route.
    const path = rawPath.endsWith(".data") ? (rawPath === "/_root.data" ? "/" : rawPath.slice(0, -".data".length)) : rawPath;
    const parts = path.split("/").filter(Boolean);
    let best: { id: string; score: number; depth: number } | null = null;
    for (const pattern of patterns) {
      const score = matchScore(pattern.segments, parts);
      if (score < 0) continue;
      if (!best || score > best.score || (score === best.score && pattern.depth > best.depth)) best = { id: pattern.id, score, depth: pattern.depth };
    }
    return best?.id ?? "unmatched";
  };
}

/** -1 when the pattern does not match; otherwise higher for more specific patterns. */
function matchScore(pattern: string[], parts: string[]): number {
  let score = 0;
  for (let i = 0; i < pattern.length; i++) {
    const segment = pattern[i];
    if (segment === "*") return score + 1;
    if (i >= parts.length) return -1;
    if (segment.startsWith(":")) score += 3;
    else if (segment === parts[i]) score += 10;
    else return -1;
  }
  return parts.length === pattern.length ? score : -1;
}

interface Histogram {
  /** Per bucket, not cumulative (one increment per request); the last is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export interface RealtimeGauges {
  openSockets(): number;
  eventsDelivered(): number;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export class AppMetrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  /** Set by the realtime layer when it is attached. */
  realtime?: RealtimeGauges;

  constructor(private readonly routeOf: (path: string) => string) {}

  /** Counts every request when its response is sent: a map increment and a bucket search, nothing more. */
  readonly middleware: RequestHandler = (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    res.once("finish", () => {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      this.record(req.method, this.routeOf(req.path), res.statusCode, seconds);
    });
    next();
  };

  record(method: string, route: string, status: number, seconds: number): void {
    const requestKey = `${METHODS.has(method) ? method : "OTHER"}\u0000${route}\u0000${status}`;
    this.requests.set(requestKey, (this.requests.get(requestKey) ?? 0) + 1);
    let histogram = this.latency.get(route);
    if (!histogram) {
      histogram = { counts: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      this.latency.set(route, histogram);
    }
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]) bucket++;
    histogram.counts[bucket] += 1;
    histogram.sum += seconds;
    histogram.count += 1;
  }

  /** The exposition text (Content-Type: text/plain; version=0.0.4). */
  render(pool: PoolStats): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

    family("http_requests_total", "counter", "HTTP requests answered, by method, route (Remix route id) and status.");
    for (const [key, value] of this.requests) {
      const [method, route, status] = key.split("\u0000");
      lines.push(`http_requests_total${labels({ method, route, status })} ${value}`);
    }

    family("http_request_duration_seconds", "histogram", "Time from a request's arrival to its response being sent, by route.");
    for (const [route, histogram] of this.latency) {
      let cumulative = 0;
      LATENCY_BUCKETS.forEach((bound, index) => {
        cumulative += histogram.counts[index];
        lines.push(`http_request_duration_seconds_bucket${labels({ route, le: String(bound) })} ${cumulative}`);
      });
      lines.push(`http_request_duration_seconds_bucket${labels({ route, le: "+Inf" })} ${histogram.count}`);
      lines.push(`http_request_duration_seconds_sum${labels({ route })} ${histogram.sum}`);
      lines.push(`http_request_duration_seconds_count${labels({ route })} ${histogram.count}`);
    }

    family("socketio_open_sockets", "gauge", "Socket.IO connections open on this node.");
    lines.push(`socketio_open_sockets ${this.realtime?.openSockets() ?? 0}`);
    family("room_events_delivered_total", "counter", "Room events this node delivered to its sockets (once per event, not per recipient).");
    lines.push(`room_events_delivered_total ${this.realtime?.eventsDelivered() ?? 0}`);

    family("db_pool_total", "gauge", "Database connections open (the embedded database: 1).");
    lines.push(`db_pool_total ${pool.total}`);
    family("db_pool_idle", "gauge", "Database connections open and idle.");
    lines.push(`db_pool_idle ${pool.idle}`);
    family("db_pool_waiting", "gauge", "Queries waiting for a database connection.");
    lines.push(`db_pool_waiting ${pool.waiting}`);
    return `${lines.join("\n")}\n`;
  }
}

function labels(values: Record<string, string>): string {
  const pairs = Object.entries(values).map(([name, value]) => `${name}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`);
  return `{${pairs.join(",")}}`;
}
