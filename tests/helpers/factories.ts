// One-line builders for test data. Every test makes its own users, taskforces and cases.
import { randomBytes } from "node:crypto";
import type { HandlingCode, Role } from "@prisma/client";
import { hash } from "@node-rs/argon2";
import { loadActor, type Actor } from "~/auth/permissions.server";
import { sealTotpSecret } from "~/auth/totp.server";
import { prisma } from "~/db.server";

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString("hex")}`;

export const TEST_PASSWORD = "correct horse battery staple 42";
// A fixed base32 TOTP secret so tests can compute codes.
export const TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
let passwordHashCache: string | undefined;

export async function createTaskforce(name = `Taskforce ${unique()}`) {
  return prisma.taskforce.create({ data: { name } });
}

export interface UserOptions {
  role?: Role;
  agency?: string;
  taskforceIds?: string[];
  status?: "PENDING" | "ACTIVE" | "SUSPENDED";
  email?: string;
  /** Enrol TOTP (default true): an active user has completed enrolment. */
  mfa?: boolean;
}

export async function createUser(options: UserOptions = {}) {
  passwordHashCache ??= await hash(TEST_PASSWORD, { algorithm: 2 });
  const id = unique();
  const user = await prisma.user.create({
    data: {
      email: options.email ?? `user-${id}@test.local`,
      displayName: `User ${id}`,
      agency: options.agency ?? "Agency A",
      role: options.role ?? "ANALYST",
      status: options.status ?? "ACTIVE",
      passwordHash: passwordHashCache,
      totpSecret: options.mfa === false ? null : sealTotpSecret(TEST_TOTP_SECRET),
      totpEnabledAt: options.mfa === false ? null : new Date(),
      memberships: { create: (options.taskforceIds ?? []).map((taskforceId) => ({ taskforceId })) },
    },
  });
  return user;
}

/** A user as the permission module sees them. */
export async function createActor(options: UserOptions = {}): Promise<Actor> {
  return loadActor(await createUser(options));
}

export async function addMember(taskforceId: string, userId: string) {
  await prisma.taskforceMember.create({ data: { taskforceId, userId } });
}

export async function createCase(taskforceId: string, options: { reference?: string; defaultHandlingCode?: HandlingCode; createdById?: string } = {}) {
  return prisma.case.create({
    data: {
      taskforceId,
      reference: options.reference ?? `VID-TEST-${unique()}`,
      title: "Test series",
      summary: "",
      defaultHandlingCode: options.defaultHandlingCode ?? "AMBER",
      createdById: options.createdById ?? "system",
    },
  });
}

/** A taskforce with one member of each working role, all in agency A except a second analyst in agency B. */
export async function createTeam() {
  const taskforce = await createTaskforce();
  const [analyst, analystOtherAgency, coordinator, liaison, outsider, admin] = await Promise.all([
    createActor({ role: "ANALYST", agency: "Agency A", taskforceIds: [taskforce.id] }),
    createActor({ role: "ANALYST", agency: "Agency B", taskforceIds: [taskforce.id] }),
    createActor({ role: "COORDINATOR", agency: "Agency A", taskforceIds: [taskforce.id] }),
    createActor({ role: "LIAISON", agency: "Europol", taskforceIds: [taskforce.id] }),
    createActor({ role: "ANALYST", agency: "Agency A" }),
    createActor({ role: "ADMIN", agency: "Agency A" }),
  ]);
  const kase = await createCase(taskforce.id, { createdById: coordinator.id });
  return { taskforce, case: kase, analyst, analystOtherAgency, coordinator, liaison, outsider, admin };
}
