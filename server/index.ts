// `npm start`: migrate (and seed the demo into an empty database), then serve Remix and Socket.IO on one port.
import { SecretKeyError, secretKeys } from "~/auth/secret-box.server";
import { settleStoredSecrets } from "~/auth/secret-rotation.server";
import { getDatabase } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { loadRemixBuild, startApp } from "./app";
import { silenceAssessedWarnings } from "./assessed-warnings";
import { serverConfigFromEnv } from "./config";
import { attachRealtime } from "./socket";
import { seedDemoIfEmpty } from "../prisma/seed";

silenceAssessedWarnings();

const config = serverConfigFromEnv();
/** Without the right key the server could neither read TOTP secrets nor sign audit checkpoints: refuse to start. */
async function refuseWithoutKey<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof SecretKeyError)) throw error;
    console.error(`Cluebridge cannot start: ${error.message}`);
    process.exit(1);
  }
}
await refuseWithoutKey(secretKeys);
const db = getDatabase();
await migrate(db.sql);
const settled = await refuseWithoutKey(settleStoredSecrets);
if (settled) console.log(settled);
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
