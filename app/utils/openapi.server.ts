// The OpenAPI 3.1 description of /api/v1, generated from the same zod schemas the API validates with
// (z.toJSONSchema, input side), so the document cannot drift from what the server accepts.
import { z } from "zod";
import { mayReachApiPath, type Actor } from "~/auth/permissions.server";
import { adminNewUserSchema, newMemberSchema, newTaskforceSchema, userUpdateSchema } from "~/validation/accounts";
import { caseFiltersSchema, createCaseSchema, updateCaseSchema } from "~/validation/case";
import { createClueSchema, listCluesQuerySchema, updateClueSchema } from "~/validation/clue";
import { commentBodySchema } from "~/validation/comment";
import { createLeadSchema, leadFiltersSchema, updateLeadSchema } from "~/validation/lead";
import { auditQuerySchema } from "~/validation/audit";
import { caseExportQuerySchema } from "~/validation/export";
import { listNotificationsQuerySchema, markNotificationsReadSchema } from "~/validation/notification";
import { createDisseminationSchema, listDisseminationsQuerySchema, newRecipientSchema, recipientUpdateSchema } from "~/validation/dissemination";
import { countryTasksSchema, referenceCorrectionSchema } from "~/validation/narrowing";
import { decideReviewSchema } from "~/validation/review";
import { searchQuerySchema } from "~/validation/search";
import { createTaskSchema, taskBoardQuerySchema, updateTaskSchema } from "~/validation/task";

export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string().describe("NOT_FOUND, VALIDATION_FAILED, STALE_VERSION, RATE_LIMITED, BAD_REQUEST, UNAUTHENTICATED, FORBIDDEN, ..."),
    message: z.string(),
    fields: z.record(z.string(), z.array(z.string())).optional().describe("Per-field messages (422)."),
    current: z.unknown().optional().describe("The newer stored version (409 on a stale edit)."),
  }),
});

/** The request bodies, by component name: the document's schema of each is generated from the zod schema here. */
export const REQUEST_BODY_SCHEMAS = {
  CreateCase: createCaseSchema,
  UpdateCase: updateCaseSchema,
  CreateClue: createClueSchema,
  UpdateClue: updateClueSchema,
  CreateLead: createLeadSchema,
  UpdateLead: updateLeadSchema,
  CreateTask: createTaskSchema,
  UpdateTask: updateTaskSchema,
  CreateComment: commentBodySchema,
  DecideReview: decideReviewSchema,
  CreateUser: adminNewUserSchema,
  UpdateUser: userUpdateSchema,
  CreateTaskforce: newTaskforceSchema,
  AddMember: newMemberSchema,
  MarkNotificationsRead: markNotificationsReadSchema,
  CreateDissemination: createDisseminationSchema,
  CreateRecipient: newRecipientSchema,
  UpdateRecipient: recipientUpdateSchema,
  CountryTasks: countryTasksSchema,
  ReferenceCorrection: referenceCorrectionSchema,
} as const;

const BODY_SCHEMAS = { ...REQUEST_BODY_SCHEMAS, Error: apiErrorSchema } as const;

type JsonSchema = { properties?: Record<string, Record<string, unknown>>; required?: string[]; [key: string]: unknown };

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  return json;
}

function queryParameters(schema: z.ZodType) {
  const json = jsonSchemaOf(schema);
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query",
    required: (json.required ?? []).includes(name),
    schema: property,
  }));
}

function pathParameter(name: string) {
  return { name, in: "path", required: true, schema: { type: "string" } };
}

// What each operation answers. Every status the server can send is listed (an API client switches on them),
// and each success body has its real shape: the lists are JSON arrays.
const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const arrayOf = (items: Schema): Schema => ({ type: "array", items });
const readErrors = {
  "401": errorResponse("No valid personal access token."),
  "403": errorResponse("Visible, but the caller's role may not do this."),
  "404": errorResponse("Not found, or not visible to the caller (existence is never disclosed)."),
  "429": errorResponse("Rate limited (see the Retry-After header)."),
};
// Any operation: a query parameter (known or not) holding a character that cannot be stored is refused at the door.
const queryErrors = { "422": errorResponse("Invalid query parameters (per-field messages in error.fields), or a character that cannot be stored in any parameter.") };
const writeErrors = {
  "400": errorResponse("Malformed JSON."),
  "411": errorResponse("A body sent without Content-Length (chunked bodies are refused)."),
  "413": errorResponse("The body is larger than a text record may be."),
  "415": errorResponse("A body that is not JSON, a URL-encoded form or plain text (Cluebridge is text-only)."),
  "422": errorResponse("Invalid input (per-field messages in error.fields, including the text-only guard), or a malformed Idempotency-Key."),
};
const staleError = { "409": errorResponse("Stale edit: error.current holds the newer version.") };
const ok = (description: string, schema: Schema, status = "200") => ({ [status]: { description, content: { "application/json": { schema } } } });
const readResponses = (description: string, schema: Schema) => ({ ...ok(description, schema), ...readErrors, ...queryErrors });
/** A read that may also answer text/csv (format=csv): a spreadsheet download whose cells are made formula-safe. */
const readResponsesWithCsv = (description: string, schema: Schema, csvDescription: string) => ({
  ...readResponses(description, schema),
  "200": { description: `${description}; or, with format=csv, ${csvDescription}`, content: { "application/json": { schema }, "text/csv": { schema: { type: "string" } } } },
});
const writeResponses = (description: string, schema: Schema, status = "201") => ({ ...ok(description, schema, status), ...readErrors, ...writeErrors });
const patchResponses = (description: string, schema: Schema) => ({ ...writeResponses(description, schema, "200"), ...staleError });
// The administration operations: a caller who is not an administrator gets 404 for every one of them (so 403 is
// never sent), and a suspended administrator's credential is no longer valid (401).
const adminReadErrors = {
  "401": readErrors["401"],
  "404": errorResponse("Not found: the caller is not an administrator (the operation is not disclosed), or there is no such user or taskforce."),
  "429": readErrors["429"],
};
// A query string with characters that cannot be stored is refused (422) before any route is chosen.
const adminRead = (description: string, schema: Schema) => ({ ...ok(description, schema), ...adminReadErrors, ...queryErrors });
const adminWrite = (description: string, schema: Schema, status = "201") => ({ ...ok(description, schema, status), ...adminReadErrors, ...writeErrors });
const bodyOf = (name: keyof typeof REQUEST_BODY_SCHEMAS) => ({ required: true, content: { "application/json": { schema: ref(name) } } });

