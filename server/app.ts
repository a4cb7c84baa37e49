// The HTTP server: security headers, refusal of uploads, Remix, and the Socket.IO server on the same port.
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { startAuditSealer } from "~/models/audit.server";
import { startCorrelationBackfill } from "~/models/correlation-backfill.server";
import { apiDispatcher } from "./api-dispatch";
import { releaseLimitStore, configureLimitStore } from "~/utils/limit-store.server";
import type { ServerConfig } from "./config";
import { operatorRoutes } from "./health";
import { checkCsrfOrigin, refuseInvalidCodePointsInUrl, refuseUploads, stampClientAddress } from "./http-guards";
import { AppMetrics, remixRouteLabeler } from "./metrics";
import { securityHeaders } from "./security";

export interface RunningApp {
  httpServer: http.Server;
  url: string;
  close(): Promise<void>;
}

export interface AppHooks {
  /** Attaches realtime (Socket.IO) to the HTTP server; returns its closer. */
  attachRealtime?: (httpServer: http.Server, config: ServerConfig, metrics?: AppMetrics) => Promise<() => Promise<void>>;
}

export async function loadRemixBuild(buildPath = path.join(process.cwd(), "build", "index.js")): Promise<ServerBuild> {
  return (await import(pathToFileURL(buildPath).href)) as ServerBuild;
}

export async function startApp(config: ServerConfig, build: ServerBuild, hooks: AppHooks = {}): Promise<RunningApp> {
  // Rate limits count in Redis when it is configured, so every node shares them (decision 014).
  const limits = await configureLimitStore(config.redisUrl);
  const metrics = new AppMetrics(remixRouteLabeler(build.routes));
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", process.env.TRUST_PROXY === "1" ? 1 : false);
  app.use(metrics.middleware);
  app.use(...securityHeaders({ production: config.production }));
  app.use(operatorRoutes(metrics));
  app.use(refuseUploads);
  app.use(refuseInvalidCodePointsInUrl);
  app.use(stampClientAddress);
  app.use(checkCsrfOrigin(() => config.allowedOrigins));
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  // Not under /api: the API has no files, and looking for one cost a stat() per request on the hot read path.
  app.use(/^(?!\/api\/)/, express.static("public", { maxAge: "1h" }));
  const getLoadContext = (_req: express.Request, res: express.Response) => ({ cspNonce: res.locals.cspNonce as string, allowedOrigins: config.allowedOrigins });
  // The API's routes, from the same build, straight to their loader or action (decision 018); the rest is Remix's.
  app.use(apiDispatcher(build));
  // Mounted without a path pattern: Express would decode a pattern's parameters itself and answer a malformed
  // escape (/api/v1/cases/%C0%AE) with its own HTML error page; Remix's router takes the URL as it came.
  app.use(createRequestHandler({ build, mode: config.production ? "production" : "development", getLoadContext }));

  const httpServer = http.createServer(app);
  // Idle keep-alive connections stay open longer than a client's or proxy's own idle timeout (undici 4 s, most
  // proxies 60 s): with Node's 5 s the server could close a connection just as a slow-looping client reused it
  // (ECONNRESET), which the longer clue saves of correlation (decision 023) made visible in the page tests.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000; // above keepAliveTimeout, as Node advises
  // Chains audit rows after commit, about once a second (docs/decisions/007).
  const sealer = startAuditSealer();
  // Clues saved before correlation existed get their keys and links, once, in the background (issue 13).
  const backfill = startCorrelationBackfill();
  const closeRealtime = hooks.attachRealtime ? await hooks.attachRealtime(httpServer, config, metrics) : async () => {};
  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  // Without ALLOWED_ORIGINS the defaults name the configured port, which is not the real one on port 0 (tests):
  // the origins we actually listen on join the list (the same array the realtime layer reads).
  if (!process.env.ALLOWED_ORIGINS) {
    for (const origin of [`http://${config.host}:${port}`, `http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      if (!config.allowedOrigins.includes(origin)) config.allowedOrigins.push(origin);
    }
  }
  return {
    httpServer,
    url: `http://${config.host}:${port}`,
    async close() {
      await closeRealtime();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await backfill.stop();
      // Last: no request can record anything now; write what is pending and seal it.
      await sealer.stop();
      await releaseLimitStore(limits);
    },
  };
}
