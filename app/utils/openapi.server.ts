// The OpenAPI 3.1 description of /api/v1, generated from the same zod schemas the API validates with
// (z.toJSONSchema, input side), so the document cannot drift from what the server accepts.
import { z } from "zod";
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

const BODY_SCHEMAS = {
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
  Error: apiErrorSchema,
} as const;

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

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
const okResponse = (description: string, status = "200") => ({
  [status]: { description, content: { "application/json": { schema: { type: "object" } } } },
  "401": errorResponse("No valid personal access token."),
  "404": errorResponse("Not found, or not visible to the caller (existence is never disclosed)."),
  "429": errorResponse("Rate limited."),
});
const bodyOf = (name: keyof typeof BODY_SCHEMAS) => ({ required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${name}` } } } });
const writeResponses = (description: string, status = "201") => ({
  ...okResponse(description, status),
  "400": errorResponse("Malformed JSON."),
  "403": errorResponse("Visible, but the caller may not do this."),
  "422": errorResponse("Invalid input (per-field messages in error.fields, including the text-only guard)."),
});
const patchResponses = (description: string) => ({ ...writeResponses(description, "200"), "409": errorResponse("Stale edit: error.current holds the newer version.") });

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
      get: { operationId: `list${collection}Comments`, summary: "Comments, oldest first", responses: okResponse("Comments") },
      post: {
        operationId: `create${collection}Comment`,
        parameters: [idempotencyKeyParameter],
        summary: "Add a text-only comment; @member@email mentions members who may see the item",
        requestBody: bodyOf("CreateComment"),
        responses: writeResponses("The comment"),
      },
    },
  };
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
        "Items are filtered by TLP 2.0 handling codes and taskforce membership; anything the caller may not see is 404.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }],
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "Personal access token" } },
      schemas: Object.fromEntries(Object.entries(BODY_SCHEMAS).map(([name, schema]) => [name, jsonSchemaOf(schema)])),
    },
    paths: {
      "/cases": {
        get: { operationId: "listCases", summary: "Cases of the caller's taskforces", parameters: queryParameters(caseFiltersSchema), responses: okResponse("Cases") },
        post: { operationId: "createCase", parameters: [idempotencyKeyParameter], summary: "Open a case (coordinator)", requestBody: bodyOf("CreateCase"), responses: writeResponses("The case") },
      },
      "/cases/{caseId}": {
        parameters: [pathParameter("caseId")],
        get: { operationId: "getCase", summary: "A case with visible clue counts by category", responses: okResponse("The case") },
        patch: { operationId: "updateCase", summary: "Edit a case (coordinator; carries version)", requestBody: bodyOf("UpdateCase"), responses: patchResponses("The case") },
      },
      "/cases/{caseId}/clues": {
        parameters: [pathParameter("caseId")],
        get: { operationId: "listClues", summary: "Visible clues, newest first, cursor paginated", parameters: queryParameters(listCluesQuerySchema), responses: okResponse("{ items, nextCursor }") },
        post: { operationId: "createClue", parameters: [idempotencyKeyParameter], summary: "Record a clue", requestBody: bodyOf("CreateClue"), responses: writeResponses("The clue") },
      },
      "/clues/{clueId}": {
        parameters: [pathParameter("clueId")],
        get: { operationId: "getClue", summary: "A clue with media refs, recipients, version history and citing leads", responses: okResponse("The clue") },
        patch: { operationId: "updateClue", summary: "Edit a clue (carries version)", requestBody: bodyOf("UpdateClue"), responses: patchResponses("The clue") },
      },
      "/cases/{caseId}/leads": {
        parameters: [pathParameter("caseId")],
        get: { operationId: "listLeads", summary: "Visible leads", parameters: queryParameters(leadFiltersSchema), responses: okResponse("Leads") },
        post: { operationId: "createLead", parameters: [idempotencyKeyParameter], summary: "Record a lead citing clues", requestBody: bodyOf("CreateLead"), responses: writeResponses("The lead") },
      },
      "/leads/{leadId}": {
        parameters: [pathParameter("leadId")],
        get: { operationId: "getLead", summary: "A lead with its visible evidence chain and a count of hidden cited clues", responses: okResponse("The lead") },
        patch: { operationId: "updateLead", summary: "Edit a lead (carries version)", requestBody: bodyOf("UpdateLead"), responses: patchResponses("The lead") },
      },
      "/cases/{caseId}/tasks": {
        parameters: [pathParameter("caseId")],
        get: { operationId: "listTasks", summary: "Tasks of a case, overdue first", responses: okResponse("Tasks") },
        post: { operationId: "createTask", parameters: [idempotencyKeyParameter], summary: "Assign a task (coordinator)", requestBody: bodyOf("CreateTask"), responses: writeResponses("The task") },
      },
      "/tasks/{taskId}": {
        parameters: [pathParameter("taskId")],
        get: { operationId: "getTask", summary: "A task", responses: okResponse("The task") },
        patch: { operationId: "updateTask", summary: "Coordinator edits; the assignee changes status (carries version)", requestBody: bodyOf("UpdateTask"), responses: patchResponses("The task") },
      },
      "/tasks/board": {
        get: { operationId: "taskBoard", summary: "The coordinator's board: by assignee and status, overdue first", parameters: queryParameters(taskBoardQuerySchema), responses: okResponse("The board") },
      },
      "/tasks/mine": {
        get: { operationId: "listMyTasks", summary: "The caller's own tasks", responses: okResponse("Tasks") },
      },
      ...commentPaths("clues", "clueId"),
      ...commentPaths("leads", "leadId"),
      ...commentPaths("tasks", "taskId"),
      "/cases/{caseId}/export": {
        parameters: [pathParameter("caseId")],
        get: { operationId: "exportCase", summary: "Every clue and lead of the case the caller may see, as one document marked with its strictest handling code", responses: okResponse("{ exportedAt, exportedBy, handlingCode, case, clues, leads }") },
      },
      "/{collection}/{itemId}/review": {
        parameters: [{ name: "collection", in: "path", required: true, schema: { type: "string", enum: ["clues", "leads"] } }, pathParameter("itemId")],
        post: { operationId: "requestReview", summary: "Submit a GREEN or CLEAR item for liaison review (author or coordinator)", responses: writeResponses("The item") },
      },
      "/{collection}/{itemId}/review/decision": {
        parameters: [{ name: "collection", in: "path", required: true, schema: { type: "string", enum: ["clues", "leads"] } }, pathParameter("itemId")],
        post: { operationId: "decideReview", summary: "A liaison approves or rejects an item under review", requestBody: bodyOf("DecideReview"), responses: writeResponses("{ review, item }") },
      },
      "/reviews": {
        get: { operationId: "listReviewQueue", summary: "Items awaiting the liaison's review", responses: okResponse("Review queue") },
      },
      "/search": {
        get: { operationId: "search", summary: "Full-text and fuzzy search over visible clues and leads", parameters: queryParameters(searchQuerySchema), responses: { ...okResponse("{ clues, leads, ranking: { clues, leads } }: each ranking says how many matches were ranked and whether older ones were left out"), "422": errorResponse("Invalid query.") } },
      },
    },
  };
}