/** The stored items as the API returns them: the fields a client relies on are required, more may follow. */
const versioned = (required: string[]): Schema => ({
  type: "object",
  required: ["id", "version", ...required],
  properties: { id: { type: "string" }, version: { type: "integer", minimum: 1 } },
});
const CORRELATION_KIND: Schema = { type: "string", enum: ["HASH", "VALUE", "NEAR"] };
const HIDDEN_LINK: Schema = {
  type: "object",
  required: ["kind", "deconflictionId"],
  additionalProperties: false,
  properties: { kind: CORRELATION_KIND, deconflictionId: { type: ["string", "null"] } },
};

/** A correlation answer: what the caller may see of the links, and that hidden ones exist (one per kind). */
function correlationsSchema(description: string, visible: Schema): Schema {
  return {
    type: "object",
    required: ["data"],
    description,
    properties: { data: { type: "object", required: ["visible", "hidden"], properties: { visible: arrayOf(visible), hidden: arrayOf(HIDDEN_LINK) } } },
  };
}
const RESPONSE_SCHEMAS: Record<string, Schema> = {
  Case: versioned(["reference", "title", "status", "taskforceId"]),
  Clue: versioned(["caseId", "value", "handlingCode", "category", "mediaRefs", "evaluation"]),
  Lead: versioned(["caseId", "title", "status", "handlingCode"]),
  Task: versioned(["caseId", "title", "status"]),
  Comment: { type: "object", required: ["id", "itemType", "itemId", "body", "mentions"], properties: { id: { type: "string" }, body: { type: "string" }, mentions: { type: "array" } } },
  ReviewQueueItem: versioned(["itemType", "caseId", "caseReference", "title", "handlingCode"]),
  CluePage: { type: "object", required: ["items", "nextCursor"], properties: { items: arrayOf(ref("Clue")), nextCursor: { type: ["string", "null"] } } },
  TaskBoard: { type: "object", required: ["statuses", "lanes", "tasks"], properties: { statuses: arrayOf({ type: "string" }), lanes: arrayOf({ type: "object" }), tasks: arrayOf(ref("Task")) } },
  SearchResults: {
    type: "object",
    required: ["clues", "leads", "ranking"],
    properties: { clues: arrayOf({ type: "object", required: ["id"] }), leads: arrayOf({ type: "object", required: ["id"] }), ranking: { type: "object", required: ["clues", "leads"] } },
  },
  CaseExport: {
    type: "object",
    description: "The case package: only what the exporter may see, marked with the strictest handling code it contains.",
    required: ["exportedAt", "exportedBy", "handlingCode", "case", "clues", "leads", "tasks"],
    properties: {
      exportedAt: { type: "string", format: "date-time" },
      exportedBy: { type: "object", required: ["id", "email"] },
      handlingCode: { type: "string", enum: ["RED", "AMBER_STRICT", "AMBER", "GREEN", "CLEAR"] },
      case: ref("Case"),
      clues: arrayOf(ref("Clue")),
      leads: arrayOf(ref("Lead")),
      tasks: arrayOf(ref("Task")),
    },
  },
  AuditRecord: {
    type: "object",
    required: ["id", "at", "actorId", "actorEmail", "action", "outcome", "itemType", "itemId", "taskforceId", "caseId", "ip", "details", "detailsWithheld", "sealed"],
    properties: {
      id: { type: "string", pattern: "^[0-9]+$" },
      at: { type: "string", format: "date-time" },
      actorId: { type: ["string", "null"] },
      actorEmail: { type: ["string", "null"] },
      action: { type: "string" },
      outcome: { type: "string", enum: ["ok", "failure", "denied"] },
      itemType: { type: ["string", "null"] },
      itemId: { type: ["string", "null"] },
      taskforceId: { type: ["string", "null"] },
      caseId: { type: ["string", "null"] },
      ip: { type: ["string", "null"], description: "Administrators only (null for coordinators)." },
      details: { description: "null when withheld: the event is about a clue or lead the caller may not see." },
      detailsWithheld: { type: "boolean" },
      sealed: { type: "boolean", description: "Linked into the hash chain yet (normally within a second)." },
    },
  },
  AuditChainStatus: {
    type: "object",
    description: "npm run audit:verify's result, from at most a minute ago (checkedAt).",
    required: ["state", "intactUpTo", "brokenAt", "reason", "checkpointAt", "unsealed", "checkedAt"],
    properties: {
      state: { type: "string", enum: ["intact", "broken", "unverifiable"] },
      intactUpTo: { type: "integer", minimum: 0 },
      brokenAt: { type: ["string", "null"] },
      reason: { type: ["string", "null"] },
      checkpointAt: { type: ["integer", "null"] },
      unsealed: { type: "object", required: ["count", "oldestAt"], properties: { count: { type: "integer", minimum: 0 }, oldestAt: { type: ["string", "null"], format: "date-time" } } },
      checkedAt: { type: "string", format: "date-time" },
    },
  },
  AuditPage: {
    type: "object",
    required: ["items", "nextCursor", "chain"],
    properties: { items: arrayOf(ref("AuditRecord")), nextCursor: { type: ["string", "null"] }, chain: ref("AuditChainStatus") },
  },
  TaskforceOverview: {
    type: "object",
    description: "Counts of what the caller may see only: items kept from them are not counted.",
    required: ["taskforce", "generatedAt", "cluesByCategory", "leadsByStatus", "overdueByAssignee", "activity"],
    properties: {
      taskforce: { type: "object", required: ["id", "name"] },
      generatedAt: { type: "string", format: "date-time" },
      cluesByCategory: arrayOf({ type: "object", required: ["categoryKey", "label", "count"], properties: { count: { type: "integer", minimum: 1 } } }),
      leadsByStatus: arrayOf({ type: "object", required: ["status", "count"], properties: { status: { type: "string", enum: ["OPEN", "IN_PROGRESS", "CONFIRMED", "DISMISSED"] }, count: { type: "integer", minimum: 0 } } }),
      overdueByAssignee: arrayOf({ type: "object", required: ["assigneeId", "displayName", "agency", "count"], properties: { count: { type: "integer", minimum: 1 } } }),
      activity: {
        ...arrayOf({ type: "object", required: ["day", "clues", "leads", "tasks"], properties: { day: { type: "string", format: "date" }, clues: { type: "integer" }, leads: { type: "integer" }, tasks: { type: "integer" } } }),
        minItems: 30,
        maxItems: 30,
      },
    },
  },
  ReviewDecision: { type: "object", required: ["review", "item"], properties: { review: { type: "object", required: ["id", "decision"] }, item: { type: "object", required: ["id", "version"] } } },
  AdminUser: {
    type: "object",
    required: ["id", "email", "displayName", "agency", "role", "status", "vettingState", "vettingExpiresAt", "mfaEnrolled", "passwordChangeRequired", "signInDelayedUntil", "createdAt", "taskforces"],
    properties: {
      id: { type: "string" },
      email: { type: "string" },
      displayName: { type: "string" },
      agency: { type: "string" },
      role: { type: "string", enum: ["ANALYST", "COORDINATOR", "LIAISON", "ADMIN"] },
      status: { type: "string", enum: ["PENDING", "ACTIVE", "SUSPENDED"] },
      vettingState: { type: "string", enum: ["PENDING", "VETTED", "EXPIRED"] },
      vettingExpiresAt: { type: ["string", "null"], format: "date-time" },
      mfaEnrolled: { type: "boolean" },
      passwordChangeRequired: { type: "boolean", description: "Holds a one-time password: must enrol a second factor and choose a new password at the next sign-in." },
      signInDelayedUntil: { type: ["string", "null"], format: "date-time" },
      createdAt: { type: "string", format: "date-time" },
      taskforces: arrayOf({ type: "object", required: ["id", "name"], properties: { id: { type: "string" }, name: { type: "string" } } }),
    },
  },
  OneTimePassword: {
    type: "object",
    required: ["user", "oneTimePassword", "expiresAt"],
    description: "Shown only in this response and stored hashed: good for one sign-in before expiresAt, after which the user enrols a new second factor and chooses a new password.",
    properties: { user: ref("AdminUser"), oneTimePassword: { type: "string", minLength: 12 }, expiresAt: { type: "string", format: "date-time" } },
  },
  AdminTaskforce: {
    type: "object",
    required: ["id", "name", "description", "createdAt", "caseCount", "members"],
    properties: {
      id: { type: "string" },
      name: { type: "string" },
      description: { type: "string" },
      createdAt: { type: "string", format: "date-time" },
      caseCount: { type: "integer", minimum: 0 },
      members: arrayOf({ type: "object", required: ["id", "email", "displayName", "agency", "role", "status"] }),
    },
  },
  ClueCorrelations: correlationsSchema(
    "Links of a clue to clues of other cases. visible: the caller may see both clues (or both taskforces' coordinators agreed to disclose the link). hidden: that a match exists, at most one entry per kind, with the de-confliction to act on (null within one taskforce); nothing else.",
    {
      type: "object",
      required: ["clueId", "caseId", "kind", "score"],
      additionalProperties: false,
      properties: {
        clueId: { type: "string" },
        caseId: { type: "string" },
        kind: CORRELATION_KIND,
        score: {
          type: "number",
          minimum: 0,
          maximum: 1,
          description: "The kind's strength (a near value's times its similarity) weighed by both clues' confidence and evaluation; for a link a de-confliction disclosed, unweighted.",
        },
      },
    },
  ),
  Notification: {
    type: "object",
    required: ["id", "kind", "itemType", "itemId", "text", "href", "createdAt", "readAt"],
    description: "Only about items the caller may see now.",
    properties: {
      id: { type: "string", pattern: "^[0-9]+$" },
      kind: { type: "string", enum: ["task.assigned", "task.overdue", "mention", "lead.shared", "review.requested", "review.decided", "tip.received", "correlation"] },
      itemType: { type: ["string", "null"] },
      itemId: { type: ["string", "null"] },
      text: { type: "string" },
      href: { type: ["string", "null"], description: "The page of the item." },
      createdAt: { type: "string", format: "date-time" },
      readAt: { type: ["string", "null"], format: "date-time" },
    },
  },
  NotificationsMarked: { type: "object", required: ["marked", "unread"], properties: { marked: { type: "integer", minimum: 0 }, unread: { type: "integer", minimum: 0 } } },
  Narrowing: {
    type: "object",
    required: ["data"],
    description: "Candidate countries of production from the facets of the clues the caller may see (only those), best first.",
    properties: {
      data: {
        type: "object",
        required: ["candidates", "excluded", "contradictions", "usedClues", "hiddenCluesIgnored"],
        properties: {
          candidates: arrayOf({
            type: "object",
            required: ["country", "score", "supportedBy", "weakenedBy"],
            properties: {
              country: { type: "string", pattern: "^[A-Z]{2}$", description: "ISO 3166-1 alpha-2" },
              score: { type: "number", minimum: -1, maximum: 1 },
              supportedBy: arrayOf({ type: "string" }),
              weakenedBy: arrayOf({ type: "string" }),
            },
          }),
          excluded: arrayOf({
            type: "object",
            required: ["country", "excludedBy"],
            properties: {
              country: { type: "string", pattern: "^[A-Z]{2}$" },
              excludedBy: arrayOf({ type: "object", required: ["clueId", "reason"], properties: { clueId: { type: "string" }, reason: { type: "string" } } }),
            },
          }),
          contradictions: arrayOf({
            type: "object",
            required: ["clueIds", "facets", "message"],
            properties: {
              clueIds: arrayOf({ type: "string" }),
              facets: arrayOf({ type: "object", required: ["type", "value"] }),
              message: { type: "string", description: 'e.g. "type G socket but right-hand traffic: check both clues"' },
            },
          }),
          usedClues: { ...arrayOf({ type: "string" }), description: "Ids of the clues whose facets were used." },
          hiddenCluesIgnored: { type: "boolean", description: "Clues the caller may not see were left out (for a case always true; for a lead, when it cites any)." },
        },
      },
    },
  },
  CaseCorrelations: correlationsSchema(
    "The cases linked to a case through clues the caller may see, one entry per linked case; hidden links as for a clue (one per kind).",
    {
      type: "object",
      required: ["caseId", "links", "kinds", "score"],
      additionalProperties: false,
      properties: { caseId: { type: "string" }, links: { type: "integer", minimum: 1 }, kinds: arrayOf(CORRELATION_KIND), score: { type: "number", minimum: 0, maximum: 1 } },
    },
  ),
  DeletedItem: { type: "object", required: ["id", "deleted"], properties: { id: { type: "string" }, deleted: { const: true } } },
  ReferenceRow: {
    type: "object",
    required: ["row", "corrections", "sources"],
    properties: { row: { type: "object", required: ["code", "name"] }, corrections: arrayOf({ type: "object", required: ["field", "version", "reason"] }), sources: arrayOf({ type: "object" }) },
  },
  ReferenceCorrectionVersion: {
    type: "object",
    required: ["id", "country", "field", "value", "version", "reason", "editorId", "createdAt"],
    properties: { country: { type: "string" }, field: { type: "string" }, version: { type: "integer", minimum: 1 }, value: { type: ["array", "null"], items: { type: "string" } } },
  },
  Taskforce: { type: "object", required: ["id", "name", "description", "createdAt"], properties: { id: { type: "string" }, name: { type: "string" }, description: { type: "string" } } },
  Recipient: {
    type: "object",
    required: ["id", "country", "agency", "contactPoint", "active", "createdAt"],
    properties: { id: { type: "string" }, country: { type: "string" }, agency: { type: "string" }, contactPoint: { type: "string" }, active: { type: "boolean" }, createdAt: { type: "string", format: "date-time" } },
  },
  DisseminationPackage: {
    type: "object",
    description: "Exactly what was sent, frozen when it was sent: later edits to the lead or its clues never change it. Text fields are the redacted copies where a liaison redacted them.",
    required: ["handlingCode", "europolCode", "europolMeaning", "restriction", "note", "recipient", "sentBy", "sentAt", "lead", "clues"],
    properties: {
      handlingCode: { type: "string", enum: ["GREEN", "CLEAR"], description: "TLP 2.0 code: the strictest of what was sent." },
      europolCode: { type: "string", enum: ["H0", "H1", "H2", "H3"] },
      europolMeaning: { type: "string" },
      restriction: { type: "string", description: "The stated restriction (always present for H3)." },
      note: { type: "string" },
      recipient: { type: "object", required: ["country", "agency", "contactPoint"], properties: { country: { type: "string" }, agency: { type: "string" }, contactPoint: { type: "string" } } },
      sentBy: { type: "object", required: ["displayName", "agency"], properties: { displayName: { type: "string" }, agency: { type: "string" } } },
      sentAt: { type: "string", format: "date-time" },
      lead: {
        type: "object",
        required: ["title", "hypothesis", "handlingCode", "redacted", "approvedBy", "approvedAt"],
        properties: { title: { type: "string" }, hypothesis: { type: "string" }, handlingCode: { type: "string" }, redacted: { type: "boolean" }, approvedBy: { type: "string" }, approvedAt: { type: "string", format: "date-time" } },
      },
      clues: arrayOf({
        type: "object",
        required: ["category", "value", "detail", "handlingCode", "evaluation", "redacted"],
        properties: {
          category: { type: "string" },
          value: { type: "string" },
          detail: { type: "string" },
          handlingCode: { type: "string" },
          evaluation: {
            type: "object",
            required: ["sourceReliability", "infoAssessment", "code"],
            description: "The 4x4 evaluation: source reliability A/B/C/X and information assessment 1-4 (code e.g. B2).",
            properties: { sourceReliability: { type: "string", enum: ["A", "B", "C", "X"] }, infoAssessment: { type: "integer", minimum: 1, maximum: 4 }, code: { type: "string" } },
          },
          redacted: { type: "boolean" },
        },
      }),
    },
  },
  Dissemination: {
    type: "object",
    required: ["id", "leadId", "caseId", "taskforceId", "recipientId", "handlingCode", "europolCode", "sentById", "sentAt", "package"],
    properties: {
      id: { type: "string" },
      leadId: { type: "string" },
      handlingCode: { type: "string" },
      europolCode: { type: "string", enum: ["H0", "H1", "H2", "H3"] },
      sentAt: { type: "string", format: "date-time" },
      package: { $ref: "#/components/schemas/DisseminationPackage" },
    },
  },
};
const item = (name: keyof typeof RESPONSE_SCHEMAS) => ref(name);

