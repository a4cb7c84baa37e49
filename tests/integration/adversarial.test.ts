// A malicious insider against the real app: every test here is a hole that was found and closed, written as
// the rule it now enforces (real database, real HTTP through the built app).
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { createActor, createTeam } from "../helpers/factories";
import { apiCallerFor, type ApiCaller as Caller, type Json } from "../helpers/api";
import { startTestServer, type TestServer } from "../helpers/server";
import { clueAs, leadAs } from "../helpers/workspace";
import { createAccessToken, decideReview, requestReview } from "../helpers/edge";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function callerFor(actor: Actor): Promise<Caller> {
  return apiCallerFor(server.url, actor);
}

// A 1x1 GIF as a data URI: an image, small enough for a search box.
const TINY_IMAGE = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

describe("text only at every entry", () => {
  it("refuses an embedded image in a search query, and keeps it out of the audit trail", async () => {
    const team = await createTeam();
    const api = await callerFor(team.analyst);
    const response = await api("GET", `/search?q=${encodeURIComponent(TINY_IMAGE)}`);
    expect(response.status).toBe(422);
    expect(response.body.error.fields.q[0]).toMatch(/text-only/);
    const audited = await prisma.auditEvent.findMany({ where: { actorId: team.analyst.id, action: "search" } });
    expect(JSON.stringify(audited.map((row) => row.details))).not.toContain("R0lGOD");
  });
});

describe("request size at the door", () => {
  it("refuses a body sent without a length (chunked) rather than reading past the size limit", async () => {
    const team = await createTeam();
    const { token } = await createAccessToken(team.analyst, { name: "chunked", days: 1 });
    const chunk = JSON.stringify({ value: "x".repeat(64 * 1024) });
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${server.url}/api/v1/cases/${team.case.id}/clues`);
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Transfer-Encoding": "chunked" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      for (let i = 0; i < 8; i++) req.write(chunk);
      req.end();
    });
    expect([411, 413]).toContain(status);
  });
});

describe("widening who may see a lead", () => {
  it("refuses a lead's owner who is not its author naming more members on a TLP:RED lead", async () => {
    const team = await createTeam();
    const owner = await createActor({ role: "ANALYST", agency: "Agency A", taskforceIds: [team.taskforce.id] });
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "RED", recipientIds: [owner.id], ownerId: owner.id });
    const asOwner = await callerFor(owner);
    const response = await asOwner("PATCH", `/leads/${lead.id}`, { version: lead.version, recipientIds: [owner.id, team.coordinator.id] });
    expect(response.status).toBe(403);
    expect((await (await callerFor(team.coordinator))("GET", `/leads/${lead.id}`)).status).toBe(404);
    const stored = await prisma.leadRecipient.findMany({ where: { leadId: lead.id } });
    expect(stored.map((row) => row.userId)).toEqual([owner.id]);
  });

  it("refuses a lead's owner who is not its author turning a TLP:AMBER+STRICT lead into TLP:RED for another agency", async () => {
    const team = await createTeam();
    const owner = await createActor({ role: "ANALYST", agency: "Agency A", taskforceIds: [team.taskforce.id] });
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "AMBER_STRICT", ownerId: owner.id });
    const asOwner = await callerFor(owner);
    const response = await asOwner("PATCH", `/leads/${lead.id}`, { version: lead.version, handlingCode: "RED", recipientIds: [owner.id, team.analystOtherAgency.id] });
    expect(response.status).toBe(403);
    expect((await (await callerFor(team.analystOtherAgency))("GET", `/leads/${lead.id}`)).status).toBe(404);
  });

  it("lets the author and a coordinator still name more members on a TLP:RED lead", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "RED", recipientIds: [team.coordinator.id] });
    const asAuthor = await callerFor(team.analyst);
    const other = await createActor({ role: "ANALYST", agency: "Agency A", taskforceIds: [team.taskforce.id] });
    const response = await asAuthor("PATCH", `/leads/${lead.id}`, { version: lead.version, recipientIds: [team.coordinator.id, other.id] });
    expect(response.status).toBe(200);
    const asCoordinator = await callerFor(team.coordinator);
    const again = await asCoordinator("PATCH", `/leads/${lead.id}`, { version: response.body.version, recipientIds: [team.coordinator.id, other.id, team.analystOtherAgency.id] });
    expect(again.status).toBe(200);
  });
});

describe("version history", () => {
  it("withholds what a clue said while it was under a stricter code from members who may see it only after it was lowered", async () => {
    const team = await createTeam();
    const clue = await clueAs(team.analyst, team.case.id, { handlingCode: "RED", value: "Child's first name is Annelie", detail: "Heard in the audio" });
    const asAuthor = await callerFor(team.analyst);
    const redacted = await asAuthor("PATCH", `/clues/${clue.id}`, { version: 1, value: "Child's first name heard in the audio", detail: "Name withheld" });
    expect(redacted.status).toBe(200);
    const lowered = await asAuthor("PATCH", `/clues/${clue.id}`, { version: 2, handlingCode: "AMBER" });
    expect(lowered.status).toBe(200);

    const seenByCoordinator = await (await callerFor(team.coordinator))("GET", `/clues/${clue.id}`);
    expect(seenByCoordinator.status).toBe(200);
    expect(seenByCoordinator.text).not.toContain("Annelie");
    expect(seenByCoordinator.text).not.toContain("Heard in the audio");
    // The lowering itself is part of what the coordinator may know.
    const lowering = seenByCoordinator.body.versions.find((version: Json) => version.version === 3);
    expect(lowering.changes.handlingCode.to).toBe("AMBER");

    const seenByAuthor = await asAuthor("GET", `/clues/${clue.id}`);
    expect(seenByAuthor.text).toContain("Annelie");
  });
});

describe("liaison review", () => {
  it("refuses to keep an approval for dissemination once the approved clue is edited", async () => {
    const team = await createTeam();
    const clue = await clueAs(team.analyst, team.case.id, { handlingCode: "GREEN", value: "Wall plug type F" });
    await requestReview(team.analyst, "CLUE", clue.id);
    await decideReview(team.liaison, "CLUE", clue.id, { decision: "APPROVED" });
    const edited = await (await callerFor(team.analyst))("PATCH", `/clues/${clue.id}`, { version: 1, value: "Wall plug type F; victim's school logo on the bag" });
    expect(edited.status).toBe(200);
    expect(edited.body.reviewState).not.toBe("APPROVED");
    expect((await prisma.clue.findUniqueOrThrow({ where: { id: clue.id } })).reviewState).not.toBe("APPROVED");
  });

  it("refuses to keep an approval for dissemination once the approved lead is edited", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id, { handlingCode: "GREEN" });
    await requestReview(team.analyst, "LEAD", lead.id);
    await decideReview(team.liaison, "LEAD", lead.id, { decision: "APPROVED" });
    const edited = await (await callerFor(team.analyst))("PATCH", `/leads/${lead.id}`, { version: lead.version, hypothesis: "Now naming the suspected school" });
    expect(edited.status).toBe(200);
    expect(edited.body.reviewState).not.toBe("APPROVED");
  });
});
