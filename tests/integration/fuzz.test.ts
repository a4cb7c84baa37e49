// Generated junk (fast-check, fixed seed, bounded runs) at every operation of the OpenAPI document and every
// client event of the realtime protocol, against the real app and database. Whatever arrives, the answer is a
// documented 4xx (the contract check of setup.ts validates each one) or a well-formed error ack: never a 500,
// never a crash, and a refused write leaves the case data exactly as it was. Object.prototype stays clean
// and the audit chain still verifies at the end.
import fc from "fast-check";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { sealAudit, verifyAuditChain } from "~/models/audit.server";
import type { ClientEventName } from "~/realtime/protocol";
import { buildOpenApiDocument } from "~/utils/openapi.server";
import {
  clueCreateEventSchema,
  clueUpdateEventSchema,
  commentCreateEventSchema,
  leadClaimSchema,
  leadCreateEventSchema,
  leadReassignClaimSchema,
  leadShareSchema,
  leadUpdateEventSchema,
  presenceViewingSchema,
  reviewDecideEventSchema,
  roomJoinSchema,
  roomLeaveSchema,
  taskAssignEventSchema,
  taskUpdateEventSchema,
} from "~/validation/realtime";
import { apiCallerFor, type ApiCaller } from "../helpers/api";
import { createAccessToken, createClue, createComment, createLead, createTask } from "../helpers/edge";
import { createTeam } from "../helpers/factories";
import { junkValue, pathSegment, rawBody, shapedJunk, urlPart, type JsonSchema } from "../helpers/junk";
import { startTestServer, type TestServer } from "../helpers/server";
import { connectSocket, type TestSocket } from "../helpers/sockets";
import { SHA256 } from "../helpers/workspace";

const SEED = 20261201;
const RUNS_PER_OPERATION = 10;
const RUNS_PER_EVENT = 12;

// The case data a refused write must leave alone (audit records are written for refusals too, and are checked
// by verifying the chain instead; sessions and tokens record their last use).
const CASE_DATA_TABLES = [
  "Taskforce",
  "TaskforceMember",
  "Case",
  "Clue",
  "ClueMediaRef",
  "ClueVersion",
  "ClueRecipient",
  "Lead",
  "LeadClue",
  "LeadRecipient",
  "Task",
  "Comment",
  "CommentMention",
  "Review",
  "DisseminationRecipient",
  "Dissemination",
  "Appeal",
  "PublicTip",
  "RoomEvent",
];

/** One md5 per table over every row: any insert, update or delete changes it. */
async function caseDataFingerprint(): Promise<Record<string, string>> {
  const columns = CASE_DATA_TABLES.map((table) => `(SELECT coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM "${table}" t) AS "${table}"`);
  const [row] = await prisma.$queryRawUnsafe<Record<string, string>[]>(`SELECT ${columns.join(", ")}`);
  return row;
}

function expectPrototypeClean() {
  expect(({} as Record<string, unknown>).polluted, "Object.prototype was polluted").toBeUndefined();
}

let server: TestServer;
let team: Awaited<ReturnType<typeof createTeam>>;
let ids: Record<string, string>;
const previousLimits = { api: process.env.API_RATE_LIMIT_PER_MINUTE, perSecond: process.env.REALTIME_EVENTS_PER_SECOND, burst: process.env.REALTIME_EVENT_BURST };