/** Every create takes an optional Idempotency-Key: a retry with the same key gets the first result, once. */
const idempotencyKeyParameter = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "8-64 of [A-Za-z0-9_-] (a UUID fits), made once per create and sent again unchanged with every retry: a retry returns the first result and writes nothing. Keys are per caller; a key reused for another kind of create is 422.",
  schema: { type: "string", pattern: "^[A-Za-z0-9_-]{8,64}$" },
};

function commentPaths(collection: "clues" | "leads" | "tasks", idName: string) {
  return {
    [`/${collection}/{${idName}}/comments`]: {
      parameters: [pathParameter(idName)],
      get: { operationId: `list${collection}Comments`, summary: "Comments, oldest first", responses: readResponses("Comments", arrayOf(item("Comment"))) },
      post: {
        operationId: `create${collection}Comment`,
        parameters: [idempotencyKeyParameter],
        summary: "Add a text-only comment; @member@email mentions members who may see the item",
        requestBody: bodyOf("CreateComment"),
        responses: writeResponses("The comment", item("Comment")),
      },
    },
  };
}

/** The document as this caller may read it: without the operations they may not learn exist (/admin). */
export function openApiDocumentFor(actor: Actor, serverUrl = "/api/v1") {
  const document = buildOpenApiDocument(serverUrl);
  const paths = Object.fromEntries(Object.entries(document.paths).filter(([template]) => mayReachApiPath(actor, `/api/v1${template}`)));
  return { ...document, paths } as typeof document;
}

