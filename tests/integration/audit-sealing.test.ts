// Issue 9: audit records leave the request path's global lock. Every read and write still leaves its record;
// the sealer chains them after commit, including rows that commit late with a lower id.
import { describe, expect, it } from "vitest";
import { getDatabase, prisma } from "~/db.server";
import { appendAudit, recordAudit, sealAudit, startAuditSealer, verifyAuditChain } from "~/models/audit.server";
import { getClue, type ClueDetail, type ClueView } from "~/models/clues.server";
import type { Jsonified } from "~/utils/json";
import { createActor, createCase, createTaskforce } from "../helpers/factories";
import { startTestServer } from "../helpers/server";
import { TEST_DB } from "../helpers/test-db";
import { clueAs } from "../helpers/workspace";

const NOTHING_UNSEALED = { count: 0, oldestAt: null };

/**
 * Runs `count` calls with at most `limit` at a time. A write waits at most 2 s for a transaction (Prisma's
 * maxWait) on a pool of 10; a hundred writes at once exceed that on a loaded machine, audit or no audit.
 */
async function inFlight<T>(limit: number, count: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await call(i);
      }
    }),
  );
  return results;
}

async function expectWholeChainSealed() {
  const total = await prisma.auditEvent.count();
  expect(await verifyAuditChain()).toMatchObject({ ok: true, checked: total, unsealed: NOTHING_UNSEALED });
}

describe("audit sealing", () => {
  it("keeps a record of every read and write in a burst, all sealed into one intact chain", async () => {
    // Five rooms: writes to one room take turns on its event sequence (decision 004), rooms do not.
    const taskforces = await Promise.all(Array.from({ length: 5 }, () => createTaskforce()));
    const taskforceIds = taskforces.map((taskforce) => taskforce.id);
    const [analyst, coordinator] = await Promise.all([
      createActor({ role: "ANALYST", taskforceIds }),
      createActor({ role: "COORDINATOR", taskforceIds }),
    ]);
    const cases = await Promise.all(taskforceIds.map((taskforceId) => createCase(taskforceId, { createdById: coordinator.id })));
    const seeds: Jsonified<ClueView>[] = [];
    for (const kase of cases) seeds.push(await clueAs(analyst, kase.id, { value: `Seed clue in ${kase.reference}` }));

    // The sealer runs during the burst (faster than in production, to seal between writes).
    const sealer = startAuditSealer(20);
    let created: Jsonified<ClueView>[];
    let read: ClueDetail[];
    try {
      [created, read] = await Promise.all([
        inFlight(20, 100, (i) => clueAs(analyst, cases[i % cases.length].id, { value: `Burst clue ${i}` })),
        Promise.all(Array.from({ length: 100 }, (_, i) => getClue(coordinator, seeds[i % seeds.length].id))),
      ]);
    } finally {
      await sealer.stop();
    }

    const creates = await prisma.auditEvent.findMany({ where: { action: "clue.create", itemId: { in: created.map((clue) => clue.id) } } });
    expect(creates.map((row) => row.itemId).sort()).toEqual(created.map((clue) => clue.id).sort());
    const reads = await prisma.auditEvent.findMany({ where: { action: "clue.read", actorId: coordinator.id } });
    expect(reads.map((row) => row.itemId).sort()).toEqual(read.map((clue) => clue.id).sort());
    await expectWholeChainSealed();
  });

  it("seals a row that commits after a higher id was sealed, in the next batch", async () => {
    await sealAudit();
    const { sql } = getDatabase();
    // A slow transaction takes its id first ...
    const [{ id: slowId }] = await sql.query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('"AuditEvent"', 'id'))::text AS id`);
    // ... a quick one takes a higher id, commits, and is sealed ...
    await recordAudit({ action: "test.quick" });
    expect(await sealAudit()).toBe(1);
    // ... then the slow one commits: sealing "up to the highest id" would skip it for good.
    await sql.query(`INSERT INTO "AuditEvent" ("id", "action") VALUES ($1, 'test.slow')`, [slowId]);
    expect(await verifyAuditChain()).toMatchObject({ ok: true, unsealed: { count: 1 } });
    expect(await sealAudit()).toBe(1);

    const quick = await prisma.auditEvent.findFirstOrThrow({ where: { action: "test.quick" } });
    const slow = await prisma.auditEvent.findFirstOrThrow({ where: { action: "test.slow" } });
    expect(slow.id < quick.id).toBe(true);
    expect(slow.chainSeq).toBe(quick.chainSeq! + 1n);
    expect(slow.prevHash).toBe(quick.hash);
    await expectWholeChainSealed();
  });

  it.runIf(TEST_DB === "postgres")("seals a write whose transaction was still open when a later read was sealed", async () => {
    let inserted!: () => void;
    let release!: () => void;
    const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
    const releaseSignal = new Promise<void>((resolve) => (release = resolve));
    const slow = prisma.$transaction(
      async (tx) => {
        await appendAudit(tx, { action: "test.slow_write" });
        inserted();
        await releaseSignal;
      },
      { timeout: 20_000 },
    );
    await insertedSignal;
    await recordAudit({ action: "test.read_meanwhile" });
    // The sealer neither waits for the open transaction nor skips its row for good.
    await sealAudit();
    expect(await prisma.auditEvent.count({ where: { action: "test.read_meanwhile", chainSeq: { not: null } } })).toBe(1);
    release();
    await slow;
    expect(await prisma.auditEvent.count({ where: { action: "test.slow_write", chainSeq: null } })).toBe(1);
    await sealAudit();
    const [write, read] = await Promise.all([
      prisma.auditEvent.findFirstOrThrow({ where: { action: "test.slow_write" } }),
      prisma.auditEvent.findFirstOrThrow({ where: { action: "test.read_meanwhile" } }),
    ]);
    expect(write.id < read.id && write.chainSeq! > read.chainSeq!).toBe(true);
    await expectWholeChainSealed();
  });

  it("reports an unsealed tail with its size and age until the sealer runs", async () => {
    await sealAudit();
    const before = Date.now();
    await recordAudit({ action: "test.tail", details: { n: 1 } });
    await recordAudit({ action: "test.tail", details: { n: 2 } });
    const check = await verifyAuditChain();
    expect(check.ok).toBe(true);
    expect(check.unsealed.count).toBe(2);
    expect(check.unsealed.oldestAt!.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(check.checked).toBe((await prisma.auditEvent.count()) - 2);
    await sealAudit();
    await expectWholeChainSealed();
  });

  it("the server seals within about a second, and writes and seals what is pending when it closes", async () => {
    const server = await startTestServer();
    let atClose: Promise<void> | undefined;
    try {
      await recordAudit({ action: "test.while_running" });
      const deadline = Date.now() + 3_000;
      while ((await prisma.auditEvent.count({ where: { action: "test.while_running", chainSeq: null } })) > 0) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Recorded, not yet written, as the server closes.
      atClose = recordAudit({ action: "test.at_close" });
    } finally {
      await server.close();
    }
    await atClose;
    expect(await prisma.auditEvent.count({ where: { action: "test.at_close", chainSeq: { not: null } } })).toBe(1);
    await expectWholeChainSealed();
  });
});
