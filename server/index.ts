// `npm start`: migrate (and seed the demo into an empty database), then serve Remix and Socket.IO on one port.
import { getDatabase } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { loadRemixBuild, startApp } from "./app";
import { serverConfigFromEnv } from "./config";
import { attachRealtime } from "./socket";
import { seedDemoIfEmpty } from "../prisma/seed";

const config = serverConfigFromEnv();
const db = getDatabase();
await migrate(db.sql);
await seedDemoIfEmpty();
// The embedded database admits one process: operator commands reach it through this one (decision 013).
const localAccess = await db.shareWithLocalCommands?.();
const running = await startApp(config, await loadRemixBuild(), { attachRealtime });
if (localAccess) console.log(`Local commands reach the embedded database through ${localAccess.socketDir}`);
console.log(`Cluebridge listening on ${running.url}`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  await running.close();
  await db.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
