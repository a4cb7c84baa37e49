// Issue 10: encoded media refused by what it is, the same over HTTP (API and pages) and sockets, with clear
// per-field errors; fragments that each pass are added up per author, refused and audited.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { flushAuditRecords } from "~/models/audit.server";
import { ENCODED_FRAGMENTS_AUDIT_ACTION, ENCODED_FRAGMENTS_MESSAGE } from "~/models/encoded-fragments.server";
import { TEXT_ONLY_MESSAGES } from "~/validation/text-only";
import { ascii85Body, pseudoRandomBytes } from "../helpers/encoded-bytes";
import { createTeam } from "../helpers/factories";
import { sessionCookie } from "../helpers/pages";
import { accessTokenFor, request, requestOk, socketTestSuite } from "../helpers/sockets";
import { SHA256 } from "../helpers/workspace";

const suite = socketTestSuite();

const IMAGE_ASCII85 = ascii85Body(pseudoRandomBytes(400, 3));
const IMAGE_BRAILLE = [...pseudoRandomBytes(400, 4)].map((b) => String.fromCodePoint(0x2800 + b)).join("");
/** A 900-byte payload in base64, cut into comment-sized pieces that each pass the per-text guard (under 64 characters). */
const BASE64_PIECES = (pseudoRandomBytes(900, 5).toString("base64").match(/.{1,60}/g) ?? []).map((piece, i) => `part ${i}: ${piece}`);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
async function api(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${suite.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const clue = (overrides: Record<string, unknown> = {}) => ({ category: "object_product", value: "Shampoo bottle, brand X", detail: "", ...overrides });

describe("encoded media over the API", () => {
  it("refuses encoded bytes in any alphabet with 422 naming the field, and writes nothing", async () => {
    const team = await createTeam();
    const token = await accessTokenFor(team.analyst);
    for (const detail of [IMAGE_ASCII85, IMAGE_BRAILLE, [...pseudoRandomBytes(300, 6)].join(" ")]) {
      const response = await api(token, "POST", `/cases/${team.case.id}/clues`, clue({ detail }));
      expect(response.status).toBe(422);
      expect(response.body.error.fields.detail).toEqual([TEXT_ONLY_MESSAGES.ENCODED_BYTES]);
    }
    const link = await api(token, "POST", `/cases/${team.case.id}/clues`, clue({ value: "See https://www.dropbox.com/s/a1b2c3/x?dl=0" }));
    expect(link.status).toBe(422);
    expect(link.body.error.fields.value).toEqual([TEXT_ONLY_MESSAGES.MEDIA_LINK]);
    expect(await prisma.clue.count({ where: { caseId: team.case.id } })).toBe(0);
  });

  it("caps media references per clue and refuses references that read as file data", async () => {
    const team = await createTeam();
    const token = await accessTokenFor(team.analyst);
    const refs = (n: number) => Array.from({ length: n }, (_, i) => ({ algorithm: "SHA256", value: pseudoRandomBytes(32, 50 + i).toString("hex") }));
    const nine = await api(token, "POST", `/cases/${team.case.id}/clues`, clue({ mediaRefs: refs(9) }));
    expect(nine.status).toBe(422);
    expect(nine.body.error.fields.mediaRefs).toEqual(["At most 8 media references per clue; refer to a series by its AGENCY id."]);
    const carrier = await api(token, "POST", `/cases/${team.case.id}/clues`, clue({ mediaRefs: [{ algorithm: "AGENCY", value: "aZ9kQ2mX7pL4vB8nR3tY6wE1sD5fG0hJcUiOo" }] }));
    expect(carrier.status).toBe(422);
    expect(carrier.body.error.fields["mediaRefs.0.value"][0]).toMatch(/AGENCY id is a letter prefix/);
    const eight = await api(token, "POST", `/cases/${team.case.id}/clues`, clue({ mediaRefs: [...refs(7), { algorithm: "SHA256", value: SHA256 }] }));
    expect(eight.status).toBe(201);
  });

  it("refuses the comment that completes a base64 payload cut into pieces, and audits it for an admin", async () => {
    const team = await createTeam();
    const token = await accessTokenFor(team.analyst);
    const created = await api(token, "POST", `/cases/${team.case.id}/clues`, clue());
    expect(created.status).toBe(201);
    const path = `/clues/${created.body.id}/comments`;
    const statuses: number[] = [];
    let refusal: Json = null;
    for (const piece of BASE64_PIECES) {
      const response = await api(token, "POST", path, { body: piece });
      statuses.push(response.status);
      if (response.status !== 201) {
        refusal = response.body;
        break;
      }
    }
    expect(statuses.slice(0, -1).every((status) => status === 201)).toBe(true);
    expect(statuses.at(-1)).toBe(422);
    expect(statuses.length).toBeLessThan(BASE64_PIECES.length);
    expect(refusal.error.fields.body).toEqual([ENCODED_FRAGMENTS_MESSAGE]);
    await flushAuditRecords();
    const audit = await prisma.auditEvent.findMany({ where: { action: ENCODED_FRAGMENTS_AUDIT_ACTION, actorId: team.analyst.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: "denied", itemType: "COMMENT", caseId: team.case.id });
    expect(await prisma.comment.count({ where: { itemId: created.body.id } })).toBe(statuses.length - 1);
  });

  it("lets an analyst write plain clues in many scripts, hash lists included, without tripping the window", async () => {
    const team = await createTeam();
    const token = await accessTokenFor(team.analyst);
    const values = [
      "Shop sign «Аптека» and «ΦΑΡΜΑΚΕΙΟ», plate WX 12345, VIN 1HGCM82633A004352, EAN 5901234123457",
      "صيدلية النهدي، شارع الملك فهد — מכולת השכונה — ร้านขายยา — 薬局 マツモトキヨシ — 편의점 GS25 — दवा की दुकान",
      `Hashes of the series: ${Array.from({ length: 12 }, (_, i) => pseudoRandomBytes(32, 900 + i).toString("hex")).join(", ")}`,
    ];
    for (let round = 0; round < 4; round++) {
      for (const value of values) {
        const response = await api(token, "POST", `/cases/${team.case.id}/clues`, clue({ value: value.slice(0, 500), detail: value }));
        expect(response.status, value).toBe(201);
      }
    }
  });
});

describe("encoded media over sockets", () => {
  it("refuses encoded bytes with an ack error code naming the field", async () => {
    const team = await createTeam();
    const socket = await suite.connect(team.analyst);
    const ack = await request(socket, "clue:create", { caseId: team.case.id, clue: clue({ detail: IMAGE_BRAILLE }) });
    expect(ack).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED", fields: { "clue.detail": [TEXT_ONLY_MESSAGES.ENCODED_BYTES] } } });
    const link = await request(socket, "clue:create", { caseId: team.case.id, clue: clue({ value: "stream at rtsp://10.0.0.5:554/live" }) });
    expect(link).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED", fields: { "clue.value": [TEXT_ONLY_MESSAGES.MEDIA_LINK] } } });
    expect(await prisma.clue.count({ where: { caseId: team.case.id } })).toBe(0);
  });

  it("refuses the socket comment that completes a split payload, with the same message and audit", async () => {
    const team = await createTeam();
    const socket = await suite.connect(team.analyst);
    const created = await requestOk(socket, "clue:create", { caseId: team.case.id, clue: clue() });
    let refused: Json = null;
    let sent = 0;
    for (const piece of BASE64_PIECES) {
      const ack = await request(socket, "comment:create", { itemType: "CLUE", itemId: created.item.id, body: piece });
      sent++;
      if (!ack.ok) {
        refused = ack;
        break;
      }
    }
    expect(sent).toBeLessThan(BASE64_PIECES.length);
    expect(refused).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED", fields: { body: [ENCODED_FRAGMENTS_MESSAGE] } } });
    await flushAuditRecords();
    expect(await prisma.auditEvent.count({ where: { action: ENCODED_FRAGMENTS_AUDIT_ACTION, actorId: team.analyst.id } })).toBe(1);
  });
});

describe("encoded media through the pages", () => {
  it("refuses the form with the message on the field and keeps everything typed", async () => {
    const team = await createTeam();
    const cookie = await sessionCookie(team.analyst.id);
    const typed = { category: "object_product", value: "Toothpaste tube, brand Y", detail: IMAGE_ASCII85.slice(0, 400), mediaRefs: `SHA256:${SHA256}`, then: "case" };
    const response = await fetch(`${suite.url}/cases/${team.case.id}/clues/new`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: suite.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(typed),
      redirect: "manual",
    });
    const html = await response.text();
    expect(response.status).toBe(422);
    expect(html).toContain("this field contains a long run of encoded data");
    expect(html).toContain('value="Toothpaste tube, brand Y"');
    expect(html).toContain(typed.mediaRefs);
    expect(html).toContain(IMAGE_ASCII85.slice(0, 40).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"));
  });
});
