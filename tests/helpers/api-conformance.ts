// Every /api/v1 response a test receives must be one the OpenAPI document promises: a documented operation,
// a documented status for it, JSON, and a body that validates against that status's schema. setup.ts installs
// the check on fetch, so every integration test makes it without asking; a response that breaks the contract
// fails the test that received it. Responses are recorded so a test can ask which operations it exercised.
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { isRestrictedApiPath } from "~/auth/permissions.server";
import { buildOpenApiDocument } from "~/utils/openapi.server";

const API_PREFIX = "/api/v1";
const METHODS = ["get", "post", "patch", "put", "delete"] as const;

export interface ApiExchange {
  method: string;
  path: string;
  /** The documented operation, or null for a path or method the document does not have. */
  operationId: string | null;
  template: string | null;
  status: number;
  contentType: string;
  body: unknown;
}

interface Operation {
  operationId: string;
  method: string;
  template: string;
  pattern: RegExp;
  literalSegments: number;
  statuses: Set<string>;
  /** The media types each status documents besides JSON (a CSV download): those bodies are not JSON-checked. */
  otherTypes: Map<string, Set<string>>;
}

type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
type ResponseObject = { content?: Record<string, unknown> };
type PathItem = Record<string, { operationId: string; responses: Record<string, ResponseObject> } | unknown>;

class ApiContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  readonly operations: Operation[] = [];

  constructor(readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema(document as object, "openapi.json");
    for (const [template, item] of Object.entries(document.paths as Record<string, PathItem>)) {
      const segments = template.split("/").filter(Boolean);
      const pattern = new RegExp(`^/${segments.map((segment) => (segment.startsWith("{") ? "[^/]+" : escapeRegExp(segment))).join("/")}$`);
      for (const method of METHODS) {
        const operation = item[method] as { operationId: string; responses: Record<string, ResponseObject> } | undefined;
        if (!operation) continue;
        this.operations.push({
          operationId: operation.operationId,
          method: method.toUpperCase(),
          template,
          pattern,
          literalSegments: segments.filter((segment) => !segment.startsWith("{")).length,
          statuses: new Set(Object.keys(operation.responses)),
          otherTypes: new Map(
            Object.entries(operation.responses).map(([status, response]) => [status, new Set(Object.keys(response.content ?? {}).filter((type) => type !== "application/json"))]),
          ),
        });
      }
    }
    // A literal path (/tasks/board) wins over a parameter (/tasks/{taskId}), as in the router.
    this.operations.sort((a, b) => b.literalSegments - a.literalSegments);
  }

  find(method: string, path: string): { operation: Operation | null; pathKnown: boolean } {
    const matching = this.operations.filter((operation) => operation.pattern.test(path));
    return { operation: matching.find((operation) => operation.method === method) ?? null, pathKnown: matching.length > 0 };
  }

  validator(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi.json#${pointer}` });
      this.validators.set(pointer, validate);
    }
    return validate;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const pointerPart = (part: string) => part.replace(/~/g, "~0").replace(/\//g, "~1");

let contract: ApiContract | undefined;
/** The document the server serves (the served copy is checked equal to this one in openapi-conformance.test.ts). */
export function apiContract(): ApiContract {
  contract ??= new ApiContract(buildOpenApiDocument());
  return contract;
}

const exchanges: ApiExchange[] = [];
/** The /api/v1 responses this test file has received, in order. */
export function apiExchanges(): readonly ApiExchange[] {
  return exchanges;
}

/** The problems with one response, or [] when it is what the document promises. */
export function contractProblems(method: string, path: string, status: number, contentType: string, bodyText: string): { exchange: ApiExchange; problems: string[] } {
  const api = apiContract();
  const { operation, pathKnown } = api.find(method, path);
  const problems: string[] = [];
  let body: unknown = undefined;
  if (!contentType.startsWith("application/json")) problems.push(`content-type is ${JSON.stringify(contentType)}, not application/json`);
  else {
    try {
      body = JSON.parse(bodyText);
    } catch {
      problems.push("the body is not JSON");
    }
  }
  const exchange: ApiExchange = { method, path, operationId: operation?.operationId ?? null, template: operation?.template ?? null, status, contentType, body };
  if (!operation) {
    // Outside the document: only the JSON refusals the router gives any client are allowed.
    // ...except that under a path only administrators may know of, everyone else is told 404 whatever the method.
    const expected = pathKnown && !(status === 404 && isRestrictedApiPath(`${API_PREFIX}${path}`)) ? 405 : 404;
    if (status !== expected) problems.push(`${method} ${path} is not a documented operation, so it must be ${expected}, not ${status}`);
    else if (problems.length === 0) problems.push(...schemaProblems(api.validator("/components/schemas/Error"), body));
    return { exchange, problems };
  }
  const statusKey = operation.statuses.has(String(status)) ? String(status) : operation.statuses.has("default") ? "default" : null;
  if (!statusKey) {
    problems.push(`${status} is not a documented response of ${operation.operationId} (documented: ${[...operation.statuses].join(", ")})`);
    return { exchange, problems };
  }
  // A documented download (text/csv): its media type is the contract; there is no JSON body to check.
  if (operation.otherTypes.get(statusKey)?.has(contentType.split(";")[0].trim())) return { exchange, problems: [] };
  if (problems.length === 0) {
    const pointer = ["", "paths", operation.template, operation.method.toLowerCase(), "responses", statusKey, "content", "application/json", "schema"].map(pointerPart).join("/");
    problems.push(...schemaProblems(api.validator(pointer), body));
  }
  return { exchange, problems };
}

function schemaProblems(validate: ValidateFunction, body: unknown): string[] {
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => `body${error.instancePath} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ""}`);
}

export class ApiContractError extends Error {}

/** Checks one fetch's response when it came from a test server's /api/v1; records it; throws on a breach. */
export async function checkApiResponse(url: string, method: string, response: Response): Promise<void> {
  const { hostname, pathname } = new URL(url);
  if (hostname !== "127.0.0.1" || !pathname.startsWith(`${API_PREFIX}/`)) return;
  const path = pathname.slice(API_PREFIX.length);
  const bodyText = await response.clone().text();
  const { exchange, problems } = contractProblems(method.toUpperCase(), path, response.status, response.headers.get("content-type") ?? "", bodyText);
  exchanges.push(exchange);
  if (problems.length > 0) {
    throw new ApiContractError(
      `${method} ${pathname} answered ${response.status}, which the OpenAPI document does not allow:\n  ${problems.slice(0, 10).join("\n  ")}\n  body: ${bodyText.slice(0, 500)}`,
    );
  }
}

/** Wraps global fetch so that every /api/v1 response a test receives is checked against the document. */
export function installApiContractCheck(): void {
  const original = globalThis.fetch;
  if ((original as { contractChecked?: boolean }).contractChecked) return;
  const checked = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await original(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    await checkApiResponse(url, method, response);
    return response;
  };
  globalThis.fetch = Object.assign(checked, { contractChecked: true }) as typeof fetch;
}
