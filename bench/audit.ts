// Audited reads per second beside their floor (the same query unaudited) and beside the old way (a global
// lock, the last hash read and an insert in a transaction per read), then how fast the sealer chains the rows.
// `npx tsx bench/audit.ts [--concurrency=100] [--seconds=5]`; embedded database unless DATABASE_URL is set.
import { performance } from "node:perf_hooks";
import { openDatabase } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { recordAudit, sealAudit } from "~/models/audit.server";
import { singleton } from "~/utils/singleton.server";

const option = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const concurrency = option("concurrency", 100);
const seconds = option("seconds", 5);
const db = singleton("database", () => openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: "memory://" }));
await migrate(db.sql);
const { prisma } = db;

const taskforce = await prisma.taskforce.create({ data: { name: `Bench ${Date.now()}` } });
const kase = await prisma.case.create({ data: { taskforceId: taskforce.id, reference: `VID-BENCH-${Date.now()}`, title: "Bench", createdById: "bench" } });
await prisma.clue.createMany({
  data: Array.from({ length: 50 }, (_, i) => ({ caseId: kase.id, taskforceId: taskforce.id, authorId: "bench", authorAgency: "Agency A", categoryKey: "object_product", value: `clue ${i}`, handlingCode: "AMBER" })),
});
const entry = { action: "clue.list", itemType: "CASE", itemId: kase.id, caseId: kase.id, taskforceId: taskforce.id, details: { count: 50 } };
const list = () => prisma.clue.findMany({ where: { caseId: kase.id }, orderBy: { createdAt: "desc" }, take: 50 });

async function rate(name: string, read: () => Promise<unknown>) {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        try {
          await read();
          done += 1;
        } catch {
          failed += 1;
        }
      }
    }),
  );
  console.log(`${name}: ${Math.round(done / seconds)} reads/s${failed ? `, ${failed} failed` : ""} (${concurrency} at a time, ${db.kind})`);
}

await rate("floor (query, no audit)", list);
await rate("audited, sealed after commit", async () => {
  await list();
  await recordAudit(entry);
});
await rate("audited the old way (global lock per read)", async () => {
  await list();
  await prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(4247001)`);
    await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
    await tx.auditEvent.create({ data: { action: entry.action, itemType: entry.itemType, itemId: entry.itemId, details: entry.details } });
  });
});

const unsealed = await prisma.auditEvent.count({ where: { chainSeq: null } });
const start = performance.now();
const sealed = await sealAudit();
const sealSeconds = (performance.now() - start) / 1000;
console.log(`sealing: ${sealed} of ${unsealed} rows in ${sealSeconds.toFixed(2)} s (${Math.round(sealed / sealSeconds)} rows/s)`);
await db.close();
