// The administration API (/api/v1/admin): people and taskforces for an administrator's token only. Anyone else
// is answered 404 whatever they send; every change is audited and reaches open sessions and sockets at once.
import { describe, expect, it } from "vitest";
import { verifyPassword } from "~/auth/password.server";
import { getCurrentSession } from "~/auth/session.server";
import { confirmEnrolment, pendingEnrolment, signInWithPassword } from "~/auth/sign-in.server";
import { totpCode } from "~/auth/totp.server";
import { prisma } from "~/db.server";
import { apiCallerFor } from "../helpers/api";
import { sessionCookie } from "../helpers/pages";
import { leadAs } from "../helpers/workspace";
import { createActor, createTeam, TEST_PASSWORD } from "../helpers/factories";
import { connectWithToken, requestOk, socketTestSuite, waitFor } from "../helpers/sockets";

const suite = socketTestSuite();

let counter = 0;
const email = () => `admin-api-${Date.now()}-${counter++}@agency.example`;

async function adminApi() {
  const admin = await createActor({ role: "ADMIN" });
  return { admin, api: await apiCallerFor(suite.url, admin) };
}

const auditActions = async (itemId: string) =>
  (await prisma.auditEvent.findMany({ where: { itemId }, orderBy: { id: "asc" }, select: { action: true } })).map((event) => event.action);

/** Every admin operation, with a body that would be valid, for callers who must not learn it exists. */
function everyOperation(userId: string, taskforceId: string): [string, string, unknown][] {
  return [
    ["GET", "/admin/users", undefined],
    ["POST", "/admin/users", { email: email(), displayName: "Hidden", agency: "A", role: "ADMIN", vettingComplete: true }],
    ["PATCH", `/admin/users/${userId}`, { role: "ADMIN" }],
    ["POST", `/admin/users/${userId}/suspend`, undefined],
    ["POST", `/admin/users/${userId}/reinstate`, undefined],
    ["POST", `/admin/users/${userId}/activate`, undefined],
    ["POST", `/admin/users/${userId}/second-factor-reset`, undefined],
    ["POST", `/admin/users/${userId}/one-time-password`, undefined],
    ["GET", "/admin/taskforces", undefined],
    ["POST", "/admin/taskforces", { name: `Hidden ${Date.now()}` }],
    ["POST", `/admin/taskforces/${taskforceId}/members`, { email: "x@agency.example" }],
    ["DELETE", `/admin/taskforces/${taskforceId}/members/${userId}`, undefined],
    // Neither an invalid body nor a method the path lacks may tell the caller more than "not found".
    ["POST", "/admin/users", { email: "not an address" }],
    ["DELETE", "/admin/users", undefined],
  ];
}

describe("who may reach /api/v1/admin", () => {
  it("answers 404, never 403, 405 or 422, to a non-admin token for every operation, and changes nothing", async () => {
    const team = await createTeam();
    const coordinator = await apiCallerFor(suite.url, team.coordinator);
    const before = await prisma.auditEvent.count({ where: { actorId: team.coordinator.id, action: { startsWith: "user." } } });
    for (const [method, path, body] of everyOperation(team.analyst.id, team.taskforce.id)) {
      const response = await coordinator(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.error.code).toBe("NOT_FOUND");
    }
    expect(await prisma.user.findUniqueOrThrow({ where: { id: team.analyst.id } })).toMatchObject({ status: "ACTIVE", role: "ANALYST", passwordChangeRequired: false });
    expect(await prisma.auditEvent.count({ where: { actorId: team.coordinator.id, action: { startsWith: "user." } } })).toBe(before);
  });

  it("answers 404 to a non-admin's browser session on the API", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.analyst.id);
    for (const [method, path, body] of everyOperation(team.coordinator.id, team.taskforce.id)) {
      const response = await fetch(`${suite.url}/api/v1${path}`, {
        method,
        headers: { Cookie: cookie, Origin: suite.url, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
  });

  it("serves an administrator's browser session, and leaves the admin operations out of a non-admin's OpenAPI document", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.admin.id);
    const listed = await fetch(`${suite.url}/api/v1/admin/users`, { headers: { Cookie: cookie } });
    expect(listed.status).toBe(200);
    const analystDocument = (await (await apiCallerFor(suite.url, team.analyst))("GET", "/openapi.json")).body;
    const adminDocument = (await (await apiCallerFor(suite.url, team.admin))("GET", "/openapi.json")).body;
    expect(Object.keys(analystDocument.paths).filter((path) => path.startsWith("/admin"))).toEqual([]);
    expect(Object.keys(adminDocument.paths)).toContain("/admin/users/{userId}/one-time-password");
  });

  it("refuses a request without a credential with 401, as every other operation does", async () => {
    const response = await fetch(`${suite.url}/api/v1/admin/users`);
    expect(response.status).toBe(401);
  });
});

