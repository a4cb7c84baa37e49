// Every response carries the security headers; scripts run only with the response's nonce; uploads are refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";

let production: TestServer;
let development: TestServer;

beforeAll(async () => {
  production = await startTestServer({ production: true });
  development = await startTestServer({ production: false });
});
afterAll(async () => {
  await production?.close();
  await development?.close();
});

function cspDirectives(header: string | null) {
  return new Map((header ?? "").split(";").map((part) => {
    const [name, ...values] = part.trim().split(/\s+/);
    return [name, values] as const;
  }));
}

describe("security headers", () => {
  it("sends a CSP whose script nonce is fresh per response and carried by every script tag", async () => {
    const first = await fetch(`${production.url}/login`);
    const second = await fetch(`${production.url}/login`);
    const csp = cspDirectives(first.headers.get("content-security-policy"));
    const nonce = csp.get("script-src")?.find((value) => value.startsWith("'nonce-"))?.slice(7, -1);
    expect(nonce).toBeTruthy();
    expect(second.headers.get("content-security-policy")).not.toContain(nonce);
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(csp.get("script-src")).not.toContain("'unsafe-inline'");
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    // Text-only: the browser is told to load no images or media at all.
    expect(csp.get("img-src")).toEqual(["'none'"]);
    expect(csp.get("media-src")).toEqual(["'none'"]);
  });

  it("sets nosniff, a strict referrer policy and no framing", async () => {
    const response = await fetch(`${production.url}/login`);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(["no-referrer", "same-origin", "strict-origin"]).toContain(response.headers.get("referrer-policy"));
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-powered-by")).toBeNull();
  });

  it("sends HSTS outside development only", async () => {
    expect((await fetch(`${production.url}/login`)).headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    expect((await fetch(`${development.url}/login`)).headers.get("strict-transport-security")).toBeNull();
  });
});

describe("text only at the door", () => {
  it("refuses a multipart upload with a clear 415 before any route sees it", async () => {
    const form = new FormData();
    form.append("value", "socket type F");
    form.append("file", new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" }), "photo.png");
    const response = await fetch(`${production.url}/login`, { method: "POST", body: form, headers: { origin: production.url } });
    expect(response.status).toBe(415);
    expect(await response.text()).toMatch(/text-only/i);
  });

  it("refuses a binary body on the API as JSON", async () => {
    const response = await fetch(`${production.url}/api/v1/cases`, {
      method: "POST",
      body: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]),
      headers: { "content-type": "image/jpeg", authorization: "Bearer cbt_x" },
    });
    expect(response.status).toBe(415);
    expect((await response.json()).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });
});

describe("bodies without a declared type", () => {
  it("refuses a body sent without a Content-Type with 415, not an error page", async () => {
    const response = await fetch(`${production.url}/login`, {
      method: "POST",
      body: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]),
      headers: { origin: production.url },
    });
    expect(response.status).toBe(415);
  });
});

describe("a page's action given no form", () => {
  it("answers a JSON, plain-text or empty body with 415 and what it takes, never a 500", async () => {
    const bodies: [string, RequestInit][] = [
      ["JSON", { body: JSON.stringify({ email: "a@b.c", password: "x" }), headers: { "content-type": "application/json" } }],
      ["plain text", { body: "email=a@b.c", headers: { "content-type": "text/plain" } }],
      ["no body", { headers: {} }],
    ];
    for (const [name, init] of bodies) {
      for (const path of ["/login", "/appeals"]) {
        const response = await fetch(`${production.url}${path}`, { method: "POST", ...init, headers: { ...(init.headers as Record<string, string>), origin: production.url } });
        expect(response.status, `${name} to ${path}`).toBe(415);
        // The page's error view, with the refusal's message.
        expect(await response.text()).toContain("This page takes a form");
      }
    }
  });
});
