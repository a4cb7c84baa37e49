// Debian's Chromium driven by playwright-core (no browser download is possible or needed), and the real
// sign-in a person goes through: /login, then the TOTP code at /mfa/verify.
import { chromium, type Browser, type Page } from "playwright-core";
import { totpCode } from "~/auth/totp.server";
import { TEST_PASSWORD, TEST_TOTP_SECRET } from "./factories";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
}

/** Collects uncaught page errors and console errors, which a browser test should assert are empty. */
export function collectBrowserErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  return errors;
}

/** Opens `path` signed out, signs in through the login and TOTP pages, and waits to be sent where it leads. */
export async function signInThroughPages(page: Page, baseUrl: string, email: string, path = "/", password = TEST_PASSWORD) {
  await page.goto(`${baseUrl}${path}`);
  await page.waitForURL(/\/login/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/mfa\/verify/);
  await page.getByLabel("Code").fill(totpCode(TEST_TOTP_SECRET));
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/mfa") && !url.pathname.startsWith("/login"));
}
