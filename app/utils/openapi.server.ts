// The OpenAPI 3.1 description of /api/v1, generated from the same zod schemas the API validates with
// (z.toJSONSchema, input side), so the document cannot drift from what the server accepts.
import { z } from "zod";
import { mayReachApiPath, type Actor } from "~/auth/permissions.server";
import { adminNewUserSchema, newMemberSchema, newTaskforceSchema, userUpdateSchema } from "~/validation/accounts";
import { caseFiltersSchema, createCaseSchema, updateCaseSchema } from "~/validation/case";
import { createClueSchema, listCluesQuerySchema, updateClueSchema } from "~/validation/clue";
import { commentBodySchema } from "~/validation/comment";
import { createLeadSchema, leadFiltersSchema, updateLeadSchema } from "~/validation/lead";
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
    required: ["exportedAt", "exportedBy", "handlingCode", "case", "clues", "leads"],
    properties: { exportedAt: { type: "string", format: "date-time" }, handlingCode: { type: "string" }, case: ref("Case"), clues: arrayOf(ref("Clue")), leads: arrayOf(ref("Lead")) },
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
  ClueCorrelations: {
    type: "object",
    required: ["data"],
    description: "Links of a clue to clues of other cases. visible: the caller may see both clues (or both taskforces' coordinators agreed to disclose the link). hidden: that a match exists, at most one entry per kind, with the de-confliction to act on (null within one taskforce); nothing else.",
    properties: {
      data: {
        type: "object",
        required: ["visible", "hidden"],
        properties: {
          visible: arrayOf({
            type: "object",
            required: ["clueId", "caseId", "kind", "score"],
            additionalProperties: false,
            properties: { clueId: { type: "string" }, caseId: { type: "string" }, kind: CORRELATION_KIND, score: { type: "number", minimum: 0, maximum: 1 } },
          }),
          hidden: arrayOf(HIDDEN_LINK),
        },
      },
    },
  },
  CaseCorrelations: {
    type: "object",
    required: ["data"],
    description: "The cases linked to a case through clues the caller may see, one entry per linked case; hidden links as for a clue (one per kind).",
    properties: {
      data: {
        type: "object",
        required: ["visible", "hidden"],
        properties: {
          visible: arrayOf({
            type: "object",
            required: ["caseId", "links", "kinds", "score"],
            additionalProperties: false,
            properties: { caseId: { type: "string" }, links: { type: "integer", minimum: 1 }, kinds: arrayOf(CORRELATION_KIND), score: { type: "number", minimum: 0, maximum: 1 } },
          }),
          hidden: arrayOf(HIDDEN_LINK),
        },
      },
    },
  },
  DeletedItem: { type: "object", required: ["id", "deleted"], properties: { id: { type: "string" }, deleted: { const: true } } },
  Taskforce: { type: "object", required: ["id", "name", "description", "createdAt"], properties: { id: { type: "string" }, name: { type: "string" }, description: { type: "string" } } },
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
        get: { operationId: "exportCase", summary: "Every clue and lead of the case the caller may see, as one document marked with its strictest handling code", responses: readResponses("{ exportedAt, exportedBy, handlingCode, case, clues, leads }", item("CaseExport")) },
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
