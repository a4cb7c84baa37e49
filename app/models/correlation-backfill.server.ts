// Clues whose correlation keys are not what the code computes now: those saved before correlation existed (issue
// 13: no keys at all), and those saved before the code computing keys last changed (CORRELATION_KEYS_VERSION). No
// clue saved since can link to them as it should, so the server brings them up to date once, in the background, as
// their save or edit would have. The pass reads the clues in id order, a batch at a time, and corrects those whose
// stored keys differ, one clue per transaction, which also moves the shared cursor on ("CorrelationBackfill", one
// row): a crash loses nothing, and two nodes never correlate one clue twice (the one whose cursor moved first goes
// on). Audited as the system's, marked "via: backfill".
import { Prisma } from "@prisma/client";
import { prisma } from "~/db.server";
import { repeatInBackground, type BackgroundLoop } from "~/utils/background.server";
import { CORRELATION_KEYS_VERSION, correlationKeysOf, type CorrelationKey } from "~/utils/correlation-keys";
import { appendAudit } from "./audit.server";
import { correlateClue, type CorrelatedClue } from "./correlation.server";

/** Clues read per batch, and the pause between batches: the hot paths keep the server while it runs. */
const BATCH_SIZE = 200;
const PAUSE_MS = 250;

interface BackfillState {
  afterId: string | null;
  until: Date;
  doneAt: Date | null;
  keysVersion: number;
}

/** A clue as the pass compares it: what its keys are computed from, and the keys stored for it. */
interface StoredKeys extends CorrelatedClue {
  keys: CorrelationKey[];
}

const STORED_KEYS = Prisma.sql`SELECT c."id", c."caseId", c."taskforceId", c."authorId", c."categoryKey", c."value",
    c."confidence"::text AS "confidence", c."sourceReliability"::text AS "sourceReliability", c."infoAssessment"::text AS "infoAssessment",
    COALESCE((SELECT json_agg(json_build_object('algorithm', m."algorithm"::text, 'value', m."value")) FROM "ClueMediaRef" m WHERE m."clueId" = c."id"), '[]') AS "mediaRefs",
    COALESCE((SELECT json_agg(json_build_object('kind', k."kind"::text, 'categoryKey', k."categoryKey", 'key', k."key")) FROM "ClueCorrelationKey" k WHERE k."clueId" = c."id"), '[]') AS "keys"
  FROM "Clue" c`;

const keyText = (key: CorrelationKey) => `${key.kind}\u0000${key.categoryKey}\u0000${key.key}`;

/** Whether the clue's stored keys are those the code computes now. */
function upToDate(clue: StoredKeys): boolean {
  const wanted = new Set(correlationKeysOf(clue).map(keyText));
  const stored = new Set(clue.keys.map(keyText));
  return wanted.size === stored.size && [...wanted].every((key) => stored.has(key));
}

/**
 * Where the pass stands. A server whose keys are newer than those the pass last brought the clues to starts it
 * again, over every clue created until now; one that is older leaves it alone (during a rolling upgrade).
 */
async function backfillState(): Promise<BackfillState | undefined> {
  await prisma.$executeRaw`UPDATE "CorrelationBackfill" SET "keysVersion" = ${CORRELATION_KEYS_VERSION}, "afterId" = NULL, "doneAt" = NULL, "until" = now()
    WHERE "id" = 1 AND "keysVersion" < ${CORRELATION_KEYS_VERSION}`;
  const [state] = await prisma.$queryRaw<BackfillState[]>`SELECT "afterId", "until", "doneAt", "keysVersion" FROM "CorrelationBackfill" WHERE "id" = 1`;
  return state;
}

/** Moves the cursor from `from` to `to`; false when another node moved it first. */
async function claim(tx: Pick<Prisma.TransactionClient, "$executeRaw">, from: string | null, to: string): Promise<boolean> {
  return (await tx.$executeRaw`UPDATE "CorrelationBackfill" SET "afterId" = ${to} WHERE "id" = 1 AND "afterId" IS NOT DISTINCT FROM ${from}::text`) > 0;
}

/**
 * Reads the next `limit` clues created by the time the pass started and brings those whose keys are out of date
 * up to date; `correlated` counts those. `done` once no clue is left (then the row says so and later calls return
 * at once).
 */
export async function correlateEarlierClues(limit = BATCH_SIZE): Promise<{ correlated: number; done: boolean }> {
  const state = await backfillState();
  // Keys newer than this code's are the newer servers' to write: this one would undo them.
  if (!state || state.doneAt || state.keysVersion > CORRELATION_KEYS_VERSION) return { correlated: 0, done: true };
  const batch = await prisma.$queryRaw<StoredKeys[]>`${STORED_KEYS}
    WHERE (${state.afterId}::text IS NULL OR c."id" > ${state.afterId}::text) AND c."createdAt" <= ${state.until}
    ORDER BY c."id" LIMIT ${limit}`;
  if (batch.length === 0) {
    await prisma.$executeRaw`UPDATE "CorrelationBackfill" SET "doneAt" = now() WHERE "id" = 1 AND "doneAt" IS NULL AND "afterId" IS NOT DISTINCT FROM ${state.afterId}::text`;
    return { correlated: 0, done: true };
  }
  let after = state.afterId;
  let correlated = 0;
  for (const { id } of batch.filter((clue) => !upToDate(clue))) {
    const announcements: (() => void)[] = [];
    const outcome = await prisma.$transaction(async (tx) => {
      if (!(await claim(tx, after, id))) return "taken";
      // Read again under the lock an edit takes, so an edit and this never both write its keys.
      const [clue] = await tx.$queryRaw<StoredKeys[]>`${STORED_KEYS} WHERE c."id" = ${id} FOR UPDATE OF c`;
      if (!clue || upToDate(clue)) return "current";
      const ctx = {
        tx,
        audit: (entry: Parameters<typeof appendAudit>[1]) => appendAudit(tx, { ...entry, actor: null, details: { ...entry.details, via: "backfill" } }),
        afterCommit: (announce: () => void) => void announcements.push(announce),
      };
      // Keys stored under older code are replaced with their links, as an edit of the value replaces them.
      await correlateClue(ctx, clue, { replace: clue.keys.length > 0 });
      return "correlated";
    });
    // Another node moved the cursor first: it goes on from there.
    if (outcome === "taken") return { correlated, done: false };
    for (const announce of announcements) announce();
    after = id;
    if (outcome === "correlated") correlated += 1;
  }
  // The rest of the batch was up to date: the cursor passes it.
  const last = batch[batch.length - 1].id;
  if (after !== last) await claim(prisma, after, last);
  return { correlated, done: false };
}

/** Runs the pass in batches until it is done or stopped; says so when there was anything to do. */
export function startCorrelationBackfill(pauseMs = PAUSE_MS): BackgroundLoop {
  let total = 0;
  return repeatInBackground(
    async () => {
      const { correlated, done } = await correlateEarlierClues();
      if (correlated > 0 && total === 0) console.log("Bringing the correlation of earlier clues up to date, in the background…");
      total += correlated;
      if (done && total > 0) console.log(`Correlation of earlier clues up to date: ${total} clues correlated.`);
      return done ? "done" : "again";
    },
    pauseMs,
    (error) => console.error("[correlation] correlating earlier clues failed; will retry", error),
  );
}
