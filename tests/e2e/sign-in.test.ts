// Every role signs in through the real pages, second factor included, and lands on its own home page.
import type { Role } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { browserTestSuite, collectBrowserErrors, signInThroughPages, submitLogin } from "../helpers/browser";
import { createTaskforce, createUser, TEST_PASSWORD } from "../helpers/factories";

const suite = browserTestSuite();

const HOMES: [Role, string, string][] = [
  ["ANALYST", "/home", "My tasks"],
  ["COORDINATOR", "/board", "Task board"],
  ["LIAISON", "/reviews", "Review queue"],
  ["ADMIN", "/admin", "Administration"],
];

describe("signing in", () => {
  it.each(HOMES)("takes a %s through password and TOTP to %s", async (role, home, heading) => {
    const taskforce = await createTaskforce();
    const user = await createUser({ role, taskforceIds: role === "ADMIN" ? [] : [taskforce.id] });
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const errors = collectBrowserErrors(page);
    await signInThroughPages(page, suite.server.url, user.email, "/");
    expect(new URL(page.url()).pathname).toBe(home);
    await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    // The session cookie is HttpOnly: page scripts cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain("cb_session");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("sends a user without a second factor to enrol before anything else", async () => {
    const user = await createUser({ role: "ANALYST", mfa: false });
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${suite.server.url}/login`);
    await submitLogin(page, user.email, TEST_PASSWORD);
    await page.waitForURL(/\/mfa\/enrol/);
    // The URL changes before the page renders (client-side navigation), and count() does not wait: wait for the
    // code itself, then count what the page holds.
    const qrCode = page.getByRole("img", { name: /QR code of the setup URI/ });
    await qrCode.first().waitFor();
    // A QR code drawn as inline SVG beside the secret as text: no raster image, none the CSP refuses.
    expect(await page.locator("img, canvas").count()).toBe(0);
    expect(await qrCode.count()).toBe(1);
    expect(await page.locator(".totp-secret code").textContent()).toMatch(/^[A-Z2-7 ]+$/);
    await page.goto(`${suite.server.url}/home`);
    await page.waitForURL(/\/mfa\/enrol/);
    await context.close();
  });

  it("refuses a wrong password with a message that does not say whether the account exists", async () => {
    const user = await createUser({ role: "ANALYST" });
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    for (const email of [user.email, "nobody-here@test.local"]) {
      await page.goto(`${suite.server.url}/login`);
      await submitLogin(page, email, "not the right password at all");
      await page.getByText("Email or password is incorrect.").waitFor();
    }
    await context.close();
  });
});
