// Who hears about correlation and de-confliction, and the one place their news leaves the process: after the
// write commits, each notice goes to one user's sockets (server/socket registers the announcer). A persistent
// notification (the notifications module) is to be added in notifyCorrelation, beside the live one.
import { Prisma } from "@prisma/client";
import type { Tx } from "~/db.server";
import type { CorrelationNotice } from "~/realtime/protocol";
import { singleton } from "~/utils/singleton.server";

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
 * The single hook for correlation news: today the live socket notice; the notifications module adds its call
 * here. Every notice is already cut to what its recipient may know (their own clue and side).
 */
function notifyCorrelation(notices: CorrelationNoticeFor[]): void {
  if (notices.length === 0) return;
  for (const announcer of announcers) announcer(notices);
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
 * A de-confliction's news for its people: each side's coordinators and liaisons (the queue), and with
 * `authors` also the authors of both clues. Each hears of their own side's clue only.
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
  const authors = options.authors
    ? new Map(
        (await tx.clue.findMany({ where: { id: { in: records.flatMap((record) => [record.clueAId, record.clueBId]) } }, select: { id: true, authorId: true } })).map((clue) => [
          clue.id,
          clue.authorId,
        ]),
      )
    : new Map<string, string>();
  return records.flatMap((record) =>
    (
      [
        [record.taskforceAId, record.clueAId],
        [record.taskforceBId, record.clueBId],
      ] as const
    ).flatMap(([taskforceId, clueId]) => {
      const people = [...(byTaskforce.get(taskforceId) ?? []), ...(authors.has(clueId) ? [authors.get(clueId)!] : [])];
      return people.map((userId) => ({ userId, notice: { type, kind: record.kind, clueId, deconflictionId: record.id } }));
    }),
  );
}
