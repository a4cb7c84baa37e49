// Clues saved before correlation existed (issue 13's upgrade path), or before the code computing their keys last
// changed: the server brings them up to date once, in the background, audited as the system's; a clue saved since
// is left to its save. Real database.
import { describe, expect, it } from "vitest";
import type { Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { flushAuditRecords } from "~/models/audit.server";
import { correlateEarlierClues, startCorrelationBackfill } from "~/models/correlation-backfill.server";
import { getClueCorrelations } from "~/models/correlation.server";
import { CORRELATION_KEYS_VERSION } from "~/utils/correlation-keys";
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

/** The pass as a migration leaves it: every clue created until now is to be looked at (a clue made a few ms later is not). */
async function pendingFromNow() {
  await pause(5);
  await prisma.$executeRaw`UPDATE "CorrelationBackfill" SET "until" = now(), "afterId" = NULL, "doneAt" = NULL, "keysVersion" = ${CORRELATION_KEYS_VERSION} WHERE "id" = 1`;
  await pause(5);
}

/** Calls the pass `limit` clues at a time until it is done; how many clues each call correlated. */
async function runToTheEnd(limit: number): Promise<number[]> {
  const correlated: number[] = [];
  for (let call = 0; call < 50; call++) {
    const batch = await correlateEarlierClues(limit);
    correlated.push(batch.correlated);
    if (batch.done) return correlated;
  }
  throw new Error("the pass did not end");
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

    // One clue per call: the cursor carries the work from batch to batch. The clue too short to link has no key
    // to bring up to date.
    const correlated = await runToTheEnd(1);
    expect(correlated.reduce((sum, count) => sum + count, 0)).toBe(3);
    expect(correlated.at(-1)).toBe(0);
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

  it("replaces keys and links stored by older code when the keys' code is newer, and leaves current ones alone", async () => {
    const team = await createTeam();
    const caseB = await createCase(team.taskforce.id);
    const caseC = await createCase(team.taskforce.id);
    const tail = uniqueSha256().slice(0, 8);
    // Version 1 split a word at a zero-width space: "sign\u200Bpost" was keyed "sign post", as the clue of case C is.
    const split = await earlierClue(team.analyst, team.taskforce.id, team.case.id, `Sign\u200Bpost Kowalski ${tail}`);
    const spaced = await earlierClue(team.analyst, team.taskforce.id, caseC.id, `Sign post Kowalski ${tail}`);
    const oldKey = `sign post kowalski ${tail}`;
    for (const clue of [split, spaced]) {
      await prisma.clueCorrelationKey.create({ data: { clueId: clue.id, kind: "VALUE", categoryKey: "object_product", key: oldKey, caseId: clue.caseId, taskforceId: clue.taskforceId } });
    }
    const oldLink = (from: typeof split, to: typeof split) => ({
      ...{ clueId: from.id, otherClueId: to.id, kind: "VALUE" as const, matchKey: `object_product/${oldKey}`, score: 0.8 },
      ...{ caseId: from.caseId, otherCaseId: to.caseId, taskforceId: from.taskforceId, otherTaskforceId: to.taskforceId },
    });
    await prisma.clueLink.createMany({ data: [oldLink(split, spaced), oldLink(spaced, split)] });
    const joined = await earlierClue(team.analyst, team.taskforce.id, caseB.id, `Signpost Kowalski ${tail}`);
    await pendingFromNow();
    // As version 1 left the database once its pass had ended.
    await prisma.$executeRaw`UPDATE "CorrelationBackfill" SET "keysVersion" = 1, "doneAt" = now() WHERE "id" = 1`;

    // The split clue's keys replaced, the joined one's written; the spaced one's are as the code keys it now.
    expect((await runToTheEnd(100)).reduce((sum, count) => sum + count, 0)).toBe(2);
    expect(await prisma.$queryRaw<{ keysVersion: number }[]>`SELECT "keysVersion" FROM "CorrelationBackfill"`).toEqual([{ keysVersion: CORRELATION_KEYS_VERSION }]);
    expect((await prisma.clueCorrelationKey.findMany({ where: { clueId: split.id } })).map((key) => key.key)).toEqual([`signpost kowalski ${tail}`]);
    expect((await prisma.clueCorrelationKey.findMany({ where: { clueId: spaced.id } })).map((key) => key.key)).toEqual([oldKey]);
    const links = (await getClueCorrelations(team.analyst, split.id)).visible;
    expect(links.find((link) => link.clueId === joined.id)?.kind).toBe("VALUE");
    expect(links.find((link) => link.clueId === spaced.id)?.kind).not.toBe("VALUE");
    // The next server start finds nothing to do.
    expect(await correlateEarlierClues()).toEqual({ correlated: 0, done: true });

    // A server older than the keys stored (a rolling upgrade) leaves the pass to the newer ones.
    await pendingFromNow();
    await prisma.$executeRaw`UPDATE "CorrelationBackfill" SET "keysVersion" = ${CORRELATION_KEYS_VERSION + 1} WHERE "id" = 1`;
    await prisma.clueCorrelationKey.deleteMany({ where: { clueId: joined.id } });
    expect(await correlateEarlierClues()).toEqual({ correlated: 0, done: true });
    expect(await keysOf(joined.id)).toBe(0);
  });
});
