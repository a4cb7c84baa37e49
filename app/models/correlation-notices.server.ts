// Who hears about correlation and de-confliction, and the one place their news leaves the process: after the
// write commits, each notice goes to one user's sockets (server/socket registers the announcer) and into their
// inbox as a "correlation" notification (notifyEach checks they may see the clue).
import { Prisma } from "@prisma/client";
import { ITEM_VISIBILITY_SELECT, itemVisibility, loadActors, mayKnowOfItem } from "~/auth/permissions.server";
import { prisma, type Tx } from "~/db.server";
import type { CorrelationNotice } from "~/realtime/protocol";
import { singleton } from "~/utils/singleton.server";
import { excerpt } from "~/utils/notice-text";
import { notifyEach, type ClueNotice } from "./notifications.server";

export type { CorrelationNotice };

export interface CorrelationNoticeFor {
  userId: string;
  notice: CorrelationNotice;
}

type Announcer = (notices: CorrelationNoticeFor[]) => void;
const announcers = singleton("correlationAnnouncers", () => new Set<Announcer>());

/** The realtime layer registers here (as with onRoomEvents); returns the unregister function. */
export function onCorrelationNotices(announcer: Announcer): () => void {
  announcers.add(announcer);
  return () => announcers.delete(announcer);
}

/** Call only after the change that the notices describe has committed (ChangeContext.afterCommit). */
export function announceCorrelationNotices(notices: CorrelationNoticeFor[]): void {
  const unique = new Map(notices.map((entry) => [`${entry.userId}|${entry.notice.type}|${entry.notice.clueId}|${entry.notice.deconflictionId ?? ""}`, entry]));
  notifyCorrelation([...unique.values()]);
}

/**
 * The single hook for correlation news: the live socket notice and the notification. Every notice is already cut to what its recipient may know (their own clue and side).
 */
function notifyCorrelation(notices: CorrelationNoticeFor[]): void {
  if (notices.length === 0) return;
  for (const announcer of announcers) announcer(notices);
  // And in the inbox, with the badge: one line per person about their own clue, never the other side's.
  void clueLines(notices)
    .then((lines) => notifyEach("correlation", lines))
    .catch((error: unknown) => console.error("[correlation] writing notifications failed", error));
}

const KIND_WORDS: Record<CorrelationNotice["kind"], string> = { HASH: "the same media hash", VALUE: "the same value", NEAR: "a near value" };

/** What each notice says, naming only the recipient's own clue. */
async function clueLines(notices: CorrelationNoticeFor[]): Promise<ClueNotice[]> {
  const clues = await prisma.clue.findMany({ where: { id: { in: [...new Set(notices.map((entry) => entry.notice.clueId))] } }, select: { id: true, value: true } });
  const values = new Map(clues.map((clue) => [clue.id, excerpt(clue.value)]));
  return notices.flatMap(({ userId, notice }) => {
    const value = values.get(notice.clueId);
    if (value === undefined) return [];
    const how = KIND_WORDS[notice.kind];
    const text = {
      "correlation.found": `Clue "${value}" matches a clue in another case (${how})`,
      "deconfliction.opened": `A match exists for clue "${value}" in a case you cannot see (${how}): de-confliction opened`,
      "deconfliction.requested": `Contact requested about the match for clue "${value}"`,
      "deconfliction.accepted": `Contact accepted about the match for clue "${value}": both sides now see the link`,
      "deconfliction.declined": `Contact declined about the match for clue "${value}"`,
      "deconfliction.leads": `Leads in two taskforces cite clues linked to clue "${value}"`,
    }[notice.type];
    return [{ recipientId: userId, clueId: notice.clueId, text }];
  });
}

export interface DeconflictionSides {
  id: string;
  kind: CorrelationNotice["kind"];
  clueAId: string;
  clueBId: string;
  taskforceAId: string;
  taskforceBId: string;
}

/**
 * A de-confliction's news for its people: each side's coordinators and liaisons who may see that side's clue
 * (the queue: a TLP:RED clue's side is its recipients' to act on, deconflictionQueue), and with `authors` also
 * the authors of both clues. Each hears of their own side's clue only.
 */
export async function deconflictionNoticesFor(
  tx: Tx,
  records: readonly DeconflictionSides[],
  type: CorrelationNotice["type"],
  options: { authors?: boolean } = {},
): Promise<CorrelationNoticeFor[]> {
  if (records.length === 0) return [];
  const taskforceIds = [...new Set(records.flatMap((record) => [record.taskforceAId, record.taskforceBId]))];
  const members = await tx.$queryRaw<{ taskforceId: string; userId: string }[]>`
    SELECT m."taskforceId", m."userId" FROM "TaskforceMember" m JOIN "User" u ON u."id" = m."userId"
    WHERE m."taskforceId" IN (${Prisma.join(taskforceIds)}) AND u."status" = 'ACTIVE' AND u."role" IN ('COORDINATOR', 'LIAISON')`;
  const byTaskforce = new Map<string, string[]>();
  for (const member of members) byTaskforce.set(member.taskforceId, [...(byTaskforce.get(member.taskforceId) ?? []), member.userId]);
  const clues = new Map(
    (
      await tx.clue.findMany({
        where: { id: { in: records.flatMap((record) => [record.clueAId, record.clueBId]) } },
        select: { id: true, ...ITEM_VISIBILITY_SELECT },
      })
    ).map((clue) => [clue.id, clue]),
  );
  // Whether each may know of their side's clue (in this transaction: the embedded database has one connection).
  const actors = await loadActors([...new Set(members.map((member) => member.userId))], tx);
  return records.flatMap((record) =>
    (
      [
        [record.taskforceAId, record.clueAId],
        [record.taskforceBId, record.clueBId],
      ] as const
    ).flatMap(([taskforceId, clueId]) => {
      const clue = clues.get(clueId);
      if (!clue) return [];
      const visibility = itemVisibility(clue);
      const queue = (byTaskforce.get(taskforceId) ?? []).filter((userId) => {
        const actor = actors.get(userId);
        return actor !== undefined && mayKnowOfItem(actor, visibility);
      });
      const people = new Set([...queue, ...(options.authors ? [clue.authorId] : [])]);
      return [...people].map((userId) => ({ userId, notice: { type, kind: record.kind, clueId, deconflictionId: record.id } }));
    }),
  );
}
