// Clues saved before correlation existed (issue 13's upgrade path): the server correlates them once, in the
// background, audited as the system's; a clue saved since is left to its save. Real database.
import { describe, expect, it } from "vitest";
import type { Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { flushAuditRecords } from "~/models/audit.server";
import { correlateEarlierClues, startCorrelationBackfill } from "~/models/correlation-backfill.server";
import { getClueCorrelations } from "~/models/correlation.server";
import { createCase, createTeam } from "../helpers/factories";
import { waitFor } from "../helpers/sockets";
import { uniqueSha256 } from "../helpers/workspace";


/** A clue as an install before correlation stored it: the row and its media ids, no correlation keys. */
async function earlierClue(author: Actor, taskforceId: string, caseId: string, value: string, hash?: string) {
  const clue = await prisma.clue.create({
    data: { caseId, taskforceId, authorId: author.id, authorAgency: author.agency, categoryKey: "object_product", value, detail: "", handlingCode: "AMBER" },
  });
  if (hash) await prisma.clueMediaRef.create({ data: { clueId: clue.id, algorithm: "SHA256", value: hash } });
  return clue;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The backfill as the migration leaves it: every clue created until now is to be correlated (a clue made a few ms later is not). */
async function pendingFromNow() {
  await pause(5);
  await prisma.$executeRaw`UPDATE "CorrelationBackfill" SET "until" = now(), "afterId" = NULL, "doneAt" = NULL WHERE "id" = 1`;
  await pause(5);
}

const keysOf = (clueId: string) => prisma.clueCorrelationKey.count({ where: { clueId } });

describe("correlating the clues saved before correlation existed", () => {
  it("links them as their saves would have, batch by batch, once, audited as the system's", async () => {
    const team = await createTeam();
    const caseB = await createCase(team.taskforce.id);
    const hash = uniqueSha256();
    const value = `Lighthouse poster ${uniqueSha256().slice(0, 8)}`;
    const first = await earlierClue(team.analyst, team.taskforce.id, team.case.id, value, hash);
    const second = await earlierClue(team.analyst, team.taskforce.id, caseB.id, `Other ${value}`, hash);
    const third = await earlierClue(team.analyst, team.taskforce.id, caseB.id, value);
    const short = await earlierClue(team.analyst, team.taskforce.id, caseB.id, "tv");
    await pendingFromNow();
    const later = await earlierClue(team.analyst, team.taskforce.id, caseB.id, value, hash);
    expect((await getClueCorrelations(team.analyst, first.id)).visible).toEqual([]);

    // One clue per call: the cursor carries the work from batch to batch.
    const batches: { correlated: number; done: boolean }[] = [];
    for (let call = 0; call < 10; call++) {
      const batch = await correlateEarlierClues(1);
      batches.push(batch);
      if (batch.done) break;
    }
    expect(batches.filter((batch) => batch.correlated === 1)).toHaveLength(4);
    expect(batches.at(-1)).toEqual({ correlated: 0, done: true });
    expect(await correlateEarlierClues()).toEqual({ correlated: 0, done: true });

    const links = (await getClueCorrelations(team.analyst, first.id)).visible;
    expect(links.map((link) => [link.clueId, link.kind]).sort()).toEqual(
      [
        [second.id, "HASH"],
        [third.id, "VALUE"],
      ].sort(),
    );
    // The clue too short to link is passed over; the one created after the migration is its save's to correlate.
    expect(await keysOf(short.id)).toBe(0);
    expect(await keysOf(later.id)).toBe(0);
    await flushAuditRecords();
    const audited = await prisma.auditEvent.findMany({ where: { action: "correlation.update", itemId: { in: [first.id, second.id, third.id] } } });
    expect(audited.length).toBeGreaterThan(0);
    expect(audited.every((event) => event.actorId === null && (event.details as { via?: string }).via === "backfill")).toBe(true);
  });

  it("runs in the background until none is left, and two runners never correlate one clue twice", async () => {
    const team = await createTeam();
    const caseB = await createCase(team.taskforce.id);
    const hash = uniqueSha256();
    const clues = [];
    for (let i = 0; i < 6; i++) clues.push(await earlierClue(team.analyst, team.taskforce.id, i % 2 ? caseB.id : team.case.id, `Ferry ticket ${i} ${uniqueSha256().slice(0, 6)}`, hash));
    await pendingFromNow();
    // Two nodes' runners at once: each clue's keys are written by one of them.
    const runners = [startCorrelationBackfill(5), startCorrelationBackfill(5)];
    await waitFor(async () => (await prisma.$queryRaw<{ doneAt: Date | null }[]>`SELECT "doneAt" FROM "CorrelationBackfill"`)[0].doneAt !== null, "the backfill is done");
    await Promise.all(runners.map((runner) => runner.stop()));
    for (const clue of clues) expect(await keysOf(clue.id)).toBe(2); // its hash and its value
    const links = await getClueCorrelations(team.analyst, clues[0].id);
    expect(links.visible.map((link) => link.clueId).sort()).toEqual([clues[1].id, clues[3].id, clues[5].id].sort());
  });
});
