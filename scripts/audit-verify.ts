// `npm run audit:verify [-- --seal]`: walks the sealed, hash-chained audit trail, checks it against its signed
// checkpoints (decision 012) and reports what is not sealed yet. Exit 0 when intact, 1 at the first broken link,
// a checkpoint that does not match, or a chain shorter than its newest checkpoint (rows removed). `--seal` chains
// the unsealed rows and signs a checkpoint first (for example after a crash of a server on the embedded database).
import { parseArgs } from "node:util";
import { SecretKeyError, currentSecretKey } from "~/auth/secret-box.server";
import { migrate } from "~/db/migrate.server";
import { sealAudit, verifyAuditChain, writeAuditCheckpoint, type ChainCheck } from "~/models/audit.server";
import { openCommandDatabase } from "./cli";

/** Rows normally wait about a second for the sealer; longer than this means none is running. */
const STALE_TAIL_MS = 5_000;

const events = (count: number) => `${count} ${count === 1 ? "event" : "events"}`;

const { values } = parseArgs({ options: { seal: { type: "boolean", default: false } }, strict: true });
const db = openCommandDatabase();

/** "intact up to event N, checkpoint at M": how far the chain is intact and how far a signed checkpoint vouches for it. */
function extent(check: ChainCheck): string {
  const { newest, otherKey } = check.checkpoints;
  const checkpoint = newest ? `checkpoint at ${newest.chainSeq} (${newest.createdAt.toISOString()})` : "no checkpoint yet";
  const older = otherKey > 0 ? `; ${otherKey} older ${otherKey === 1 ? "checkpoint" : "checkpoints"} signed with an earlier key` : "";
  return `intact up to event ${check.checked}, ${checkpoint}${older}`;
}

try {
  await migrate(db.sql);
  currentSecretKey();
  if (values.seal) {
    console.log(`Sealed ${events(await sealAudit({ wait: true }))}`);
    await writeAuditCheckpoint({ wait: true });
  }
  const check = await verifyAuditChain();
  if (check.ok) {
    console.log(`Audit chain ${extent(check)}`);
  } else if (check.brokenAt !== null) {
    console.log(`Audit chain broken at event #${check.brokenAt}: ${check.reason}`);
    process.exitCode = 1;
  } else {
    console.log(`Audit chain ${extent(check)}: ${check.reason}`);
    process.exitCode = 1;
  }
  const { count, oldestAt } = check.unsealed;
  if (count > 0 && oldestAt) {
    const ageSeconds = Math.round((Date.now() - oldestAt.getTime()) / 1000);
    console.log(`Not sealed yet: ${events(count)}, the oldest ${ageSeconds} s old`);
    if (Date.now() - oldestAt.getTime() > STALE_TAIL_MS) {
      console.warn(`Warning: events have waited more than ${STALE_TAIL_MS / 1000} s to be sealed; is a server (sealer) running? \`npm run audit:verify -- --seal\` seals them now.`);
    }
  }
} catch (error) {
  if (!(error instanceof SecretKeyError)) throw error;
  console.error(`${error.message} (audit:verify needs the key to check the signed checkpoints.)`);
  process.exitCode = 1;
} finally {
  await db.close();
}
