// The real app (Express + Remix build + Socket.IO) in-process on an ephemeral loopback port, against the
// test file's own database. Needs `remix build` first (the test command does it).
import fs from "node:fs";
import path from "node:path";
import { loadRemixBuild, startApp } from "../../server/app";
import type { ServerConfig } from "../../server/config";

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

const BUILD = path.join(process.cwd(), "build", "index.js");

export async function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  if (!fs.existsSync(BUILD)) throw new Error("No Remix build: run `npx remix build` before HTTP and browser tests.");
  const config: ServerConfig = { port: 0, host: "127.0.0.1", production: true, allowedOrigins: [], ...overrides };
  const socketModule = path.join(process.cwd(), "server", "socket", "index.ts");
  const hooks = fs.existsSync(socketModule) ? { attachRealtime: (await import("../../server/socket")).attachRealtime } : {};
  const running = await startApp(config, await loadRemixBuild(BUILD), hooks);
  return { url: running.url, close: () => running.close() };
}
