// The operator's endpoints, plain Express routes ahead of Remix: liveness (/healthz), readiness (/readyz: the
// database and, when configured, Redis answer) and the Prometheus metrics (/metrics). None carries data beyond
// status; /metrics is for an admin's token or a scraper on this machine, and 404 to everyone else.
import express, { type Request, type Router } from "express";
import { mayReadMetrics, taskforceIdSet } from "~/auth/permissions.server";
import { getDatabase } from "~/db.server";
import { findTokenGrant } from "~/models/tokens.server";
import { limitStore, withTimeout } from "~/utils/limit-store.server";
import type { AppMetrics } from "./metrics";

/** How long a readiness check waits for each dependency. */
export const READINESS_TIMEOUT_MS = 2_000;

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

async function databaseAnswers(): Promise<boolean> {
  try {
    await withTimeout(getDatabase().sql.query("SELECT 1"), READINESS_TIMEOUT_MS);
    return true;
  } catch {
    return false;
  }
}

/** The dependencies that did not answer, in a fixed order. */
export async function failedDependencies(): Promise<string[]> {
  const store = limitStore();
  const [database, redis] = await Promise.all([databaseAnswers(), store.kind === "redis" ? store.ping(READINESS_TIMEOUT_MS) : true]);
  return [...(database ? [] : ["database"]), ...(redis ? [] : ["redis"])];
}

/** Judged on the connection itself (never req.ip, which TRUST_PROXY takes from a header). */
async function metricsAllowed(req: Request): Promise<boolean> {
  const authorization = req.headers.authorization;
  let tokenOwner;
  if (authorization !== undefined) {
    const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization.trim())?.[1];
    const grant = token ? await findTokenGrant(token) : null;
    tokenOwner = grant ? { ...grant.owner, taskforceIds: taskforceIdSet(grant.taskforceIds) } : null;
  }
  const forwarded = req.headers["x-forwarded-for"] !== undefined || req.headers.forwarded !== undefined;
  return mayReadMetrics({ tokenOwner, directFromLoopback: !forwarded && LOOPBACK.has(req.socket.remoteAddress ?? "") });
}

/** The pool's figures; zero when the database cannot even be opened (the scrape still answers). */
function poolStats() {
  try {
    return getDatabase().poolStats();
  } catch {
    return { total: 0, idle: 0, waiting: 0 };
  }
}

export function operatorRoutes(metrics: AppMetrics): Router {
  const router = express.Router();
  router.get("/healthz", (_req, res) => {
    res.set("Cache-Control", "no-store").json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const failed = await failedDependencies();
    res.set("Cache-Control", "no-store");
    if (failed.length) res.status(503).json({ status: "unavailable", failed });
    else res.json({ status: "ready" });
  });
  router.get("/metrics", async (req, res) => {
    let allowed = false;
    try {
      allowed = await metricsAllowed(req);
    } catch {
      // The database is needed to check a token; without it the answer is the same as for a wrong token.
    }
    if (!allowed) {
      res.status(404).type("text/plain").send("Not found.");
      return;
    }
    res.set("Cache-Control", "no-store").type("text/plain; version=0.0.4; charset=utf-8").send(metrics.render(poolStats()));
  });
  return router;
}
