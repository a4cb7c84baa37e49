// Deny by default, checked statically: every route module with a loader or action must establish who is asking
// (requireActor), and one that does must reach data only through the permission-checking models.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROUTES_DIR = path.join(process.cwd(), "app", "routes");

/**
 * Routes that run before anyone is signed in, and why each is safe without requireActor.
 * A new entry here needs the same kind of justification.
 */
const PUBLIC_ROUTES: Record<string, string> = {
  "login.tsx": "the sign-in form itself; signInWithPassword checks credentials, with lockout and rate limits",
  "mfa.verify.tsx": "second factor: requires a password-verified session (requirePendingSession); reads nothing else",
  "mfa.enrol.tsx": "first-sign-in enrolment: requires a password-verified session (getCurrentSession); touches only the user's own TOTP",
  "logout.tsx": "ends the caller's own session (POST only); a GET just redirects",
  "_index.tsx": "redirects by role (getOptionalUser) or to /login; shows no data",
  "api.v1.$.ts": "catch-all JSON 404 for unknown API paths: imports no model and reads nothing",
  "appeals._index.tsx":
    "the public object appeals (issue 12, decision 020): lists only the text a liaison wrote for the public (listPublishedAppeals selects nothing else); a tip is text-only and rate-limited per address, and its answer says nothing about the case",
  "account_.password.tsx": "after a one-time password: requires a fully signed-in session that must change its password (requirePasswordChangeSession); writes only the user's own password",
};

/** Signed-in routes that touch no case data at all, and so need no model. */
const NO_CASE_DATA: Record<string, string> = {
  "api.v1.openapi[.]json.ts": "serves the generated API description; reads no records",
};

/**
 * Wrappers that call requireActor before any handler runs; the test below checks each one really does.
 * API routes use apiRoute, whose runApi authenticates (session or Bearer token) first.
 */
const GUARD_WRAPPERS: Record<string, string> = { "apiRoute(": path.join(process.cwd(), "app", "utils", "api.server.ts") };

function routeFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(tsx?|jsx?)$/.test(entry.name) && !/\.test\./.test(entry.name)) files.push(full);
    }
  };
  walk(ROUTES_DIR);
  return files;
}

const exportsServerFunction = (source: string) =>
  /export\s+(async\s+)?function\s+(loader|action)\b/.test(source) ||
  /export\s+(const|let|var)\s+(loader|action)\b/.test(source) ||
  /export\s+(const|let|var)\s*\{[^}]*\b(loader|action)\b[^}]*\}/.test(source) ||
  /export\s*\{[^}]*\b(loader|action)\b[^}]*\}/.test(source);

const isGuarded = (source: string) =>
  /\brequireActor\(/.test(source) || Object.keys(GUARD_WRAPPERS).some((wrapper) => source.includes(wrapper));

describe("route guards", () => {
  const files = routeFiles();

  it("finds the route modules", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((file) => [path.relative(ROUTES_DIR, file), file]))(
    "%s calls requireActor( in its loader/action, or is an allowlisted public route",
    (relative, file) => {
      const source = fs.readFileSync(file, "utf8");
      if (!exportsServerFunction(source)) return;
      if (PUBLIC_ROUTES[relative]) {
        expect(source, `${relative} is public: it must not read case data`).not.toMatch(/from\s+["']~\/models\/(cases|clues|leads|tasks|comments|reviews|rooms)/);
        return;
      }
      expect(isGuarded(source), `${relative} exports a loader or action without calling requireActor( (or a guard wrapper)`).toBe(true);
    },
  );

  it.each(files.map((file) => [path.relative(ROUTES_DIR, file), file]))(
    "%s reaches data only through permission-checking modules, never the database client directly",
    (relative, file) => {
      const source = fs.readFileSync(file, "utf8");
      if (!isGuarded(source)) return;
      expect(source, `${relative} imports the database client: use a model function that calls requirePermission`).not.toMatch(
        /from\s+["']~\/db\.server["']/,
      );
      if (NO_CASE_DATA[relative]) return;
      expect(source, `${relative} must go through a model (~/models/...) or ~/auth/permissions.server`).toMatch(
        /from\s+["']~\/(models\/[\w.-]+|auth\/permissions\.server)["']/,
      );
    },
  );

  it.each(Object.entries(GUARD_WRAPPERS))("the guard wrapper %s authenticates before running a handler", (wrapper, file) => {
    const source = fs.readFileSync(file, "utf8");
    const name = wrapper.replace("(", "");
    expect(source).toMatch(new RegExp(`export function ${name}\\b`));
    expect(source).toMatch(/const actor = await authenticateWithinLimit\(request, url\);\s*[\s\S]*?await handler\(/);
    expect(source).toMatch(/async function authenticateWithinLimit\([\s\S]*?= await requireApiCaller\(request\)\);/);
  });

  it("keeps the public allowlist short and justified", () => {
    expect(Object.keys(PUBLIC_ROUTES).length).toBeLessThanOrEqual(8);
    for (const reason of Object.values(PUBLIC_ROUTES)) expect(reason.length).toBeGreaterThan(20);
  });
});
