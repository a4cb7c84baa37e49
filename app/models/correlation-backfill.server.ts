// Clues saved before correlation existed (issue 13) have no correlation keys, so no clue saved since can link to
// them and they link to nothing: the server correlates them once, in the background, as their save would have.
// One clue per transaction, which also moves the shared cursor on ("CorrelationBackfill", one row): a crash loses
// nothing, and two nodes never correlate one clue twice (the one whose cursor moved first goes on). Audited as the
// system's, marked "via: backfill".
import { prisma } from "~/db.server";
import { repeatInBackground, type BackgroundLoop } from "~/utils/background.server";
import { appendAudit } from "./audit.server";
import { correlateClue, type CorrelatedClue } from "./correlation.server";

/** Clues per batch, and the pause between batches: the hot paths keep the server while it runs. */
const BATCH_SIZE = 50;
const PAUSE_MS = 250;

interface BackfillState {
  afterId: string | null;
  until: Date;
  doneAt: Date | null;
}

/**
 * Correlates the next `limit` clues that have no correlation keys yet and were created by the time the
 * migration ran; `done` once there are none left (then the row says so and later calls return at once).
 */
export async function correlateEarlierClues(limit = BATCH_SIZE): Promise<{ correlated: number; done: boolean }> {
  const [state] = await prisma.$queryRaw<BackfillState[]>`SELECT "afterId", "until", "doneAt" FROM "CorrelationBackfill" WHERE "id" = 1`;
  if (!state || state.doneAt) return { correlated: 0, done: true };
  const next = await prisma.$queryRaw<{ id: string }[]>`
    SELECT c."id" FROM "Clue" c
    WHERE (${state.afterId}::text IS NULL OR c."id" > ${state.afterId}::text) AND c."createdAt" <= ${state.until}
      AND NOT EXISTS (SELECT 1 FROM "ClueCorrelationKey" k WHERE k."clueId" = c."id")
    ORDER BY c."id" LIMIT ${limit}`;
  if (next.length === 0) {
    await prisma.$executeRaw`UPDATE "CorrelationBackfill" SET "doneAt" = now() WHERE "id" = 1 AND "doneAt" IS NULL AND "afterId" IS NOT DISTINCT FROM ${state.afterId}::text`;
    return { correlated: 0, done: true };
  }
  let after = state.afterId;
  let correlated = 0;
  for (const { id } of next) {
    const announcements: (() => void)[] = [];
    const moved = await prisma.$transaction(async (tx) => {
      const claimed = await tx.$executeRaw`UPDATE "CorrelationBackfill" SET "afterId" = ${id} WHERE "id" = 1 AND "afterId" IS NOT DISTINCT FROM ${after}::text`;
      if (claimed === 0) return false;
      // Locked as an edit would lock it, so an edit and this never both write its keys.
      const [clue] = await tx.$queryRaw<Omit<CorrelatedClue, "mediaRefs">[]>`
        SELECT c."id", c."caseId", c."taskforceId", c."authorId", c."categoryKey", c."value",
          c."confidence"::text AS "confidence", c."sourceReliability"::text AS "sourceReliability", c."infoAssessment"::text AS "infoAssessment"
        FROM "Clue" c WHERE c."id" = ${id} AND NOT EXISTS (SELECT 1 FROM "ClueCorrelationKey" k WHERE k."clueId" = c."id")
        FOR UPDATE OF c`;
      if (!clue) return true;
      const mediaRefs = await tx.clueMediaRef.findMany({ where: { clueId: id }, select: { algorithm: true, value: true } });
      const ctx = {
        tx,
        audit: (entry: Parameters<typeof appendAudit>[1]) => appendAudit(tx, { ...entry, actor: null, details: { ...entry.details, via: "backfill" } }),
        afterCommit: (announce: () => void) => void announcements.push(announce),
      };
      await correlateClue(ctx, { ...clue, mediaRefs }, { replace: false });
      return true;
    });
    // Another node moved the cursor first: it goes on from there.
    if (!moved) return { correlated, done: false };
    for (const announce of announcements) announce();
    after = id;
    correlated += 1;
  }
  return { correlated, done: false };
}

/** Runs the backfill in batches until it is done or stopped; says so when there was anything to do. */
export function startCorrelationBackfill(pauseMs = PAUSE_MS): BackgroundLoop {
  let total = 0;
  return repeatInBackground(
    async () => {
      const { correlated, done } = await correlateEarlierClues();
      if (correlated > 0 && total === 0) console.log("Correlating the clues saved before correlation existed, in the background…");
      total += correlated;
      if (done && total > 0) console.log(`Correlation of earlier clues done: ${total} clues correlated.`);
      return done ? "done" : "again";
    },
    pauseMs,
    (error) => console.error("[correlation] correlating earlier clues failed; will retry", error),
  );
}
