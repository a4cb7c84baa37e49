// Signing in over HTTP against the real server (Express + the Remix build), as a browser would.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSession } from "~/auth/session.server";
import { SIGN_IN_FAILED, resetSignInLimits } from "~/auth/sign-in.server";
import { totpCode } from "~/auth/totp.server";
import { prisma } from "~/db.server";
import { TEST_PASSWORD, TEST_TOTP_SECRET, createUser } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => resetSignInLimits());

function cookieOf(response: Response): string {
  const setCookie = response.headers.get("set-cookie") ?? "";
  return setCookie.split(";")[0];
}

async function get(path: string, cookie?: string) {
  return fetch(`${server.url}${path}`, { redirect: "manual", headers: cookie ? { Cookie: cookie } : {} });
}

async function post(path: string, form: Record<string, string>, options: { cookie?: string; origin?: string | null; referer?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded", ...options.headers };
  if (options.origin !== null) headers.Origin = options.origin ?? server.url;
  if (options.referer) headers.Referer = options.referer;
  if (options.cookie) headers.Cookie = options.cookie;
  return fetch(`${server.url}${path}`, { method: "POST", redirect: "manual", headers, body: new URLSearchParams(form).toString() });
}

/** The page with what changes per request (nonces) and per attempt (the typed email) taken out. */
function comparable(html: string, email: string) {
  return html.replace(/nonce="[^"]*"/g, 'nonce=""').replaceAll(email, "EMAIL");
}

describe("signing in over HTTP", () => {
  it("signs in with password then code, reaches the account page, and signs out", async () => {
    const user = await createUser();
    const login = await post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo: "/account" });
    expect(login.status).toBe(302);
    expect(login.headers.get("location")).toBe(`/mfa/verify?redirectTo=${encodeURIComponent("/account")}`);
    const pending = cookieOf(login);
    expect(pending).toMatch(/^cb_session=.+/);
    expect(login.headers.get("set-cookie")).toMatch(/HttpOnly/i);

    // Password alone is not enough.
    expect((await get("/account", pending)).headers.get("location")).toMatch(/^\/mfa\/verify/);
    const form = await get("/mfa/verify?redirectTo=%2Faccount", pending);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain("Enter your code");

    const verified = await post("/mfa/verify", { code: totpCode(TEST_TOTP_SECRET), redirectTo: "/account" }, { cookie: pending });
    expect(verified.status).toBe(302);
    expect(verified.headers.get("location")).toBe("/account");
    const full = cookieOf(verified);
    expect(full).not.toBe(pending);

    const account = await get("/account", full);
    expect(account.status).toBe(200);
    const html = await account.text();
    expect(html).toContain("Your account");
    expect(html).toContain('<header class="topbar">');

    const out = await post("/logout", {}, { cookie: full });
    expect(out.status).toBe(302);
    expect(out.headers.get("set-cookie")).toMatch(/cb_session=;/);
    expect((await get("/account", full)).headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent("/account")}`);

    const actions = await prisma.auditEvent.findMany({ where: { actorId: user.id }, orderBy: { id: "asc" }, select: { action: true, outcome: true, ip: true } });
    expect(actions.map((a) => `${a.action}:${a.outcome}`)).toEqual(["auth.sign_in:ok", "auth.mfa:ok", "auth.sign_out:ok"]);
    expect(actions.every((a) => a.ip && /127\.0\.0\.1/.test(a.ip))).toBe(true);
  });

  it("answers an unknown email and a wrong password identically", async () => {
    const user = await createUser();
    const unknownEmail = `nobody-${Date.now()}@test.local`;
    const wrong = await post("/login", { email: user.email, password: "not the right password" });
    const unknown = await post("/login", { email: unknownEmail, password: "not the right password" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(wrong.status);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain(SIGN_IN_FAILED);
    expect(comparable(await unknown.text(), unknownEmail)).toBe(comparable(wrongHtml, user.email));
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(unknown.headers.get("set-cookie")).toBeNull();
  });

  it("holds back other clients after 5 failures with 429, Retry-After and the wait in words, while the owner's known browser signs in", async () => {
    const user = await createUser();
    // The owner signs in fully once: the browser gets its long-lived device cookie.
    const login = await post("/login", { email: user.email, password: TEST_PASSWORD });
    const verified = await post("/mfa/verify", { code: totpCode(TEST_TOTP_SECRET), redirectTo: "/" }, { cookie: cookieOf(login) });
    expect(verified.status).toBe(302);
    const deviceCookie = verified.headers.getSetCookie().find((cookie) => cookie.startsWith("cb_device="));
    expect(deviceCookie).toMatch(/HttpOnly/);
    const device = deviceCookie!.split(";")[0];

    for (let i = 0; i < 4; i++) expect((await post("/login", { email: user.email, password: `wrong password ${i}` })).status).toBe(401);
    const heldBack = await post("/login", { email: user.email, password: "wrong password 5" });
    expect(heldBack.status).toBe(429);
    const retryAfter = Number(heldBack.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(await heldBack.text()).toContain("Try again in");
    expect((await post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(429);

    // The owner's browser, with its device cookie, still gets in with the right password and code.
    await prisma.user.update({ where: { id: user.id }, data: { totpLastStep: null } });
    const ownerLogin = await post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo: "/cases" }, { cookie: device });
    expect(ownerLogin.status).toBe(302);
    const ownerVerified = await post("/mfa/verify", { code: totpCode(TEST_TOTP_SECRET), redirectTo: "/cases" }, { cookie: `${cookieOf(ownerLogin)}; ${device}` });
    expect(ownerVerified.status).toBe(302);
    // ...and is told first of the failed attempts since their previous sign-in.
    expect(ownerVerified.headers.get("location")).toBe(`/account?continue=${encodeURIComponent("/cases")}`);
    const session = ownerVerified.headers.getSetCookie().find((cookie) => cookie.startsWith("cb_session="))!.split(";")[0];
    const account = await (await get("/account?continue=%2Fcases", session)).text();
    // Five wrong passwords and one attempt refused while held back.
    expect(account).toContain("6 failed sign-in attempts");
    expect(account).toContain('href="/cases"');
  });

  it("tells a code already used apart from a wrong one on the page", async () => {
    const user = await createUser();
    const code = totpCode(TEST_TOTP_SECRET);
    const first = await post("/login", { email: user.email, password: TEST_PASSWORD });
    expect((await post("/mfa/verify", { code, redirectTo: "/" }, { cookie: cookieOf(first) })).status).toBe(302);
    const second = await post("/login", { email: user.email, password: TEST_PASSWORD });
    const replay = await post("/mfa/verify", { code, redirectTo: "/" }, { cookie: cookieOf(second) });
    expect(replay.status).toBe(401);
    expect(await replay.text()).toContain("This code was already used. Wait for the next code");
  });

  it("enrols an authenticator at first sign-in and shows ten recovery codes once", async () => {
    const user = await createUser({ mfa: false });
    const login = await post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo: "/account" });
    expect(login.headers.get("location")).toBe(`/mfa/enrol?redirectTo=${encodeURIComponent("/account")}`);
    const cookie = cookieOf(login);
    const page = await (await get("/mfa/enrol?redirectTo=%2Faccount", cookie)).text();
    // The QR code is inline SVG markup drawn on the server: vector paths, never an image the CSP would refuse.
    expect(page).not.toMatch(/<img|<canvas|<image/i);
    expect(page).toMatch(/<svg role="img" aria-label="QR code of the setup URI[^"]*"[^>]*viewBox="0 0 \d+ \d+"/);
    const svg = /<svg[^]*?<\/svg>/.exec(page)?.[0] ?? "";
    expect(svg).toMatch(/^<svg [^>]*><path [^>]*d="M[^"]+"\/>/);
    expect(svg).not.toMatch(/style|<script|<image|<foreignObject|href=/i);
    expect(page).toContain("otpauth://totp/");
    const secret = /class="totp-secret"><code[^>]*>([A-Z2-7 ]+)<\/code>/.exec(page)?.[1]?.replace(/ /g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const confirmed = await post("/mfa/enrol", { code: totpCode(secret!), redirectTo: "/account" }, { cookie });
    expect(confirmed.status).toBe(200);
    const codesPage = await confirmed.text();
    expect(codesPage).toContain("Save your recovery codes");
    expect(codesPage.match(/<li><code>[a-z2-9]{5}-[a-z2-9]{5}<\/code><\/li>/g)).toHaveLength(10);
    expect((await get("/account", cookie)).status).toBe(200);
  });
});

describe("CSRF origin check", () => {
  it("refuses a form post from another site with 403", async () => {
    const user = await createUser();
    const response = await post("/login", { email: user.email, password: TEST_PASSWORD }, { origin: "https://evil.example" });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("did not come from a Cluebridge page");
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("refuses a post with neither Origin nor Referer, and accepts our own Referer", async () => {
    const user = await createUser();
    expect((await post("/login", { email: user.email, password: "wrong password here" }, { origin: null })).status).toBe(403);
    const withReferer = await post("/login", { email: user.email, password: "wrong password here" }, { origin: null, referer: `${server.url}/login` });
    expect(withReferer.status).toBe(401);
  });

  it("lets our own origin through", async () => {
    const user = await createUser();
    expect((await post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(302);
  });

  it("does not apply to Bearer requests (a browser cannot add that header cross-site)", async () => {
    const response = await fetch(`${server.url}/api/v1/cases`, {
      method: "POST",
      headers: { Origin: "https://evil.example", Authorization: "Bearer cbt_not-a-real-token", "Content-Type": "application/json", Accept: "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
  });
});

describe("pages by role", () => {
  it("sends each role home from /, and hides administration from everyone else (404, not 403)", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const liaison = await createUser({ role: "LIAISON" });
    const adminCookie = (await startSession(admin.id, { mfaVerified: true })).split(";")[0];
    const liaisonCookie = (await startSession(liaison.id, { mfaVerified: true })).split(";")[0];
    expect((await get("/", adminCookie)).headers.get("location")).toBe("/admin");
    expect((await get("/", liaisonCookie)).headers.get("location")).toBe("/reviews");
    expect((await get("/")).headers.get("location")).toBe("/login");

    const adminPage = await get("/admin", adminCookie);
    expect(adminPage.status).toBe(200);
    expect(await adminPage.text()).toContain("<h1>Administration</h1>");
    expect((await get("/admin", liaisonCookie)).status).toBe(404);
  });
});
