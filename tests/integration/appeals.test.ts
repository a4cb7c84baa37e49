// Issue 12, public object appeals: a liaison publishes an approved TLP:CLEAR object clue with a text of their own;
// /appeals (no sign-in) shows that text and nothing else, takes text-only tips (rate-limited per address) into the
// liaison's queue, and drops an appeal the moment it is unpublished.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSession } from "~/auth/session.server";
import { prisma } from "~/db.server";
import { appealQueue, listPublishedAppeals, publishAppeal, unpublishAppeal } from "~/models/appeals.server";
import { ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors.server";
import { parseInput } from "~/utils/forms.server";
import { limitStore } from "~/utils/limit-store.server";
import { publishAppealSchema } from "~/validation/appeal";
import { createTeam } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";
import { clueWithCode, type Team } from "../helpers/workspace";
import { decideReview, requestReview, updateClue } from "../helpers/edge";
import { deleteClue } from "~/models/clues.server";
import type { Actor } from "~/auth/permissions.server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});
afterEach(async () => {
  delete process.env.PUBLIC_TIP_LIMIT_PER_HOUR;
  await limitStore().clear("public-tip:");
});

const publish = async (actor: Actor, input: unknown) => publishAppeal(actor, parseInput(publishAppealSchema, input));

/** A TLP:CLEAR clue in the given category, approved by the team's liaison. */
async function approvedClue(team: Team, category = "object_product", code: "CLEAR" | "GREEN" = "CLEAR") {
  const clue = await clueWithCode(team.analyst, team.case.id, code, { category, value: "Blue enamel mug, chipped rim", detail: "Seen on the shelf in series VID-77, room 3" });
  await requestReview(team.analyst, "CLUE", clue.id);
  await decideReview(team.liaison, "CLUE", clue.id, { decision: "APPROVED" });
  return clue;
}

async function tip(appealId: string, body: string) {
  const response = await fetch(`${server.url}/appeals?index`, {
    method: "POST",
    headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ appealId, body }),
    redirect: "manual",
  });
  return { status: response.status, html: await response.text(), retryAfter: response.headers.get("retry-after") };
}

