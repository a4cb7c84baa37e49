// Debian's Chromium driven by playwright-core (no browser download is possible or needed), and the real
// sign-in a person goes through: /login, then the TOTP code at /mfa/verify.
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { totpCode } from "~/auth/totp.server";
import { TEST_PASSWORD, TEST_TOTP_SECRET } from "./factories";
import { startTestServer, type TestServer } from "./server";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
}

export interface BrowserTestSuite {
  readonly server: TestServer;
  readonly browser: Browser;
  /** A page in a fresh browser context (its own cookies), signed in as `email` and showing `path`, collecting its errors. */
  signedInPage(email: string, path: string): Promise<{ page: Page; browserErrors: string[] }>;
}

/** The real server and Chromium for a browser test file: started before its tests, closed after them. */
export function browserTestSuite(): BrowserTestSuite {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const suite: BrowserTestSuite = {
    get server() {
      if (!server) throw new Error("The test server starts in beforeAll; use it inside a test.");
      return server;
    },
    get browser() {
      if (!browser) throw new Error("The browser starts in beforeAll; use it inside a test.");
      return browser;
    },
    async signedInPage(email, path) {
      // Contexts close with the browser in afterAll.
      const page = await (await suite.browser.newContext()).newPage();
      const browserErrors = collectBrowserErrors(page);
      await signInThroughPages(page, suite.server.url, email, path);
      const landed = new URL(page.url()).pathname;
      if (landed !== path) throw new Error(`Signed in, but landed on ${landed} instead of ${path}.`);
      // The address changes before the new page renders: wait for the signed-in top bar, not the sign-in form.
      await page.locator('nav[aria-label="Main"]').waitFor();
      return { page, browserErrors };
    },
  };
  return suite;
}

/**
 * Collects uncaught page errors and console errors, which a browser test should assert are empty. A test that
 * expects some console errors (e.g. the browser logging a refused request) passes `ignoreConsole` for those.
 */
export function collectBrowserErrors(page: Page, ignoreConsole: (text: string) => boolean = () => false): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !ignoreConsole(message.text())) errors.push(message.text());
  });
  return errors;
}

/** Fills in the login page and submits it. */
export async function submitLogin(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Opens `path` signed out, signs in through the login and TOTP pages, and waits to be sent where it leads. */
export async function signInThroughPages(page: Page, baseUrl: string, email: string, path = "/", password = TEST_PASSWORD) {
  await page.goto(`${baseUrl}${path}`);
  await page.waitForURL(/\/login/);
  await submitLogin(page, email, password);
  await page.waitForURL(/\/mfa\/verify/);
  await page.getByLabel("Code").fill(totpCode(TEST_TOTP_SECRET));
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/mfa") && !url.pathname.startsWith("/login"));
}
