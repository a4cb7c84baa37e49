// A shared lead decided in its one statement (writeDecidedCreate, decision 033): the same event as the guarded
// create decided in TypeScript; a socket's re-check as a condition of that statement (credentialHeldSql), which
// holds exactly when the credential check and the snapshot comparison would pass; and a share whose condition
// fails writes nothing and is answered by the ordinary path.
import { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import type { Actor } from "~/auth/permissions.server";
import { credentialHeldSql, hashSessionId } from "~/auth/session.server";
import { prisma } from "~/db.server";
import { claimLead, shareLead } from "~/models/lead-room.server";
import { UnauthenticatedError } from "~/utils/errors.server";
import { createLead } from "../helpers/edge";
import { createTeam } from "../helpers/factories";
import { sessionCookie } from "../helpers/pages";
import { accessTokenFor } from "../helpers/sockets";

type Credential = Parameters<typeof credentialHeldSql>[0];

async function holds(credential: Credential, actor: Actor, taskforceId: string): Promise<boolean> {
  const [row] = await prisma.$queryRaw<{ held: boolean }[]>`SELECT ${credentialHeldSql(credential, actor, Prisma.sql`${taskforceId}`)} AS "held"`;
  return row.held;
}

/** The actor as a socket's event carries it: its re-check still running (never settling here), and its condition. */
function socketActor(actor: Actor, credential: Credential, confirmed: Promise<void> = new Promise(() => undefined)): Actor {
  return { ...actor, confirmed, confirmedWhere: (taskforceId) => credentialHeldSql(credential, actor, taskforceId) };
}

const sharesOf = (leadId: string) => prisma.roomEvent.findMany({ where: { itemId: leadId, type: "lead.shared" }, orderBy: { seq: "asc" } });

describe("a lead shared in one statement", () => {
  it("stores the same event as the guarded create: payload (claim included) and visibility", async () => {
    const team = await createTeam();
    const lead = await createLead(team.analyst, team.case.id, { title: "Bus ticket, line 7", hypothesis: "Kraków", handlingCode: "AMBER_STRICT" });
    await claimLead(team.coordinator, lead.id);
    // `confirmed` never settles: only the one-statement path can answer this share.
    const token = await accessTokenFor(team.analyst);
    const decided = await shareLead(socketActor(team.analyst, { kind: "token", token }), lead.id, "Same note", { idempotencyKey: "decided-0000" });
    // An actor whose re-check is still running and who carries no condition takes the guarded create.
    const guarded = await shareLead({ ...team.analyst, confirmed: Promise.resolve() }, lead.id, "Same note");
    expect(decided.payload).toEqual(guarded.payload);
    expect(decided.visibility).toEqual(guarded.visibility);
    expect(decided.payload).toMatchObject({
      lead: { id: lead.id, title: "Bus ticket, line 7", hypothesis: "Kraków", handlingCode: "AMBER_STRICT", caseReference: team.case.reference },
      claim: { leadId: lead.id, holder: { id: team.coordinator.id, displayName: team.coordinator.displayName } },
    });
    expect((decided.payload as { claim: { expiresAt: string } }).claim.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const audits = await prisma.auditEvent.findMany({ where: { itemId: lead.id, action: "lead.share" } });
    expect(audits).toHaveLength(2);
    for (const audit of audits) expect(audit).toMatchObject({ actorId: team.analyst.id, taskforceId: team.taskforce.id, caseId: team.case.id, itemType: "LEAD", details: { note: "Same note" } });
  });

  it("writes without waiting for a socket's re-check while the credential holds", async () => {
    const team = await createTeam();
    const lead = await createLead(team.analyst, team.case.id, { title: "Tram map" });
    const token = await accessTokenFor(team.analyst);
    // `confirmed` never settles: only the one-statement path can answer.
    const shared = await shareLead(socketActor(team.analyst, { kind: "token", token }), lead.id, "Now", { idempotencyKey: "decided-0001" });
    expect((await sharesOf(lead.id)).map((event) => event.id.toString())).toEqual([shared.id]);
  });

  it("writes nothing when the credential ended, and the share is refused by the re-check", async () => {
    const team = await createTeam();
    const lead = await createLead(team.analyst, team.case.id, { title: "Tram map" });
    const token = await accessTokenFor(team.analyst);
    await prisma.accessToken.updateMany({ where: { userId: team.analyst.id }, data: { revokedAt: new Date() } });
    const refused = Promise.reject(new UnauthenticatedError("Your session has ended. Sign in again."));
    refused.catch(() => undefined);
    await expect(shareLead(socketActor(team.analyst, { kind: "token", token }, refused), lead.id, "Late", { idempotencyKey: "decided-0002" })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await sharesOf(lead.id)).toEqual([]);
    expect(await prisma.auditEvent.count({ where: { itemId: lead.id, action: "lead.share" } })).toBe(0);
  });

  it("holds its credential condition exactly when the re-check would pass: tokens", async () => {
    const team = await createTeam();
    const { analyst } = team;
    const tf = team.taskforce.id;
    const token = await accessTokenFor(analyst);
    const credential: Credential = { kind: "token", token };
    expect(await holds(credential, analyst, tf)).toBe(true);
    expect(await holds({ kind: "token", token: `${token}x` }, analyst, tf)).toBe(false);
    expect(await holds(credential, team.coordinator, tf)).toBe(false); // another user's token
    expect(await holds(credential, { ...analyst, role: "COORDINATOR" }, tf)).toBe(false); // the snapshot's role is not the user's
    expect(await holds(credential, { ...analyst, agency: "Agency Z" }, tf)).toBe(false);
    const other = await createTeam();
    expect(await holds(credential, analyst, other.taskforce.id)).toBe(false); // not a member there
    await prisma.accessToken.updateMany({ where: { userId: analyst.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await holds(credential, analyst, tf)).toBe(false);
    await prisma.accessToken.updateMany({ where: { userId: analyst.id }, data: { expiresAt: new Date(Date.now() + 60_000), revokedAt: new Date() } });
    expect(await holds(credential, analyst, tf)).toBe(false);
    await prisma.accessToken.updateMany({ where: { userId: analyst.id }, data: { revokedAt: null } });
    expect(await holds(credential, analyst, tf)).toBe(true);
    await prisma.user.update({ where: { id: analyst.id }, data: { status: "SUSPENDED" } });
    expect(await holds(credential, analyst, tf)).toBe(false);
  });

  it("holds its credential condition exactly when the re-check would pass: sessions", async () => {
    const team = await createTeam();
    const { analyst } = team;
    const tf = team.taskforce.id;
    const sessionId = hashSessionId((await sessionCookie(analyst.id)).split("=")[1]);
    const credential: Credential = { kind: "session", sessionId };
    expect(await holds(credential, analyst, tf)).toBe(true);
    await prisma.user.update({ where: { id: analyst.id }, data: { role: "COORDINATOR" } });
    expect(await holds(credential, analyst, tf)).toBe(false);
    await prisma.user.update({ where: { id: analyst.id }, data: { role: "ANALYST" } });
    await prisma.taskforceMember.deleteMany({ where: { userId: analyst.id, taskforceId: tf } });
    expect(await holds(credential, analyst, tf)).toBe(false);
    await prisma.taskforceMember.create({ data: { userId: analyst.id, taskforceId: tf } });
    expect(await holds(credential, analyst, tf)).toBe(true);
    // Idle for longer than the idle timeout (30 minutes), then past the absolute lifetime.
    await prisma.session.update({ where: { id: sessionId }, data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) } });
    expect(await holds(credential, analyst, tf)).toBe(false);
    await prisma.session.update({ where: { id: sessionId }, data: { lastSeenAt: new Date(), expiresAt: new Date(Date.now() - 1000) } });
    expect(await holds(credential, analyst, tf)).toBe(false);
    await prisma.session.update({ where: { id: sessionId }, data: { expiresAt: new Date(Date.now() + 60_000), mfaVerified: false } });
    expect(await holds(credential, analyst, tf)).toBe(false);
    await prisma.session.update({ where: { id: sessionId }, data: { mfaVerified: true } });
    await prisma.user.update({ where: { id: analyst.id }, data: { passwordChangeRequired: true } });
    expect(await holds(credential, analyst, tf)).toBe(false);
    await prisma.user.update({ where: { id: analyst.id }, data: { passwordChangeRequired: false } });
    expect(await holds(credential, analyst, tf)).toBe(true);
    await prisma.session.delete({ where: { id: sessionId } });
    expect(await holds(credential, analyst, tf)).toBe(false);
  });
});
