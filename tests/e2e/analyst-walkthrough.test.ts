// An analyst's first hour, in a real browser against the real server: sign in with password and TOTP, open the
// case, record clues (one refused for embedding an image, with everything else they typed kept), build a lead
// citing the clues, and comment on it. And a page they may not see is simply "Not found".
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserTestSuite, collectBrowserErrors, signInThroughPages } from "../helpers/browser";
import { createTeam } from "../helpers/factories";
import { clueAs } from "../helpers/workspace";

const suite = browserTestSuite();

/** A page that records browser errors (hydration mismatches, CSP violations, uncaught exceptions). */
async function openPage(): Promise<{ page: Page; browserErrors: string[] }> {
  const page = await suite.browser.newPage();
  // A 422 or 404 answer is logged as a "failed resource load": expected, since refusing is what is tested.
  const browserErrors = collectBrowserErrors(page, (text) => text.startsWith("Failed to load resource: the server responded with a status of 4"));
  return { page, browserErrors };
}

/** Signs in through the pages from `path` and checks the sign-in came back to `path`. */
async function signIn(page: Page, email: string, path: string) {
  await signInThroughPages(page, suite.server.url, email, path);
  expect(new URL(page.url()).pathname).toBe(path);
}

async function addClue(page: Page, clue: { category: string; value: string; detail?: string }) {
  await page.getByRole("link", { name: "Add clue" }).first().click();
  await page.getByRole("heading", { name: "Add clue" }).waitFor();
  await page.getByLabel("Category").selectOption({ label: clue.category });
  await page.getByLabel("Clue", { exact: true }).fill(clue.value);
  if (clue.detail) await page.getByLabel("Detail").fill(clue.detail);
  await page.getByRole("button", { name: "Add clue", exact: true }).click();
  await page.getByText("Clue added.").waitFor();
}

describe("analyst walkthrough", () => {
  it("signs in, records clues, builds a lead citing them and comments on it", async () => {
    const team = await createTeam();
    const casePath = `/cases/${team.case.id}`;
    const { page, browserErrors } = await openPage();
    try {
      await signIn(page, team.analyst.email, casePath);
      await page.getByRole("heading", { name: new RegExp(team.case.reference) }).waitFor();
      await page.getByText("No clues you can see on this case yet.").waitFor();

      await addClue(page, { category: "Architecture / fixture (sockets, switches, windows)", value: "Power socket type F", detail: "Two sockets under the window" });
      await addClue(page, { category: "Text / language seen", value: "Shampoo label in Polish, brand X", detail: "Sold 2016-2019" });

      // The third clue embeds an image: refused, with the field error and every other field as typed.
      await page.getByRole("link", { name: "Add clue" }).first().click();
      await page.getByRole("heading", { name: "Add clue" }).waitFor();
      const typed = {
        value: 'Wallpaper pattern <img src=x onerror="1">',
        detail: "Green leaves, visible behind the bed",
        mediaRefs: "SHA256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      };
      await page.getByLabel("Category").selectOption({ label: "Furniture" });
      await page.getByLabel("Clue", { exact: true }).fill(typed.value);
      await page.getByLabel("Detail").fill(typed.detail);
      await page.getByLabel("Confidence").selectOption("HIGH");
      await page.getByLabel("Handling code").selectOption("AMBER_STRICT");
      await page.getByLabel("Source reliability").selectOption("B");
      await page.getByLabel("Information assessment").selectOption("2");
      await page.getByLabel("Media references").fill(typed.mediaRefs);
      await page.getByRole("button", { name: "Add clue", exact: true }).click();

      const valueField = page.getByLabel("Clue", { exact: true });
      await page.locator("#value-error").waitFor();
      expect(await page.locator("#value-error").textContent()).toContain("Cluebridge is text-only");
      expect(await valueField.getAttribute("aria-invalid")).toBe("true");
      expect(await valueField.getAttribute("aria-describedby")).toContain("value-error");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("value");
      expect(await valueField.inputValue()).toBe(typed.value);
      expect(await page.getByLabel("Category").inputValue()).toBe("furniture");
      expect(await page.getByLabel("Detail").inputValue()).toBe(typed.detail);
      expect(await page.getByLabel("Confidence").inputValue()).toBe("HIGH");
      expect(await page.getByLabel("Handling code").inputValue()).toBe("AMBER_STRICT");
      expect(await page.getByLabel("Source reliability").inputValue()).toBe("B");
      expect(await page.getByLabel("Information assessment").inputValue()).toBe("2");
      expect(await page.getByLabel("Media references").inputValue()).toBe(typed.mediaRefs);

      await valueField.fill("Wallpaper pattern: green leaves");
      await page.getByRole("button", { name: "Add clue", exact: true }).click();
      await page.getByText("Clue added.").waitFor();
      await page.getByRole("link", { name: "Wallpaper pattern: green leaves" }).waitFor();

      // Build a lead citing all three.
      await page.getByRole("link", { name: "Build a lead" }).first().click();
      await page.getByRole("heading", { name: "Build a lead" }).waitFor();
      await page.getByLabel("Title").fill("Filmed in a flat in Poland");
      await page.getByLabel("Hypothesis").fill("Socket type F and a Polish shampoo label point to Poland.");
      for (const clue of ["Power socket type F", "Shampoo label in Polish, brand X", "Wallpaper pattern: green leaves"]) {
        await page.getByRole("checkbox", { name: clue }).check();
      }
      await page.getByRole("button", { name: "Save lead" }).click();
      await page.waitForURL(/\/leads\//);
      await page.getByRole("heading", { name: "Filmed in a flat in Poland" }).waitFor();
      const evidence = page.locator(".evidence-chain > li");
      expect(await evidence.count()).toBe(3);
      expect(await page.locator(".evidence-chain").textContent()).toContain("TLP:AMBER+STRICT");
      expect(await page.locator(".evidence-chain").textContent()).toContain("Evaluation B2");

      // Comment on the lead.
      await page.getByLabel("Add a comment").fill(`Checking retailers of brand X. @${team.coordinator.email}`);
      await page.getByRole("button", { name: "Post comment" }).click();
      await page.locator(".comment-body", { hasText: "Checking retailers of brand X." }).waitFor();
      expect(await page.getByLabel("Add a comment").inputValue()).toBe("");
      expect(browserErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("shows Not found with a 404 for a clue of another taskforce", async () => {
    const [team, other] = await Promise.all([createTeam(), createTeam()]);
    const hidden = await clueAs(other.analyst, other.case.id, { value: "Radiator type K" });
    const { page } = await openPage();
    try {
      await signIn(page, team.analyst.email, "/home");
      await page.getByRole("heading", { name: "My tasks" }).waitFor();
      const response = await page.goto(`${suite.server.url}/clues/${hidden.id}`);
      expect(response?.status()).toBe(404);
      await page.getByRole("heading", { name: /Not found/ }).waitFor();
      expect(await page.content()).not.toContain("Radiator type K");
    } finally {
      await page.close();
    }
  });
});
