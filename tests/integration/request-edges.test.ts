// What an outside probe got through at the edges (issue 10), written as the rules that now keep it out: rate
// limits count the credential's identity, not its header text; characters PostgreSQL cannot store are refused
// at every edge, never a 500; the CSRF origin check follows the credential the request is judged by.
import { afterEach, describe, expect, it } from "vitest";
import type { Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { resetApiRateLimits } from "~/utils/api.server";
import { createTeam } from "../helpers/factories";
import { sessionCookie } from "../helpers/pages";
import { request, socketTestSuite } from "../helpers/sockets";
import { createAccessToken } from "../helpers/edge";
import { clueAs, leadAs, SHA256 } from "../helpers/workspace";

const suite = socketTestSuite();

// Response bodies are whatever the server sent; the assertions say what they must contain.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function tokenFor(actor: Actor): Promise<string> {
  return (await createAccessToken(actor, { name: "edge test", days: 1 })).token;
}

async function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: Json; text: string }> {
  const response = await fetch(`${suite.url}${path}`, { method, headers, body, redirect: "manual" });
  const text = await response.text();
  let json: Json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // a page, or plain text
  }
  return { status: response.status, body: json, text };
}

/** The limit for one test; counts start from nothing (they are kept per process, for a minute). */
function limitTo(perMinute: number) {
  const previous = process.env.API_RATE_LIMIT_PER_MINUTE;
  process.env.API_RATE_LIMIT_PER_MINUTE = String(perMinute);
  resetApiRateLimits();
  return () => {
    if (previous === undefined) delete process.env.API_RATE_LIMIT_PER_MINUTE;
    else process.env.API_RATE_LIMIT_PER_MINUTE = previous;
    resetApiRateLimits();
  };
}

