// A token's grant is held in memory between requests (decision 025): a burst of requests reads it once. Every
// change that alters what the token may do is announced, so the very next request already sees it. Each case
// first makes a request, so that the grant is in memory when the change happens.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { removeTaskforceMember } from "~/models/taskforces.server";
import { revokeAccessToken } from "~/models/tokens.server";
import { reinstateUser, suspendUser } from "~/models/users.server";
import { addTaskforceMember, changeUserRole, createAccessToken } from "../helpers/edge";
import { createActor, createCase, createTaskforce, createTeam } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function statusOf(token: string, path: string): Promise<number> {
  const response = await fetch(`${server.url}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
  await response.text();
  return response.status;
}

async function tokenOf(actor: Actor) {
  return createAccessToken(actor, { name: "grant test", days: 7 });
}

describe("a token's grant held in memory", () => {
  it("stops working on the next request after its owner revokes it", async () => {
    const team = await createTeam();
    const { token, summary } = await tokenOf(team.analyst);
    expect(await statusOf(token, `/cases/${team.case.id}/clues`)).toBe(200);
    await revokeAccessToken(team.analyst, summary.id);
    expect(await statusOf(token, `/cases/${team.case.id}/clues`)).toBe(401);
  });

  it("stops working while its owner is suspended, and works again once they are reinstated", async () => {
    const team = await createTeam();
    const { token } = await tokenOf(team.analyst);
    expect(await statusOf(token, `/cases/${team.case.id}/clues`)).toBe(200);
    await suspendUser(team.admin, team.analyst.id);
    expect(await statusOf(token, `/cases/${team.case.id}/clues`)).toBe(401);
    await reinstateUser(team.admin, team.analyst.id);
    expect(await statusOf(token, `/cases/${team.case.id}/clues`)).toBe(200);
  });

  it("loses a taskforce's cases as soon as its owner is removed from it, and gains a new one's as soon as they are added", async () => {
    const team = await createTeam();
    const { token } = await tokenOf(team.analyst);
    const other = await createTaskforce();
    const otherCase = await createCase(other.id);
    expect(await statusOf(token, `/cases/${team.case.id}/clues`)).toBe(200);
    expect(await statusOf(token, `/cases/${otherCase.id}/clues`)).toBe(404);
    await addTaskforceMember(team.admin, { taskforceId: other.id, email: team.analyst.email });
    expect(await statusOf(token, `/cases/${otherCase.id}/clues`)).toBe(200);
    await removeTaskforceMember(team.admin, { taskforceId: team.taskforce.id, userId: team.analyst.id });
    expect(await statusOf(token, `/cases/${team.case.id}/clues`)).toBe(404);
    expect(await statusOf(token, `/cases/${otherCase.id}/clues`)).toBe(200);
  });

  it("acts with the new role as soon as the owner's role changes", async () => {
    const team = await createTeam();
    const otherAdmin = await createActor({ role: "ADMIN" });
    const { token } = await tokenOf(team.admin);
    // The administration API: there for an administrator, no such endpoint for anyone else.
    expect(await statusOf(token, "/admin/users")).toBe(200);
    await changeUserRole(otherAdmin, { userId: team.admin.id, role: "ANALYST" });
    expect(await statusOf(token, "/admin/users")).toBe(404);
  });

  it("stops working at its expiry while its grant is held in memory", async () => {
    const team = await createTeam();
    const { token, summary } = await tokenOf(team.analyst);
    await prisma.accessToken.update({ where: { id: summary.id }, data: { expiresAt: new Date(Date.now() + 1_500) } });
    expect(await statusOf(token, `/cases/${team.case.id}/clues`)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(await statusOf(token, `/cases/${team.case.id}/clues`)).toBe(401);
  });
});
