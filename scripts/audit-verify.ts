// `npm run audit:verify`: walks the hash-chained audit trail. Exit 0 when intact, 1 at the first broken link.
import { getDatabase } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { verifyAuditChain } from "~/models/audit.server";

const db = getDatabase();
try {
  await migrate(db.sql);
  const check = await verifyAuditChain();
  if (check.ok) {
    console.log(`Audit chain intact: ${check.checked} events`);
  } else {
    console.log(`Audit chain broken at event #${check.brokenAt}: ${check.reason}`);
    process.exitCode = 1;
  }
} finally {
  await db.close();
}