describe("users", () => {
  it("creates an account with a one-time password, lists it with vetting, role and agency, and audits it", async () => {
    const { admin, api } = await adminApi();
    const address = email();
    const created = await api("POST", "/admin/users", { email: address, displayName: "New Analyst", agency: "Agency Q", role: "ANALYST", vettingComplete: true, vettingExpiresAt: "2031-06-30" });
    expect(created.status, created.text).toBe(201);
    expect(created.body.user).toMatchObject({ email: address, status: "ACTIVE", vettingState: "VETTED", role: "ANALYST", agency: "Agency Q", mfaEnrolled: false, passwordChangeRequired: true });
    expect(created.body.user.vettingExpiresAt).toBe("2031-06-30T00:00:00.000Z");
    const stored = await prisma.user.findUniqueOrThrow({ where: { email: address } });
    expect(stored.passwordHash).not.toContain(created.body.oneTimePassword);
    expect(await verifyPassword(stored.passwordHash, created.body.oneTimePassword)).toBe(true);
    expect(stored.passwordExpiresAt?.toISOString()).toBe(created.body.expiresAt);

    const listed = await api("GET", "/admin/users");
    expect(listed.body.find((user: { email: string }) => user.email === address)).toMatchObject({ vettingState: "VETTED", agency: "Agency Q" });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "user.create", itemId: stored.id } });
    expect(audit.actorId).toBe(admin.id);
    expect(JSON.stringify(audit.details)).not.toContain(created.body.oneTimePassword);
  });

  it("refuses invalid input with 422 naming each field, and writes nothing", async () => {
    const { api } = await adminApi();
    const before = await prisma.user.count();
    const refused = await api("POST", "/admin/users", { email: "nobody", displayName: "", agency: "A", role: "SUPERUSER", vettingExpiresAt: "next year" });
    expect(refused.status).toBe(422);
    expect(Object.keys(refused.body.error.fields).sort()).toEqual(["displayName", "email", "role", "vettingExpiresAt"]);
    expect(await prisma.user.count()).toBe(before);

    const target = await createActor();
    const patch = await api("PATCH", `/admin/users/${target.id}`, { vettingState: "LAPSED", agency: "" });
    expect(patch.status).toBe(422);
    expect(Object.keys(patch.body.error.fields).sort()).toEqual(["agency", "vettingState"]);
    expect((await api("PATCH", `/admin/users/${target.id}`, {})).body.error.fields).toHaveProperty("_form");
    expect((await api("PATCH", "/admin/users/no-such-user", { role: "LIAISON" })).status).toBe(404);
  });

  it("changes role, agency and vetting, one audit record each, and drops the user's sockets for the new permissions", async () => {
    const { admin, api } = await adminApi();
    const target = await createActor({ role: "ANALYST", agency: "Agency A" });
    const socket = suite.track(await connectWithToken(suite.url, target));
    const changed = await api("PATCH", `/admin/users/${target.id}`, { role: "COORDINATOR", agency: "Agency B", vettingState: "expired", vettingExpiresAt: "2026-11-30" });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ role: "COORDINATOR", agency: "Agency B", vettingState: "EXPIRED", vettingExpiresAt: "2026-11-30T00:00:00.000Z" });
    await waitFor(() => socket.disconnected, "the user's socket to be dropped", 1_000);
    const events = await prisma.auditEvent.findMany({ where: { itemId: target.id, actorId: admin.id }, orderBy: { id: "asc" } });
    expect(events.map((event) => [event.action, event.details])).toEqual([
      ["user.role_change", expect.objectContaining({ from: "ANALYST", to: "COORDINATOR" })],
      ["user.agency_change", expect.objectContaining({ from: "Agency A", to: "Agency B" })],
      ["user.vetting_change", expect.objectContaining({ from: { state: "PENDING", expiresAt: null }, to: { state: "EXPIRED", expiresAt: "2026-11-30T00:00:00.000Z" } })],
    ]);
    // The same values again change nothing and record nothing.
    await api("PATCH", `/admin/users/${target.id}`, { role: "COORDINATOR", agency: "Agency B" });
    expect(await prisma.auditEvent.count({ where: { itemId: target.id, actorId: admin.id } })).toBe(3);
  });

  it("closes a suspended user's open socket within a second, ends their sessions, and audits it", async () => {
    const { admin, api } = await adminApi();
    const team = await createTeam();
    const member = await suite.member(team.analyst, team.taskforce.id);
    const suspended = await api("POST", `/admin/users/${team.analyst.id}/suspend`);
    expect(suspended.status, suspended.text).toBe(201);
    expect(suspended.body.status).toBe("SUSPENDED");
    await waitFor(() => member.socket.disconnected, "the suspended user's socket to close", 1_000);
    expect(await prisma.session.count({ where: { userId: team.analyst.id } })).toBe(0);
    expect((await api("POST", `/admin/users/${team.analyst.id}/suspend`)).status).toBe(422);

    const reinstated = await api("POST", `/admin/users/${team.analyst.id}/reinstate`);
    expect(reinstated.body.status).toBe("ACTIVE");
    expect(await auditActions(team.analyst.id)).toEqual(["user.suspend", "user.reinstate"]);
    expect((await prisma.auditEvent.findFirstOrThrow({ where: { action: "user.suspend", itemId: team.analyst.id } })).actorId).toBe(admin.id);
  });

  it("activates a pending account once vetting is done", async () => {
    const { api } = await adminApi();
    const created = await api("POST", "/admin/users", { email: email(), displayName: "Pending", agency: "A", role: "LIAISON" });
    expect(created.body.user).toMatchObject({ status: "PENDING", vettingState: "PENDING" });
    const activated = await api("POST", `/admin/users/${created.body.user.id}/activate`);
    expect(activated.status, activated.text).toBe(201);
    expect(activated.body).toMatchObject({ status: "ACTIVE", vettingState: "VETTED" });
    expect(await auditActions(created.body.user.id)).toEqual(["user.create", "user.activate"]);
  });

  it("does not let an administrator suspend, demote or reset themselves (422 naming userId)", async () => {
    const { admin, api } = await adminApi();
    for (const [method, path, body] of [
      ["POST", `/admin/users/${admin.id}/suspend`, undefined],
      ["PATCH", `/admin/users/${admin.id}`, { role: "ANALYST" }],
      ["POST", `/admin/users/${admin.id}/second-factor-reset`, undefined],
      ["POST", `/admin/users/${admin.id}/one-time-password`, undefined],
    ] as const) {
      const response = await api(method, path, body);
      expect(response.status, path).toBe(422);
      expect(response.body.error.fields).toHaveProperty("userId");
    }
  });
});