beforeAll(async () => {
  // The fuzz is about input, not about rate limits (tested elsewhere): let every generated request through.
  process.env.API_RATE_LIMIT_PER_MINUTE = "1000000";
  process.env.REALTIME_EVENTS_PER_SECOND = "100000";
  process.env.REALTIME_EVENT_BURST = "100000";
  server = await startTestServer();
  team = await createTeam();
  const clue = await createClue(team.analyst, team.case.id, { category: "text_language", value: "Tram line 4 sign", handlingCode: "GREEN", mediaRefs: [{ algorithm: "SHA256", value: SHA256 }] });
  const lead = await createLead(team.analyst, team.case.id, { title: "Tram city", clueIds: [clue.id], handlingCode: "GREEN" });
  const task = await createTask(team.coordinator, team.case.id, { title: "List tram networks", assigneeId: team.analyst.id, leadId: lead.id });
  const comment = await createComment(team.analyst, { itemType: "LEAD", itemId: lead.id, body: "Checked." });
  ids = { taskforce: team.taskforce.id, case: team.case.id, clue: clue.id, lead: lead.id, task: task.id, comment: comment.id, analyst: team.analyst.id, coordinator: team.coordinator.id };
});
afterAll(async () => {
  await server?.close();
  for (const [name, value] of [["API_RATE_LIMIT_PER_MINUTE", previousLimits.api], ["REALTIME_EVENTS_PER_SECOND", previousLimits.perSecond], ["REALTIME_EVENT_BURST", previousLimits.burst]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** Real ids (so junk reaches past "not found" into the handlers) or junk. */
const idOrJunk = () => fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...Object.values(ids)) }, { weight: 1, arbitrary: pathSegment });

describe("fuzzing the HTTP API", () => {
  const document = buildOpenApiDocument();
  type Operation = { operationId: string; parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema: { $ref: string } }> } };
  const operations: { method: string; template: string; operation: Operation }[] = [];
  for (const [template, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
    for (const method of ["get", "post", "patch"]) if (item[method]) operations.push({ method: method.toUpperCase(), template, operation: item[method] as Operation });
  }
  const schemas = document.components.schemas as Record<string, JsonSchema>;

  it("covers every documented operation", () => {
    expect(operations.length).toBeGreaterThan(25);
  });

  for (const { method, template, operation } of operations) {
    it(`${method} ${template} (${operation.operationId}): a documented 4xx for junk, and nothing half-written`, async () => {
      const callers: Record<string, ApiCaller> = {
        analyst: await apiCallerFor(server.url, team.analyst),
        coordinator: await apiCallerFor(server.url, team.coordinator),
        liaison: await apiCallerFor(server.url, team.liaison),
      };
      const bodyRef = operation.requestBody?.content["application/json"]?.schema.$ref;
      const bodySchema = bodyRef ? schemas[bodyRef.split("/").pop()!] : undefined;
      const queryNames = (operation.parameters ?? []).filter((parameter) => parameter.in === "query").map((parameter) => parameter.name);
      const pathNames = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);

      const request = fc.record({
        caller: fc.constantFrom("analyst", "coordinator", "liaison"),
        path: fc.record(Object.fromEntries(pathNames.map((name) => [name, name === "collection" ? fc.oneof(fc.constantFrom("clues", "leads"), pathSegment) : idOrJunk()]))),
        query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...queryNames, "__proto__", "q"), urlPart), urlPart), { maxLength: 4 }),
        body: method === "GET" ? fc.constant(undefined) : fc.option(rawBody(bodySchema), { nil: undefined, freq: 8 }),
        contentType: fc.constantFrom("application/json", "application/json", "application/json", "application/x-www-form-urlencoded", "text/plain"),
        idempotencyKey: fc.option(fc.oneof(fc.uuid(), fc.string({ unit: "binary-ascii", maxLength: 80 }).map((key) => key.replace(/[^\x20-\x7e]/g, ""))), { freq: 3 }),
      });

      await fc.assert(
        fc.asyncProperty(request, async ({ caller, path, query, body, contentType, idempotencyKey }) => {
          const url = template.replace(/\{(\w+)\}/g, (_, name: string) => path[name] as string) + (query.length ? `?${query.map(([key, value]) => `${key}=${value}`).join("&")}` : "");
          const headers: Record<string, string> = { "Content-Type": contentType };
          if (idempotencyKey !== null) headers["Idempotency-Key"] = idempotencyKey;
          const before = method === "GET" ? null : await caseDataFingerprint();
          // The contract check (setup.ts) throws here on any status or body the document does not allow.
          const response = await callers[caller](method, url, body, headers);
          expect(response.status, response.text.slice(0, 300)).toBeLessThan(500);
          if (before && response.status >= 400) expect(await caseDataFingerprint(), `${method} ${url} was refused but changed case data`).toEqual(before);
          expectPrototypeClean();
        }),
        { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
    });
  }
});

