// Benchmarks that print figures (never pass/fail): clue inserts per second and visible-clue search latency
// on the embedded database. `npm run bench [-- --clues 20000]`.
import { performance } from "node:perf_hooks";
import { loadActor } from "~/auth/permissions.server";
import { openDatabase } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { singleton } from "~/utils/singleton.server";

const clueCount = Number(process.argv.find((a) => a.startsWith("--clues="))?.split("=")[1] ?? 5000);
const db = singleton("database", () => openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: "memory://" }));
await migrate(db.sql);
const { prisma } = db;
const { visibleCluesWhere } = await import("~/auth/permissions.server");

const taskforce = await prisma.taskforce.create({ data: { name: `Bench ${Date.now()}` } });
const user = await prisma.user.create({
  data: { email: `bench-${Date.now()}@bench.local`, displayName: "Bench", agency: "Agency A", role: "ANALYST", status: "ACTIVE", passwordHash: "x", memberships: { create: { taskforceId: taskforce.id } } },
});
const kase = await prisma.case.create({ data: { taskforceId: taskforce.id, reference: `VID-BENCH-${Date.now()}`, title: "Bench", createdById: user.id } });
const codes = ["RED", "AMBER_STRICT", "AMBER", "GREEN", "CLEAR"] as const;
const words = ["socket type F", "szampon marki", "Tagalog speech", "window frame PVC", "radiator", "tiles blue", "EAN 5901234123457"];

let start = performance.now();
const batch = 500;
for (let i = 0; i < clueCount; i += batch) {
  await prisma.clue.createMany({
    data: Array.from({ length: Math.min(batch, clueCount - i) }, (_, j) => ({
      caseId: kase.id,
      taskforceId: taskforce.id,
      authorId: (i + j) % 7 === 0 ? user.id : "someone-else",
      authorAgency: (i + j) % 3 === 0 ? "Agency B" : "Agency A",
      categoryKey: "object_product",
      value: `${words[(i + j) % words.length]} #${i + j}`,
      handlingCode: codes[(i + j) % codes.length],
    })),
  });
}
let seconds = (performance.now() - start) / 1000;
console.log(`insert: ${clueCount} clues in ${seconds.toFixed(2)} s (${Math.round(clueCount / seconds)} clues/s, batches of ${batch}) on ${db.kind}`);

const actor = await loadActor(user);
start = performance.now();
const runs = 20;
let found = 0;
for (let i = 0; i < runs; i++) {
  found = await prisma.clue.count({ where: { AND: [visibleCluesWhere(actor), { value: { contains: "szampon", mode: "insensitive" } }] } });
}
seconds = (performance.now() - start) / 1000;
console.log(`search: visible "szampon" matches = ${found}; ${((seconds / runs) * 1000).toFixed(1)} ms per query over ${clueCount} clues`);
await db.close();