describe("second factor and one-time password", () => {
  it("resets the second factor: secret and recovery codes gone, sessions ended, sockets closed, audited", async () => {
    const { admin, api } = await adminApi();
    const target = await createActor();
    await prisma.recoveryCode.createMany({ data: [{ userId: target.id, codeHash: "a" }, { userId: target.id, codeHash: "b" }] });
    const socket = await suite.connect(target);
    const reset = await api("POST", `/admin/users/${target.id}/second-factor-reset`);
    expect(reset.status, reset.text).toBe(201);
    expect(reset.body.mfaEnrolled).toBe(false);
    await waitFor(() => socket.disconnected, "the user's socket to close", 1_000);
    const stored = await prisma.user.findUniqueOrThrow({ where: { id: target.id } });
    expect(stored).toMatchObject({ totpSecret: null, totpEnabledAt: null, totpLastStep: null });
    expect(await prisma.recoveryCode.count({ where: { userId: target.id } })).toBe(0);
    expect(await prisma.session.count({ where: { userId: target.id } })).toBe(0);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "user.second_factor_reset", itemId: target.id } });
    expect(audit).toMatchObject({ actorId: admin.id, details: expect.objectContaining({ recoveryCodesDeleted: 2, sessionsEnded: 1 }) });
    // The old password still signs in, but only as far as enrolling a new authenticator.
    const signIn = await signInWithPassword({ email: target.email, password: TEST_PASSWORD });
    expect(signIn).toMatchObject({ ok: true, next: "/mfa/enrol" });
  });

  it("issues a one-time password that works once, forces enrolment and a new password, and never reaches the audit trail", async () => {
    const { admin, api } = await adminApi();
    const target = await createActor();
    const socket = await suite.connect(target);
    const issued = await api("POST", `/admin/users/${target.id}/one-time-password`);
    expect(issued.status, issued.text).toBe(201);
    const { oneTimePassword } = issued.body;
    expect(issued.body.user).toMatchObject({ passwordChangeRequired: true, mfaEnrolled: false });
    await waitFor(() => socket.disconnected, "the user's socket to close", 1_000);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "user.one_time_password_issue", itemId: target.id } });
    expect(audit.actorId).toBe(admin.id);
    expect(JSON.stringify(audit.details)).not.toContain(oneTimePassword);

    // The old password is gone; the one-time password works once.
    expect(await signInWithPassword({ email: target.email, password: TEST_PASSWORD })).toMatchObject({ ok: false, status: 401 });
    const first = await signInWithPassword({ email: target.email, password: oneTimePassword });
    expect(first).toMatchObject({ ok: true, next: "/mfa/enrol" });
    expect(await signInWithPassword({ email: target.email, password: oneTimePassword })).toMatchObject({ ok: false, status: 401 });

    // Enrol a new authenticator on that session; then every page leads to choosing a new password.
    const cookie = (first as { cookie: string }).cookie.split(";")[0];
    const pending = (await getCurrentSession(new Request(`${suite.url}/`, { headers: { Cookie: cookie } })))!;
    const enrolment = (await pendingEnrolment(pending))!;
    expect(await confirmEnrolment(pending, totpCode(enrolment.secretGrouped.replace(/\s/g, "")))).toMatchObject({ ok: true });
    const home = await fetch(`${suite.url}/home`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(home.status).toBe(302);
    expect(home.headers.get("location")).toMatch(/^\/account\/password\?redirectTo=/);
    expect((await fetch(`${suite.url}/api/v1/tasks/mine`, { headers: { Cookie: cookie } })).status).toBe(401);

    const choose = (password: string, confirmPassword = password) =>
      fetch(`${suite.url}/account/password`, {
        method: "POST",
        headers: { Cookie: cookie, Origin: suite.url, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ password, confirmPassword, redirectTo: "/home" }),
        redirect: "manual",
      });
    expect((await choose("password1234")).status).toBe(422);
    expect((await choose("a long new passphrase 7", "something else")).status).toBe(422);
    const chosen = await choose("a long new passphrase 7");
    expect(chosen.status).toBe(302);
    expect((await fetch(`${suite.url}/home`, { headers: { Cookie: cookie }, redirect: "manual" })).status).toBe(200);
    expect(await prisma.user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ passwordChangeRequired: false, passwordExpiresAt: null });
    expect(await signInWithPassword({ email: target.email, password: "a long new passphrase 7" })).toMatchObject({ ok: true, next: "/mfa/verify" });
    expect(await auditActions(target.id)).toContain("user.one_time_password_issue");
    expect(await prisma.auditEvent.count({ where: { actorId: target.id, action: "auth.password_change" } })).toBe(1);
  });

  it("refuses a one-time password after it has expired", async () => {
    const { api } = await adminApi();
    const target = await createActor();
    const { oneTimePassword } = (await api("POST", `/admin/users/${target.id}/one-time-password`)).body;
    await prisma.user.update({ where: { id: target.id }, data: { passwordExpiresAt: new Date(Date.now() - 1000) } });
    expect(await signInWithPassword({ email: target.email, password: oneTimePassword })).toMatchObject({ ok: false, status: 401 });
  });
});

