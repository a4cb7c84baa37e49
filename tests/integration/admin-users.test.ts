import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyPassword } from "~/auth/password.server";
import { prisma } from "~/db.server";
import { onAccessRevoked, type AccessRevocation } from "~/models/rooms.server";
import { listTaskforces, removeTaskforceMember } from "~/models/taskforces.server";
import { activateUser, listUsers, reinstateUser, suspendUser } from "~/models/users.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { createActor } from "../helpers/factories";
import { addTaskforceMember, createTaskforce, changeUserRole, createUser } from "../helpers/edge";

let revocations: AccessRevocation[] = [];
let stop: () => void;
beforeEach(() => {
  revocations = [];
  stop = onAccessRevoked((revocation) => revocations.push(revocation));
});
afterEach(() => stop());

let counter = 0;
const email = () => `new-person-${Date.now()}-${counter++}@agency.example`;

describe("user administration", () => {
  it("creates a PENDING account with a generated password that works, audited", async () => {
    const admin = await createActor({ role: "ADMIN" });
    const address = email();
    const { user, generatedPassword } = await createUser(admin, { email: address, displayName: "New Person", agency: "Agency Q", role: "ANALYST" });
    expect(user).toMatchObject({ email: address, status: "PENDING", role: "ANALYST", mfaEnrolled: false });
    const stored = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(stored.passwordHash, generatedPassword!)).toBe(true);
    expect(await prisma.auditEvent.count({ where: { action: "user.create", itemId: user.id, actorId: admin.id } })).toBe(1);
  });

  it("creates an ACTIVE account when the admin says vetting is complete", async () => {
    const admin = await createActor({ role: "ADMIN" });
    const { user } = await createUser(admin, { email: email(), displayName: "Vetted", agency: "Agency Q", role: "LIAISON", vettingComplete: "on" as unknown as boolean });
    expect(user.status).toBe("ACTIVE");
  });

  it("refuses a duplicate email, a weak chosen password and markup in the name, per field", async () => {
    const admin = await createActor({ role: "ADMIN" });
    const address = email();
    await createUser(admin, { email: address, displayName: "One", agency: "A", role: "ANALYST" });
    await expect(createUser(admin, { email: address, displayName: "Two", agency: "A", role: "ANALYST" })).rejects.toMatchObject({ fields: { email: [expect.any(String)] } });
    await expect(createUser(admin, { email: email(), displayName: "Three", agency: "A", role: "ANALYST", password: "password1234" })).rejects.toMatchObject({
      fields: { password: [expect.stringContaining("too common")] },
    });
    await expect(createUser(admin, { email: email(), displayName: '<svg onload="x">', agency: "A", role: "ANALYST" })).rejects.toBeInstanceOf(ValidationError);
  });

  it("does not exist for anyone but an active administrator (not found, not forbidden)", async () => {
    const coordinator = await createActor({ role: "COORDINATOR" });
    await expect(listUsers(coordinator)).rejects.toBeInstanceOf(NotFoundError);
    await expect(createUser(coordinator, { email: email(), displayName: "X", agency: "A", role: "ADMIN" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(listTaskforces(coordinator)).rejects.toBeInstanceOf(NotFoundError);
    const suspendedAdmin = await createActor({ role: "ADMIN", status: "SUSPENDED" });
    await expect(listUsers(suspendedAdmin)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("activates, suspends and reinstates, auditing each change", async () => {
    const admin = await createActor({ role: "ADMIN" });
    const { user } = await createUser(admin, { email: email(), displayName: "Cycle", agency: "A", role: "ANALYST" });
    expect((await activateUser(admin, user.id)).status).toBe("ACTIVE");
    expect((await suspendUser(admin, user.id)).status).toBe("SUSPENDED");
    expect(revocations).toEqual([{ userId: user.id, reason: "suspended" }]);
    await expect(activateUser(admin, user.id)).rejects.toBeInstanceOf(ValidationError);
    expect((await reinstateUser(admin, user.id)).status).toBe("ACTIVE");
    const actions = await prisma.auditEvent.findMany({ where: { itemId: user.id }, orderBy: { id: "asc" }, select: { action: true } });
    expect(actions.map((a) => a.action)).toEqual(["user.create", "user.activate", "user.suspend", "user.reinstate"]);
  });

  it("changes a role and audits it as user.role_change with from and to", async () => {
    const admin = await createActor({ role: "ADMIN" });
    const { user } = await createUser(admin, { email: email(), displayName: "Role", agency: "A", role: "ANALYST", vettingComplete: true });
    expect((await changeUserRole(admin, { userId: user.id, role: "COORDINATOR" })).role).toBe("COORDINATOR");
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: "user.role_change", itemId: user.id } });
    expect(event.details).toMatchObject({ from: "ANALYST", to: "COORDINATOR" });
    expect(event.actorId).toBe(admin.id);
    await expect(changeUserRole(admin, { userId: user.id, role: "SUPERUSER" })).rejects.toBeInstanceOf(ValidationError);
  });

  it("does not let an administrator suspend or demote themselves", async () => {
    const admin = await createActor({ role: "ADMIN" });
    await expect(suspendUser(admin, admin.id)).rejects.toBeInstanceOf(ValidationError);
    await expect(changeUserRole(admin, { userId: admin.id, role: "ANALYST" })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("taskforce administration", () => {
  it("creates a taskforce, adds and removes a member, auditing each and revoking live access on removal", async () => {
    const admin = await createActor({ role: "ADMIN" });
    const member = await createActor();
    const taskforce = await createTaskforce(admin, { name: `Operation ${Date.now()}`, description: "Text only." });
    expect(await addTaskforceMember(admin, { taskforceId: taskforce.id, email: member.email })).toEqual({ added: true });
    expect(await addTaskforceMember(admin, { taskforceId: taskforce.id, email: member.email })).toEqual({ added: false });
    const listed = (await listTaskforces(admin)).find((t) => t.id === taskforce.id);
    expect(listed?.members.map((m) => m.id)).toEqual([member.id]);

    expect(await removeTaskforceMember(admin, { taskforceId: taskforce.id, userId: member.id })).toEqual({ removed: true });
    expect(revocations).toEqual([{ userId: member.id, taskforceId: taskforce.id, reason: "removed_from_taskforce" }]);
    expect(await prisma.taskforceMember.count({ where: { taskforceId: taskforce.id } })).toBe(0);
    const actions = await prisma.auditEvent.findMany({ where: { taskforceId: taskforce.id }, orderBy: { id: "asc" }, select: { action: true } });
    expect(actions.map((a) => a.action)).toEqual(["taskforce.create", "taskforce.member_add", "taskforce.member_remove"]);
  });

  it("refuses a duplicate taskforce name and an unknown member email, per field", async () => {
    const admin = await createActor({ role: "ADMIN" });
    const name = `Duplicate ${Date.now()}`;
    const taskforce = await createTaskforce(admin, { name });
    await expect(createTaskforce(admin, { name })).rejects.toMatchObject({ fields: { name: [expect.stringContaining("already")] } });
    await expect(addTaskforceMember(admin, { taskforceId: taskforce.id, email: "nobody@agency.example" })).rejects.toMatchObject({
      fields: { email: [expect.any(String)] },
    });
  });
});
