// `npm run audit:verify [-- --seal]`: walks the sealed, hash-chained audit trail and reports what is not sealed
// yet. Exit 0 when intact, 1 at the first broken link. `--seal` chains the unsealed rows first (for example
// after a crash of a server on the embedded database, whose next start would seal them too).
import { parseArgs } from "node:util";
import { migrate } from "~/db/migrate.server";
import { sealAudit, verifyAuditChain } from "~/models/audit.server";
import { openCommandDatabase } from "./cli";

/** Rows normally wait about a second for the sealer; longer than this means none is running. */
const STALE_TAIL_MS = 5_000;

const events = (count: number) => `${count} ${count === 1 ? "event" : "events"}`;

const { values } = parseArgs({ options: { seal: { type: "boolean", default: false } }, strict: true });
const db = openCommandDatabase();
try {
  await migrate(db.sql);
  if (values.seal) console.log(`Sealed ${events(await sealAudit({ wait: true }))}`);
  const check = await verifyAuditChain();
  if (check.ok) {
    console.log(`Audit chain intact: ${events(check.checked)}`);
  } else {
    console.log(`Audit chain broken at event #${check.brokenAt}: ${check.reason}`);
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
} finally {
  await db.close();
}