describe("API rate limits count the credential, not the header text", () => {
  let restore = () => {};
  afterEach(() => restore());

  it("counts seven spellings of one token's Authorization header as one token", async () => {
    const team = await createTeam();
    const token = await tokenFor(team.analyst);
    restore = limitTo(20);
    const spellings = [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer  ${token}`, `Bearer\t${token}`, `bEaReR ${token}`, `Bearer \t ${token}`];
    const statuses: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (const authorization of spellings) statuses.push((await send("GET", "/api/v1/cases", { Authorization: authorization })).status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(200));
    expect(statuses.slice(20)).toEqual(Array(8).fill(429));
  });

  it("counts a browser session under its user, whatever else the Cookie header carries", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.analyst.id);
    restore = limitTo(10);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await send("GET", "/api/v1/cases", { Cookie: `junk${i}=${i}; ${cookie}; more=${i}` })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it("counts failed authentication under the client address, and then stops looking up new tokens, while a token in use goes on", async () => {
    const team = await createTeam();
    const token = await tokenFor(team.analyst);
    const fresh = await tokenFor(team.coordinator);
    restore = limitTo(10);
    expect((await send("GET", "/api/v1/cases", { Authorization: `Bearer ${token}` })).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await send("GET", "/api/v1/cases", { Authorization: `Bearer cbt_guess${i}` })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    // No credential at all counts there too.
    expect((await send("GET", "/api/v1/cases")).status).toBe(429);
    // A valid token not seen before from this address waits for the window; the one in use is counted as itself.
    expect((await send("GET", "/api/v1/cases", { Authorization: `Bearer ${fresh}` })).status).toBe(429);
    expect((await send("GET", "/api/v1/cases", { Authorization: `Bearer ${token}` })).status).toBe(200);
  });
});

const NUL = "\u0000";

describe("characters that cannot be stored are refused at every edge, never a 500", () => {
  async function clueCount(caseId: string) {
    return prisma.clue.count({ where: { caseId } });
  }

  it("answers 404 for a NUL in an API path id, for reads and writes", async () => {
    const team = await createTeam();
    const auth = { Authorization: `Bearer ${await tokenFor(team.analyst)}` };
    const json = { ...auth, "Content-Type": "application/json" };
    for (const path of ["/api/v1/clues/%00", `/api/v1/cases/${team.case.id}%00`, "/api/v1/leads/a%00b/comments", "/api/v1/clues/%01"]) {
      expect((await send("GET", path, auth)).status, path).toBe(404);
    }
    expect((await send("PATCH", "/api/v1/clues/%00", json, JSON.stringify({ version: 1, detail: "x" }))).status).toBe(404);
    expect((await send("POST", `/api/v1/cases/${team.case.id}%00/clues`, json, JSON.stringify({ category: "text_language", value: "x" }))).status).toBe(404);
    expect(await clueCount(team.case.id)).toBe(0);
  });

  it("answers 422 naming the parameter for a NUL in a query string", async () => {
    const team = await createTeam();
    const auth = { Authorization: `Bearer ${await tokenFor(team.analyst)}` };
    const queries: [string, string][] = [
      ["/api/v1/search?q=socket&caseId=%00", "caseId"],
      ["/api/v1/search?q=socket&category=a%00b", "category"],
      [`/api/v1/cases/${team.case.id}/clues?category=%00`, "category"],
      ["/api/v1/tasks/board?caseId=%00", "caseId"],
      ["/api/v1/search?q=socket%00", "q"],
    ];
    for (const [path, field] of queries) {
      const response = await send("GET", path, auth);
      expect(response.status, path).toBe(422);
      expect(Object.keys(response.body.error.fields), path).toEqual([field]);
    }
    expect((await send("GET", `/api/v1/search?q%00=socket`, auth)).status).toBe(422);
  });

  it("answers 422 for a NUL or a lone surrogate anywhere in a JSON body, keys included, and writes nothing", async () => {
    const team = await createTeam();
    const json = { Authorization: `Bearer ${await tokenFor(team.analyst)}`, "Content-Type": "application/json" };
    const clue = { category: "text_language", value: "Shampoo label", mediaRefs: [{ algorithm: "SHA256", value: SHA256 }] };
    const bodies: [string, string, string][] = [
      ["a NUL in a text field", JSON.stringify({ ...clue, value: `Shampoo${NUL}label` }), "value"],
      ["a NUL in an id list", JSON.stringify({ ...clue, recipientIds: [team.coordinator.id, `x${NUL}`] }), "recipientIds.1"],
      ["a NUL in a nested object", JSON.stringify({ ...clue, mediaRefs: [{ algorithm: "SHA256", value: `${SHA256}${NUL}` }] }), "mediaRefs.0.value"],
      ["a NUL in a nested key", JSON.stringify({ ...clue, evaluation: { [`source${NUL}Reliability`]: "B" } }), "evaluation"],
      ["a lone surrogate", `{"category":"text_language","value":"Shampoo \\uD800 label"}`, "value"],
      ["U+FFFF", JSON.stringify({ ...clue, detail: "a\uFFFFb" }), "detail"],
    ];
    for (const [what, body, field] of bodies) {
      const response = await send("POST", `/api/v1/cases/${team.case.id}/clues`, json, body);
      expect(response.status, what).toBe(422);
      expect(Object.keys(response.body.error.fields), what).toEqual([field]);
    }
    const { id: clueId } = await clueAs(team.analyst, team.case.id);
    const patched = await send("PATCH", `/api/v1/clues/${clueId}`, json, JSON.stringify({ version: 1, detail: `x${NUL}` }));
    expect(patched.status).toBe(422);
    expect(await clueCount(team.case.id)).toBe(1);
    expect((await prisma.clue.findUniqueOrThrow({ where: { id: clueId } })).version).toBe(1);
  });

  it("keeps tab, CR, LF and paired surrogates (an emoji) as ordinary text", async () => {
    const team = await createTeam();
    const json = { Authorization: `Bearer ${await tokenFor(team.analyst)}`, "Content-Type": "application/json" };
    const created = await send("POST", `/api/v1/cases/${team.case.id}/clues`, json, JSON.stringify({ category: "text_language", value: "Label", detail: "Line one\r\nLine\ttwo \u{1F600}" }));
    expect(created.status).toBe(201);
    expect(created.body.detail).toBe("Line one\r\nLine\ttwo \u{1F600}");
  });

  it("answers 422 for a NUL in a page's form field and 404 for one in a page's path, and writes nothing", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.analyst.id);
    const form = { Cookie: cookie, Origin: suite.url, "Content-Type": "application/x-www-form-urlencoded" };
    const body = new URLSearchParams({ category: "text_language", value: `Shampoo${NUL}label`, handlingCode: "AMBER" }).toString();
    const posted = await send("POST", `/cases/${team.case.id}/clues/new`, form, body);
    expect(posted.status).toBe(422);
    expect(posted.text).toContain("cannot be stored");
    const formPostedToApi = await send("POST", `/api/v1/cases/${team.case.id}/clues`, { Authorization: `Bearer ${await tokenFor(team.analyst)}`, "Content-Type": "application/x-www-form-urlencoded" }, body);
    expect(formPostedToApi.status).toBe(422);
    expect(formPostedToApi.body.error.fields.value).toBeDefined();
    expect(await clueCount(team.case.id)).toBe(0);
    for (const path of ["/clues/%00", `/cases/${team.case.id}%00`, "/leads/%00", "/tasks/%00", "/rooms/%00"]) {
      expect((await send("GET", path, { Cookie: cookie })).status, path).toBe(404);
    }
    expect((await send("GET", "/board?caseId=%00", { Cookie: cookie })).status).toBe(422);
  });

  it("acks a socket event carrying a NUL or a lone surrogate with VALIDATION_FAILED naming the field, and writes nothing", async () => {
    const team = await createTeam();
    const lead = await leadAs(team.analyst, team.case.id);
    const socket = await suite.connect(team.analyst);
    const payloads: [string, Parameters<typeof request>[1], unknown, string][] = [
      ["a NUL in a create", "clue:create", { caseId: team.case.id, clue: { category: "text_language", value: `Shampoo${NUL}label` } }, "clue.value"],
      ["a NUL in an id", "lead:share", { leadId: `${lead.id}${NUL}` }, "leadId"],
      ["a NUL in an id list", "lead:update", { leadId: lead.id, changes: { version: 1, recipientIds: [`x${NUL}`] } }, "changes.recipientIds.0"],
      ["a lone surrogate", "comment:create", { itemType: "LEAD", itemId: lead.id, body: "Seen \uD800 here" }, "body"],
      ["a NUL in a key", "clue:create", { caseId: team.case.id, clue: { category: "text_language", value: "x", [`k${NUL}`]: 1 } }, "clue"],
    ];
    for (const [what, event, payload, field] of payloads) {
      const ack = await request(socket, event, payload);
      expect(ack, what).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED" } });
      expect(ack.ok ? [] : Object.keys(ack.error.fields ?? {}), what).toEqual([field]);
    }
    expect(await clueCount(team.case.id)).toBe(0);
    expect(await prisma.comment.count({ where: { itemId: lead.id } })).toBe(0);
    expect(await prisma.roomEvent.count({ where: { type: "lead.shared", itemId: lead.id } })).toBe(0);
  });
});

describe("the CSRF origin check follows the credential the request is judged by", () => {
  function tokenForm(extra: Record<string, string> = {}) {
    return new URLSearchParams({ intent: "createToken", name: "forged", days: "7", ...extra }).toString();
  }

  it("refuses a cookie page POST carrying 'Authorization: Bearer x' from another site, or with no Origin, with 403", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.analyst.id);
    const headers = { Cookie: cookie, Authorization: "Bearer x", "Content-Type": "application/x-www-form-urlencoded" };
    const foreign = await send("POST", "/account", { ...headers, Origin: "https://evil.example" }, tokenForm());
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain("did not come from a Cluebridge page");
    expect((await send("POST", "/account", headers, tokenForm())).status).toBe(403);
    expect((await send("POST", "/account.data", { ...headers, Origin: "https://evil.example" }, tokenForm())).status).toBe(403);
    expect(await prisma.accessToken.count({ where: { userId: team.analyst.id } })).toBe(0);
    // From our own page the same form works: the header was never what let it through.
    expect((await send("POST", "/account", { ...headers, Origin: suite.url }, tokenForm())).status).toBe(200);
    expect(await prisma.accessToken.count({ where: { userId: team.analyst.id } })).toBe(1);
  });

  it("judges an API request carrying a cookie and an Authorization header by the header alone, so the cookie cannot ride along", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.coordinator.id);
    const create = JSON.stringify({ taskforceId: team.taskforce.id, reference: `VID-EDGE-${Date.now()}`, title: "Forged", originKind: "ICSE", originText: "x" });
    const json = { Cookie: cookie, "Content-Type": "application/json", Origin: "https://evil.example" };
    const withHeader = await send("POST", "/api/v1/cases", { ...json, Authorization: "Bearer x" }, create);
    expect(withHeader.status).toBe(401);
    const cookieOnly = await send("POST", "/api/v1/cases", json, create);
    expect(cookieOnly.status).toBe(403);
    expect(cookieOnly.body.error.code).toBe("CSRF_ORIGIN_REFUSED");
    expect(await prisma.case.count({ where: { title: "Forged" } })).toBe(0);
  });

  it("answers an allowed Origin sent to another Host (a forged X-Forwarded-Host) with 403, not Remix's 500", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.analyst.id);
    const headers = { Cookie: cookie, Origin: suite.url, "X-Forwarded-Host": "evil.example", "Content-Type": "application/x-www-form-urlencoded" };
    const response = await send("POST", "/account", headers, tokenForm());
    expect(response.status).toBe(403);
    expect(response.text).toContain("does not match the address it was sent to");
    expect(await prisma.accessToken.count({ where: { userId: team.analyst.id } })).toBe(0);
  });
});