describe("publishing an appeal", () => {
  it("takes only an approved TLP:CLEAR object clue, from a liaison", async () => {
    const team = await createTeam();
    const green = await approvedClue(team, "object_product", "GREEN");
    expect((await publish(team.liaison, { clueId: green.id, publicText: "A mug" }).catch((e) => e)).fields.clueId[0]).toMatch(/TLP:CLEAR/);
    const fixture = await approvedClue(team, "architecture_fixture");
    expect((await publish(team.liaison, { clueId: fixture.id, publicText: "A socket" }).catch((e) => e)).fields.clueId[0]).toMatch(/object clues/);
    const waiting = await clueWithCode(team.analyst, team.case.id, "CLEAR", { category: "object_product" });
    await requestReview(team.analyst, "CLUE", waiting.id);
    expect((await publish(team.liaison, { clueId: waiting.id, publicText: "A mug" }).catch((e) => e)).fields.clueId[0]).toMatch(/approved/);

    const clue = await approvedClue(team);
    await expect(publish(team.analyst, { clueId: clue.id, publicText: "A mug" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(publish(team.coordinator, { clueId: clue.id, publicText: "A mug" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(publish(team.outsider, { clueId: clue.id, publicText: "A mug" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(publish(team.liaison, { clueId: clue.id, publicText: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==" })).rejects.toBeInstanceOf(ValidationError);
    const appeal = await publish(team.liaison, { clueId: clue.id, publicText: "Do you know where this blue enamel mug was sold?" });
    expect(await prisma.auditEvent.count({ where: { itemId: clue.id, action: "appeal.publish" } })).toBe(1);
    await expect(publish(team.liaison, { clueId: clue.id, publicText: "Again" })).rejects.toBeInstanceOf(ValidationError);
    await expect(unpublishAppeal(team.analyst, appeal.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(appealQueue(team.analyst)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("the public appeals page", () => {
  it("shows nothing but the text the liaison wrote, without sign-in", async () => {
    const team = await createTeam();
    const clue = await approvedClue(team);
    const appeal = await publish(team.liaison, { clueId: clue.id, publicText: "Do you recognise this blue mug? It may have been sold at a market." });
    const response = await fetch(`${server.url}/appeals`, { redirect: "manual" });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Do you recognise this blue mug? It may have been sold at a market.");
    for (const secret of [clue.id, clue.value, "VID-77", team.case.id, team.case.reference, team.taskforce.id, team.taskforce.name, team.liaison.displayName, team.analyst.displayName]) {
      expect(html).not.toContain(secret);
    }
    expect(html).toContain(appeal.id);
  });

  it("stores a tip as text for the liaison's queue, refuses media, and rate-limits per address", async () => {
    process.env.PUBLIC_TIP_LIMIT_PER_HOUR = "2";
    const team = await createTeam();
    const clue = await approvedClue(team);
    const appeal = await publish(team.liaison, { clueId: clue.id, publicText: "Where was this mug sold?" });

    const sent = await tip(appeal.id, "My aunt had one, bought in Gdansk in 2015.");
    expect(sent.status).toBe(200);
    expect(sent.html).toContain("Your tip has been passed on");
    expect(sent.html).not.toContain(clue.value);
    const media = await tip(appeal.id, "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgY=");
    expect(media.status).toBe(422);
    expect(await prisma.publicTip.findMany({ where: { appealId: appeal.id }, select: { body: true } })).toEqual([{ body: "My aunt had one, bought in Gdansk in 2015." }]);

    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "appeal.tip", itemId: clue.id } });
    expect(audit).toMatchObject({ actorId: null, ip: null });
    // The taskforce's liaisons are told; nobody else, and the notice names only the appeal's public text.
    const notices = await prisma.notification.findMany({ where: { kind: "tip.received", itemId: clue.id } });
    expect(notices.map((notice) => notice.recipientId)).toEqual([team.liaison.id]);
    expect(notices[0].text).toContain("Where was this mug sold?");
    const queue = await appealQueue(team.liaison);
    expect(queue.appeals.find((row) => row.id === appeal.id)?.tips.map((row) => row.body)).toEqual(["My aunt had one, bought in Gdansk in 2015."]);

    expect((await tip(appeal.id, "Second tip")).status).toBe(200);
    const limited = await tip(appeal.id, "Third tip, over the limit");
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect(await prisma.publicTip.count({ where: { appealId: appeal.id } })).toBe(2);
  });

  it("drops an unpublished appeal at once and refuses tips to it", async () => {
    const team = await createTeam();
    const clue = await approvedClue(team);
    const appeal = await publish(team.liaison, { clueId: clue.id, publicText: "A one-off appeal text 7c1e" });
    expect((await listPublishedAppeals()).map((row) => row.id)).toContain(appeal.id);
    await unpublishAppeal(team.liaison, appeal.id);
    expect((await listPublishedAppeals()).map((row) => row.id)).not.toContain(appeal.id);
    expect(await (await fetch(`${server.url}/appeals`)).text()).not.toContain("A one-off appeal text 7c1e");
    const late = await tip(appeal.id, "Is it still open?");
    expect(late.status).toBe(404);
    expect(late.html).toContain("no longer published");
    expect(await prisma.publicTip.count({ where: { appealId: appeal.id } })).toBe(0);
    await expect(unpublishAppeal(team.liaison, appeal.id)).rejects.toBeInstanceOf(ValidationError);
    // Published again later, it is a new appeal.
    expect((await publish(team.liaison, { clueId: clue.id, publicText: "Back up" })).id).not.toBe(appeal.id);
  });

  it("withdraws an appeal when its clue's code is raised or the clue deleted, in the same write, audited", async () => {
    const team = await createTeam();
    const raised = await approvedClue(team);
    const appeal = await publish(team.liaison, { clueId: raised.id, publicText: "Appeal text raised 41d0" });
    const current = await prisma.clue.findUniqueOrThrow({ where: { id: raised.id } });
    await updateClue(team.coordinator, raised.id, { version: current.version, handlingCode: "RED" });
    expect((await listPublishedAppeals()).map((row) => row.id)).not.toContain(appeal.id);
    expect(await (await fetch(`${server.url}/appeals`)).text()).not.toContain("Appeal text raised 41d0");
    expect((await tip(appeal.id, "Seen it in Gdansk")).status).toBe(404);
    expect(await prisma.publicTip.count({ where: { appealId: appeal.id } })).toBe(0);
    const withdrawn = await prisma.auditEvent.findFirst({ where: { action: "appeal.unpublish", itemId: raised.id } });
    expect(withdrawn).toMatchObject({ actorId: team.coordinator.id, details: { appealId: appeal.id, withdrawn: "Only a TLP:CLEAR clue can be published as a public appeal." } });

    const deleted = await approvedClue(team);
    const second = await publish(team.liaison, { clueId: deleted.id, publicText: "Appeal text deleted 9e22" });
    await deleteClue(team.analyst, deleted.id);
    expect((await listPublishedAppeals()).map((row) => row.id)).not.toContain(second.id);
  });

  it("gives the liaison a queue page with unpublish, and nobody else", async () => {
    const team = await createTeam();
    const clue = await approvedClue(team);
    await publish(team.liaison, { clueId: clue.id, publicText: "Queue page appeal" });
    const cookie = async (id: string) => (await startSession(id, { mfaVerified: true })).split(";")[0];
    const liaisonPage = await (await fetch(`${server.url}/appeals/queue`, { headers: { Cookie: await cookie(team.liaison.id) } })).text();
    expect(liaisonPage).toContain("Queue page appeal");
    expect(liaisonPage).toContain(">Unpublish<");
    const analyst = await fetch(`${server.url}/appeals/queue`, { headers: { Cookie: await cookie(team.analyst.id) }, redirect: "manual" });
    expect(analyst.status).toBe(404);
  });
});
