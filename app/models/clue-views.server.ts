// Clues as clients receive them: the row with its media references, category, recipients, 4x4 evaluation and
// author. Shared by clues, the leads that cite them and search, so none of them imports another's writes.
import type { Clue, Prisma } from "@prisma/client";
import { prisma, type Tx } from "~/db.server";
import { userRefOf, userRefs, type UserRef } from "./users.server";

export const clueInclude = {
  mediaRefs: { select: { id: true, algorithm: true, value: true }, orderBy: { id: "asc" } },
  recipients: { select: { userId: true } },
  category: { select: { key: true, label: true } },
} satisfies Prisma.ClueInclude;
export type ClueRow = Prisma.ClueGetPayload<{ include: typeof clueInclude }>;

/** A clue as clients receive it. */
export interface ClueView extends Omit<Clue, never> {
  category: { key: string; label: string };
  mediaRefs: { id: string; algorithm: string; value: string }[];
  recipientIds: string[];
  evaluation: { sourceReliability: string; infoAssessment: number };
  author: UserRef | null;
}

export function infoAssessmentNumber(value: string): number {
  return Number(value.replace(/^I/, ""));
}

export function toClueView(row: ClueRow, users: Map<string, UserRef>): ClueView {
  const { recipients, ...rest } = row;
  return {
    ...rest,
    recipientIds: recipients.map((recipient) => recipient.userId),
    evaluation: { sourceReliability: row.sourceReliability, infoAssessment: infoAssessmentNumber(row.infoAssessment) },
    author: userRefOf(users, row.authorId),
  };
}

export async function toClueViews(rows: ClueRow[], client: Tx | typeof prisma = prisma): Promise<ClueView[]> {
  const users = await userRefs(rows.map((row) => row.authorId), client);
  return rows.map((row) => toClueView(row, users));
}