describe("fuzzing the realtime events", () => {
  // Every client event with the schema its handler parses with; the Record type makes the list complete.
  const EVENT_SCHEMAS: Record<ClientEventName, z.ZodType> = {
    "room:join": roomJoinSchema,
    "room:leave": roomLeaveSchema,
    "presence:viewing": presenceViewingSchema,
    "lead:share": leadShareSchema,
    "lead:claim": leadClaimSchema,
    "lead:release": leadClaimSchema,
    "lead:reassignClaim": leadReassignClaimSchema,
    "lead:getClaim": leadClaimSchema,
    "lead:create": leadCreateEventSchema,
    "lead:update": leadUpdateEventSchema,
    "clue:create": clueCreateEventSchema,
    "clue:update": clueUpdateEventSchema,
    "task:assign": taskAssignEventSchema,
    "task:update": taskUpdateEventSchema,
    "comment:create": commentCreateEventSchema,
    "review:decide": reviewDecideEventSchema,
  };
  const ID_FIELDS = new Set(["taskforceId", "caseId", "clueId", "leadId", "taskId", "itemId", "toUserId", "assigneeId", "ownerId"]);

  /** The event's documented shape with junk in it, and real ids in the id fields half the time. */
  function payloadFor(schema: z.ZodType): fc.Arbitrary<unknown> {
    const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
    const shaped = shapedJunk(json).chain((value) => {
      if (!value || typeof value !== "object" || Array.isArray(value)) return fc.constant(value);
      const idKeys = Object.keys(value).filter((key) => ID_FIELDS.has(key));
      return fc.record(Object.fromEntries(idKeys.map((key) => [key, fc.constantFrom(...Object.values(ids))])), { requiredKeys: [] }).map((real) => ({ ...value, ...real }));
    });
    return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: junkValue });
  }

  let socket: TestSocket;
  beforeAll(async () => {
    const { token } = await createAccessToken(team.analyst, { name: "fuzz", days: 1 });
    socket = await connectSocket(server.url, { token, origin: null });
  });
  afterAll(() => socket?.close());

  // Names socket.io-client itself refuses to emit.
  const RESERVED_EVENTS = new Set(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]);

  type AnyAck = { ok: true; data: unknown } | { ok: false; error: { code: unknown; message: unknown } };
  const emit = (event: string, args: unknown[]): Promise<AnyAck> =>
    new Promise((resolve, reject) =>
      (socket.timeout(10_000) as unknown as { emit(event: string, ...rest: unknown[]): void }).emit(event, ...args, (error: Error | null, ack: AnyAck) =>
        error ? reject(error) : resolve(ack),
      ),
    );

  function expectWellFormedAck(ack: AnyAck) {
    if (ack.ok === true) return;
    expect(ack).toMatchObject({ ok: false, error: { code: expect.any(String), message: expect.any(String) } });
    expect(ack.error.code, JSON.stringify(ack.error)).not.toBe("INTERNAL");
  }

  for (const [event, schema] of Object.entries(EVENT_SCHEMAS)) {
    it(`${event}: a well-formed ack for junk, and nothing half-written`, async () => {
      await fc.assert(
        fc.asyncProperty(payloadFor(schema), async (payload) => {
          const before = await caseDataFingerprint();
          const ack = await emit(event, [payload]);
          expectWellFormedAck(ack);
          if (!ack.ok) expect(await caseDataFingerprint(), `${event} was refused but changed case data`).toEqual(before);
          expectPrototypeClean();
        }),
        { seed: SEED, numRuns: RUNS_PER_EVENT, endOnFailure: true },
      );
      expect(socket.connected).toBe(true);
    });
  }

  it("answers unknown events, extra payloads and missing payloads with an error ack", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...Object.keys(EVENT_SCHEMAS)), fc.string({ maxLength: 80 }).filter((name) => !RESERVED_EVENTS.has(name))), fc.array(junkValue, { maxLength: 3 }), async (event, args) => {
        const before = await caseDataFingerprint();
        const ack = await emit(event, args);
        expectWellFormedAck(ack);
        if (!ack.ok) expect(await caseDataFingerprint()).toEqual(before);
      }),
      { seed: SEED, numRuns: 25, endOnFailure: true },
    );
    expect(socket.connected).toBe(true);
  });

  it("leaves the server up and the audit chain whole", async () => {
    const api = await apiCallerFor(server.url, team.analyst);
    expect((await api("GET", "/cases")).status).toBe(200);
    expect(socket.connected).toBe(true);
    await sealAudit();
    expect(await verifyAuditChain()).toMatchObject({ ok: true });
  });
});
