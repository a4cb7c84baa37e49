// The app's pages as a browser without JavaScript uses them: a signed-in session cookie, GET a page, POST a form
// (with the Origin header the CSRF check wants); redirects are returned, not followed.
import { startSession } from "~/auth/session.server";

/** A browser session for the user (fully signed in unless `mfaVerified: false`), as the Cookie header a browser would send. */
export async function sessionCookie(userId: string, options: { mfaVerified?: boolean } = {}): Promise<string> {
  const setCookie = await startSession(userId, { mfaVerified: options.mfaVerified ?? true });
  return setCookie.split(";")[0];
}

/** GET and form POST against the test server whose address `baseUrl()` gives (read at each call). */
export function pageRequests(baseUrl: () => string) {
  return {
    async get(path: string, cookie: string) {
      const response = await fetch(`${baseUrl()}${path}`, { headers: { Cookie: cookie }, redirect: "manual" });
      return { status: response.status, html: await response.text() };
    },
    async post(path: string, cookie: string, fields: Record<string, string | string[]>) {
      const body = new URLSearchParams();
      for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) body.append(name, item);
      const response = await fetch(`${baseUrl()}${path}`, {
        method: "POST",
        headers: { Cookie: cookie, Origin: baseUrl(), "Content-Type": "application/x-www-form-urlencoded" },
        body,
        redirect: "manual",
      });
      return { status: response.status, location: response.headers.get("location"), html: await response.text() };
    },
  };
}

/** A page's text as a reader sees it: without the data its scripts carry, nor the markers React puts between pieces of text. */
export function shownText(html: string): string {
  return html.replace(/<script\b[\s\S]*?<\/script>/g, "").replace(/<!-- -->/g, "");
}