function adminUserAction(path: string, operationId: string, summary: string, description: string, schema: Schema = item("AdminUser")) {
  return { [`/admin/users/{userId}/${path}`]: { parameters: [pathParameter("userId")], post: { operationId, summary, responses: adminWrite(description, schema) } } };
}

export function buildOpenApiDocument(serverUrl = "/api/v1") {
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Cluebridge API",
      version: "1.0.0",
      description:
        "Text-only victim-identification workspace. Authenticate with a personal access token (Authorization: Bearer cbt_...). " +
        "Items are filtered by TLP 2.0 handling codes and taskforce membership; anything the caller may not see is 404. " +
        "Bodies are JSON; the same fields may be posted as a URL-encoded form, so numbers may also be sent as text and enum values in any case. " +
        "null is accepted only where a schema allows it.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }],
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "Personal access token" } },
      schemas: { ...Object.fromEntries(Object.entries(BODY_SCHEMAS).map(([name, schema]) => [name, jsonSchemaOf(schema)])), ...RESPONSE_SCHEMAS },
    },
    paths: {
      "/openapi.json": {
        get: { operationId: "getOpenApiDocument", summary: "This document", responses: { ...ok("The OpenAPI 3.1 document", { type: "object", required: ["openapi", "paths"] }), "401": readErrors["401"], ...queryErrors, "429": readErrors["429"] } },
      },
      "/cases": {
        get: { operationId: "listCases", summary: "Cases of the caller's taskforces", parameters: queryParameters(caseFiltersSchema), responses: readResponses("Cases", arrayOf(item("Case"))) },
        post: { operationId: "createCase", parameters: [idempotencyKeyParameter], summary: "Open a case (coordinator)", requestBody: bodyOf("CreateCase"), responses: writeResponses("The case", item("Case")) },
      },
      "/cases/{caseId}": {
        parameters: [pathParameter("caseId")],
        get: { operationId: "getCase", summary: "A case with visible clue counts by category", responses: readResponses("The case", { allOf: [item("Case"), { type: "object", required: ["clueCounts", "clueCount"] }] }) },
        patch: { operationId: "updateCase", summary: "Edit a case (coordinator; carries version)", requestBody: bodyOf("UpdateCase"), responses: patchResponses("The case", item("Case")) },
      },
      "/cases/{caseId}/clues": {
        parameters: [pathParameter("caseId")],
        get: { operationId: "listClues", summary: "Visible clues, newest first, cursor paginated", parameters: queryParameters(listCluesQuerySchema), responses: readResponses("{ items, nextCursor }", item("CluePage")) },
        post: { operationId: "createClue", parameters: [idempotencyKeyParameter], summary: "Record a clue", requestBody: bodyOf("CreateClue"), responses: writeResponses("The clue", item("Clue")) },
      },
      "/clues/{clueId}": {
        parameters: [pathParameter("clueId")],
        get: { operationId: "getClue", summary: "A clue with media refs, recipients, version history and citing leads", responses: readResponses("The clue", item("Clue")) },
        patch: { operationId: "updateClue", summary: "Edit a clue (carries version)", requestBody: bodyOf("UpdateClue"), responses: patchResponses("The clue", item("Clue")) },
        delete: {
          operationId: "deleteClue",
          summary: "Delete a clue (its author or a coordinator); its links and de-confliction records go with it. A clue a lead cites is refused (422)",
          responses: { ...ok("{ id, deleted: true }", item("DeletedItem")), ...readErrors, ...queryErrors },
        },
      },
      "/clues/{clueId}/correlations": {
        parameters: [pathParameter("clueId")],
        get: { operationId: "getClueCorrelations", summary: "Links to clues of other cases: visible ones, and for the rest only that a match exists (per kind) and its de-confliction", responses: readResponses("{ data: { visible, hidden } }", item("ClueCorrelations")) },
      },
      "/cases/{caseId}/correlations": {
        parameters: [pathParameter("caseId")],
        get: { operationId: "getCaseCorrelations", summary: "Cases linked to this case, aggregated per case; hidden links per kind", responses: readResponses("{ data: { visible, hidden } }", item("CaseCorrelations")) },
      },
      "/cases/{caseId}/narrowing": {
        parameters: [pathParameter("caseId")],
        get: { operationId: "narrowCase", summary: "Where was this made? Candidate countries from the facets of the clues the caller may see", responses: readResponses("{ data: { candidates, excluded, contradictions, usedClues, hiddenCluesIgnored } }", item("Narrowing")) },
      },
      "/cases/{caseId}/narrowing/tasks": {
        parameters: [pathParameter("caseId")],
        post: {
          operationId: "createCountryTasks",
          summary: "One task per chosen candidate country (\"ask the liaison for X to check Y\"), each carrying that country's reasons (coordinator)",
          requestBody: bodyOf("CountryTasks"),
          responses: writeResponses("The tasks", arrayOf(item("Task"))),
        },
      },
      "/leads/{leadId}/narrowing": {
        parameters: [pathParameter("leadId")],
        get: { operationId: "narrowLead", summary: "Candidate countries from the lead's cited clues the caller may see", responses: readResponses("{ data: { candidates, excluded, contradictions, usedClues, hiddenCluesIgnored } }", item("Narrowing")) },
      },
      "/cases/{caseId}/leads": {
        parameters: [pathParameter("caseId")],
        get: { operationId: "listLeads", summary: "Visible leads", parameters: queryParameters(leadFiltersSchema), responses: readResponses("Leads", arrayOf(item("Lead"))) },
        post: { operationId: "createLead", parameters: [idempotencyKeyParameter], summary: "Record a lead citing clues", requestBody: bodyOf("CreateLead"), responses: writeResponses("The lead", item("Lead")) },
      },
      "/leads/{leadId}": {
        parameters: [pathParameter("leadId")],
        get: { operationId: "getLead", summary: "A lead with its visible evidence chain and a count of hidden cited clues", responses: readResponses("The lead", item("Lead")) },
        patch: { operationId: "updateLead", summary: "Edit a lead (carries version)", requestBody: bodyOf("UpdateLead"), responses: patchResponses("The lead", item("Lead")) },
      },
      "/cases/{caseId}/tasks": {
        parameters: [pathParameter("caseId")],
        get: { operationId: "listTasks", summary: "Tasks of a case, overdue first", responses: readResponses("Tasks", arrayOf(item("Task"))) },
        post: { operationId: "createTask", parameters: [idempotencyKeyParameter], summary: "Assign a task (coordinator)", requestBody: bodyOf("CreateTask"), responses: writeResponses("The task", item("Task")) },
      },
      "/tasks/{taskId}": {
        parameters: [pathParameter("taskId")],
        get: { operationId: "getTask", summary: "A task", responses: readResponses("The task", item("Task")) },
        patch: { operationId: "updateTask", summary: "Coordinator edits; the assignee changes status (carries version)", requestBody: bodyOf("UpdateTask"), responses: patchResponses("The task", item("Task")) },
      },
      "/tasks/board": {
        get: { operationId: "taskBoard", summary: "The coordinator's board: by assignee and status, overdue first", parameters: queryParameters(taskBoardQuerySchema), responses: readResponses("The board", item("TaskBoard")) },
      },
      "/tasks/mine": {
        get: { operationId: "listMyTasks", summary: "The caller's own tasks", responses: readResponses("Tasks", arrayOf(item("Task"))) },
      },
      ...commentPaths("clues", "clueId"),
      ...commentPaths("leads", "leadId"),
      ...commentPaths("tasks", "taskId"),
      "/cases/{caseId}/export": {
        parameters: [pathParameter("caseId")],
        get: {
          operationId: "exportCase",
          summary: "The case package: every clue, lead and task of the case the caller may see, marked with its strictest handling code (each export audited)",
          parameters: queryParameters(caseExportQuerySchema),
          responses: readResponsesWithCsv(
            "{ exportedAt, exportedBy, handlingCode, case, clues, leads, tasks }",
            item("CaseExport"),
            "one CSV: a first 'package' row with the marking, then a row per clue, lead and task (record column); the X-Handling-Code header and the file name carry the code",
          ),
        },
      },
      "/audit": {
        get: {
          operationId: "listAuditEvents",
          summary: "The audit trail, newest first (administrators: every event; coordinators: their taskforces'); reading it is audited",
          parameters: queryParameters(auditQuerySchema),
          responses: readResponsesWithCsv(
            "{ items, nextCursor, chain }: a page of events, the cursor of the next (older) page, and the chain's verification status",
            item("AuditPage"),
            "the filtered view (at most 50,000 rows; X-Audit-Truncated says whether it was cut)",
          ),
        },
      },
      "/taskforces/{taskforceId}/overview": {
        parameters: [pathParameter("taskforceId")],
        get: {
          operationId: "taskforceOverview",
          summary: "A coordinator's counts of what they may see: clues per category, leads by status, overdue tasks per assignee, activity per day over 30 days",
          responses: readResponses("The overview", item("TaskforceOverview")),
        },
      },
      "/{collection}/{itemId}/review": {
        parameters: [{ name: "collection", in: "path", required: true, schema: { type: "string", enum: ["clues", "leads"] } }, pathParameter("itemId")],
        post: { operationId: "requestReview", summary: "Submit a GREEN or CLEAR item for liaison review (author or coordinator)", responses: writeResponses("The item", { type: "object", required: ["id", "version"] }) },
      },
      "/{collection}/{itemId}/review/decision": {
        parameters: [{ name: "collection", in: "path", required: true, schema: { type: "string", enum: ["clues", "leads"] } }, pathParameter("itemId")],
        post: { operationId: "decideReview", summary: "A liaison approves or rejects an item under review", requestBody: bodyOf("DecideReview"), responses: { ...writeResponses("{ review, item }", item("ReviewDecision")), ...staleError } },
      },
      "/reviews": {
        get: { operationId: "listReviewQueue", summary: "Items awaiting the liaison's review", responses: readResponses("Review queue", arrayOf(item("ReviewQueueItem"))) },
      },
      "/notifications": {
        get: { operationId: "listNotifications", summary: "The caller's notifications, newest first (at most 100), only about items they may still see", parameters: queryParameters(listNotificationsQuerySchema), responses: readResponses("Notifications", arrayOf(item("Notification"))) },
      },
      "/notifications/read": {
        post: {
          operationId: "markNotificationsRead",
          summary: "Mark the caller's notifications read: { ids: [...] } or { all: true }",
          requestBody: bodyOf("MarkNotificationsRead"),
          responses: writeResponses("{ marked, unread }", item("NotificationsMarked"), "200"),
        },
      },
      "/leads/{leadId}/disseminations": {
        parameters: [pathParameter("leadId")],
        post: {
          operationId: "disseminateLead",
          summary: "Send an approved lead (with its approved clues, redacted where redacted) to a contact point under a Europol handling code (liaison); a lead that is not approved is 422",
          requestBody: bodyOf("CreateDissemination"),
          responses: writeResponses("The dissemination record, with the package as sent", item("Dissemination")),
        },
      },
      "/disseminations": {
        get: { operationId: "listDisseminations", summary: "What was sent from the caller's taskforces, newest first", parameters: queryParameters(listDisseminationsQuerySchema), responses: readResponses("Disseminations", arrayOf(item("Dissemination"))) },
      },
      "/disseminations/{disseminationId}": {
        parameters: [pathParameter("disseminationId")],
        get: { operationId: "getDissemination", summary: "One dissemination exactly as sent (the JSON download)", responses: readResponses("The dissemination", item("Dissemination")) },
      },
      "/search": {
        get: { operationId: "search", summary: "Full-text and fuzzy search over visible clues and leads", parameters: queryParameters(searchQuerySchema), responses: readResponses("{ clues, leads, ranking: { clues, leads } }: each ranking says how many matches were ranked and whether older ones were left out", item("SearchResults")) },
      },
      "/admin/users": {
        get: { operationId: "adminListUsers", summary: "Every account with its status, vetting, role, agency and taskforces (administrator)", responses: adminRead("Users", arrayOf(item("AdminUser"))) },
        post: {
          operationId: "adminCreateUser",
          summary: "Create an account (administrator); the response carries a one-time password, shown once",
          requestBody: bodyOf("CreateUser"),
          responses: adminWrite("The account and its one-time password", item("OneTimePassword")),
        },
      },
      "/admin/users/{userId}": {
        parameters: [pathParameter("userId")],
        patch: {
          operationId: "adminUpdateUser",
          summary: "Change an account's role, agency or vetting (administrator; a new role or agency drops the user's live connections)",
          requestBody: bodyOf("UpdateUser"),
          responses: adminWrite("The account", item("AdminUser"), "200"),
        },
      },
      ...adminUserAction("suspend", "adminSuspendUser", "Suspend an account: every session ends and its sockets close at once", "The suspended account"),
      ...adminUserAction("reinstate", "adminReinstateUser", "Reinstate a suspended account", "The active account"),
      ...adminUserAction("activate", "adminActivateUser", "Vetting done: a pending account becomes active and its vetting VETTED", "The active account"),
      ...adminUserAction("second-factor-reset", "adminResetSecondFactor", "Clear the TOTP secret and recovery codes and end every session: the user enrols again at the next sign-in", "The account"),
      ...adminUserAction(
        "one-time-password",
        "adminIssueOneTimePassword",
        "Replace the password with a one-time password (single use, expires) and clear the second factor: the user enrols again and chooses a new password at the next sign-in",
        "The account and its one-time password",
        item("OneTimePassword"),
      ),
      "/admin/taskforces": {
        get: { operationId: "adminListTaskforces", summary: "Every taskforce with its members and case count (administrator)", responses: adminRead("Taskforces", arrayOf(item("AdminTaskforce"))) },
        post: { operationId: "adminCreateTaskforce", summary: "Create a taskforce (administrator)", requestBody: bodyOf("CreateTaskforce"), responses: adminWrite("The taskforce", item("Taskforce")) },
      },
      "/admin/recipients": {
        get: { operationId: "adminListRecipients", summary: "The partner contact points leads may be disseminated to (administrator)", responses: adminRead("Contact points", arrayOf(item("Recipient"))) },
        post: { operationId: "adminCreateRecipient", summary: "Add a contact point: country, agency, contact point (administrator)", requestBody: bodyOf("CreateRecipient"), responses: adminWrite("The contact point", item("Recipient")) },
      },
      "/admin/recipients/{recipientId}": {
        parameters: [pathParameter("recipientId")],
        patch: { operationId: "adminUpdateRecipient", summary: "Retire a contact point or bring it back (administrator); what was sent to it stays on record", requestBody: bodyOf("UpdateRecipient"), responses: adminWrite("The contact point", item("Recipient"), "200") },
      },
      "/admin/reference/countries/{country}": {
        parameters: [pathParameter("country")],
        get: { operationId: "adminReferenceRow", summary: "A country's reference row as in force (shipped table and corrections), its correction versions and the sources (administrator)", responses: adminRead("The row", item("ReferenceRow")) },
      },
      "/admin/reference/countries/{country}/corrections": {
        parameters: [pathParameter("country")],
        post: {
          operationId: "adminCorrectReference",
          summary: "Correct one field of a country's reference row: a new version, audited; value null restores the shipped value (administrator)",
          requestBody: bodyOf("ReferenceCorrection"),
          responses: adminWrite("The correction", item("ReferenceCorrectionVersion")),
        },
      },
      "/admin/taskforces/{taskforceId}/members": {
        parameters: [pathParameter("taskforceId")],
        post: {
          operationId: "adminAddMember",
          summary: "Add the account with this email to the taskforce (administrator); added is false if it was a member already",
          requestBody: bodyOf("AddMember"),
          responses: adminWrite("{ added }", { type: "object", required: ["added"], properties: { added: { type: "boolean" } } }),
        },
      },
      "/admin/taskforces/{taskforceId}/members/{userId}": {
        parameters: [pathParameter("taskforceId"), pathParameter("userId")],
        delete: {
          operationId: "adminRemoveMember",
          summary: "Remove a member (administrator): their sockets leave the room at once; removed is false if they were not a member",
          responses: { ...ok("{ removed }", { type: "object", required: ["removed"], properties: { removed: { type: "boolean" } } }), ...adminReadErrors, ...queryErrors },
        },
      },
    },
  };
}