describe("taskforces", () => {
  it("creates a taskforce, adds and removes members, auditing each; 422 naming fields, 404 for an unknown taskforce", async () => {
    const { admin, api } = await adminApi();
    const person = await createActor();
    const created = await api("POST", "/admin/taskforces", { name: `Operation ${Date.now()}`, description: "Text only." });
    expect(created.status, created.text).toBe(201);
    const taskforceId = created.body.id;
    expect((await api("POST", "/admin/taskforces", { name: created.body.name })).body.error.fields).toHaveProperty("name");
    expect((await api("POST", "/admin/taskforces", { name: "" })).status).toBe(422);

    expect((await api("POST", `/admin/taskforces/${taskforceId}/members`, { email: person.email })).body).toEqual({ added: true });
    expect((await api("POST", `/admin/taskforces/${taskforceId}/members`, { email: person.email })).body).toEqual({ added: false });
    const unknownEmail = await api("POST", `/admin/taskforces/${taskforceId}/members`, { email: "nobody@agency.example" });
    expect(unknownEmail.status).toBe(422);
    expect(unknownEmail.body.error.fields).toHaveProperty("email");
    expect((await api("POST", "/admin/taskforces/no-such-taskforce/members", { email: person.email })).status).toBe(404);

    const listed = (await api("GET", "/admin/taskforces")).body.find((taskforce: { id: string }) => taskforce.id === taskforceId);
    expect(listed.members.map((member: { id: string }) => member.id)).toEqual([person.id]);
    const removed = await api("DELETE", `/admin/taskforces/${taskforceId}/members/${person.id}`);
    expect(removed.status, removed.text).toBe(200);
    expect(removed.body).toEqual({ removed: true });
    const actions = await prisma.auditEvent.findMany({ where: { taskforceId }, orderBy: { id: "asc" }, select: { action: true, actorId: true } });
    expect(actions).toEqual(["taskforce.create", "taskforce.member_add", "taskforce.member_remove"].map((action) => ({ action, actorId: admin.id })));
  });

  it("stops a removed member's socket receiving the taskforce's room events at once", async () => {
    const { api } = await adminApi();
    const team = await createTeam();
    const removed = await suite.member(team.analyst, team.taskforce.id);
    const staying = await suite.member(team.coordinator, team.taskforce.id);
    const before = await leadAs(team.coordinator, team.case.id, { handlingCode: "GREEN", title: "Before the removal" });
    await waitFor(() => removed.received.some((event) => event.itemId === before.id), "the member to receive the first lead");

    expect((await api("DELETE", `/admin/taskforces/${team.taskforce.id}/members/${team.analyst.id}`)).body).toEqual({ removed: true });
    const after = await leadAs(team.coordinator, team.case.id, { handlingCode: "GREEN", title: "After the removal" });
    await waitFor(() => staying.received.some((event) => event.itemId === after.id), "the remaining member to receive the second lead");
    expect(removed.received.some((event) => event.itemId === after.id)).toBe(false);
    // And it cannot join again.
    const rejoin = await suite.connect(team.analyst);
    await expect(requestOk(rejoin, "room:join", { taskforceId: team.taskforce.id })).rejects.toThrow(/NOT_FOUND/);
  });
});
