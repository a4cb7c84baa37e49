// Data the benchmarks need, written straight through Prisma (set-up is not what is measured): a taskforce of
// `members` analysts each with a personal access token, a case, a lead to share, and clue pages.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { hashToken, TOKEN_PREFIX } from "~/models/tokens.server";

export interface Room {
  taskforceId: string;
  caseId: string;
  leadId: string;
  userIds: string[];
  tokens: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const tag = `${process.pid}-${Date.now().toString(36)}`;

export async function seedRoom(prisma: PrismaClient, members: number, label = "room"): Promise<Room> {
  const taskforce = await prisma.taskforce.create({ data: { name: `Bench ${label} ${tag}` } });
  const userIds = Array.from({ length: members }, (_, i) => `bench-${label}-${tag}-${i}`);
  const tokens = userIds.map(() => `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`);
  for (let i = 0; i < members; i += 500) {
    const ids = userIds.slice(i, i + 500);
    await prisma.user.createMany({
      data: ids.map((id, j) => ({ id, email: `${id}@bench.local`, displayName: `Bench analyst ${i + j}`, agency: "Agency A", role: "ANALYST", status: "ACTIVE", passwordHash: "x" })),
    });
    await prisma.taskforceMember.createMany({ data: ids.map((userId) => ({ taskforceId: taskforce.id, userId })) });
    await prisma.accessToken.createMany({
      data: ids.map((userId, j) => ({ userId, name: "bench", tokenHash: hashToken(tokens[i + j]), expiresAt: new Date(Date.now() + DAY_MS) })),
    });
  }
  const kase = await prisma.case.create({ data: { taskforceId: taskforce.id, reference: `VID-BENCH-${label}-${tag}`, title: `Bench ${label}`, createdById: userIds[0] } });
  const lead = await prisma.lead.create({
    data: { caseId: kase.id, taskforceId: taskforce.id, authorId: userIds[0], authorAgency: "Agency A", title: "Bench lead: the window frame", handlingCode: "AMBER" },
  });
  return { taskforceId: taskforce.id, caseId: kase.id, leadId: lead.id, userIds, tokens };
}

const CODES = ["AMBER", "GREEN", "CLEAR", "AMBER_STRICT", "RED"] as const;
const WORDS = ["socket type F", "szampon marki", "Tagalog speech", "window frame PVC", "radiator", "tiles blue", "EAN 5901234123457"];

/** Writes `count` clues into a new case of the room with Prisma createMany (batches of 500); returns the case and the seconds it took. */
export async function seedClueCase(prisma: PrismaClient, room: Room, count: number): Promise<{ caseId: string; seconds: number }> {
  const kase = await prisma.case.create({ data: { taskforceId: room.taskforceId, reference: `VID-BENCH-clues-${tag}`, title: "Bench clue list", createdById: room.userIds[0] } });
  const started = performance.now();
  for (let i = 0; i < count; i += 500) {
    await prisma.clue.createMany({
      data: Array.from({ length: Math.min(500, count - i) }, (_, j) => ({
        caseId: kase.id,
        taskforceId: room.taskforceId,
        authorId: room.userIds[(i + j) % room.userIds.length],
        authorAgency: (i + j) % 3 === 0 ? "Agency B" : "Agency A",
        categoryKey: "object_product",
        value: `${WORDS[(i + j) % WORDS.length]} #${i + j}`,
        handlingCode: CODES[(i + j) % CODES.length],
      })),
    });
  }
  return { caseId: kase.id, seconds: (performance.now() - started) / 1000 };
}
