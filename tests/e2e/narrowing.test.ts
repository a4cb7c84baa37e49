// Where was this made? In a real browser: an analyst types four facets on two clues, keyboard only, and the case's
// candidate list narrows to Poland with every exclusion explained; a coordinator watching the room sees the list
// change live as the clues are saved.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserTestSuite, collectBrowserErrors, signInThroughPages } from "../helpers/browser";
import { createTeam } from "../helpers/factories";

const suite = browserTestSuite();

async function openPage(): Promise<{ page: Page; browserErrors: string[] }> {
  const page = await suite.browser.newPage();
  const browserErrors = collectBrowserErrors(page);
  return { page, browserErrors };
}

/** Fills the add-clue form, typing each facet key by key into its own field, and saves it. */
async function addClueWithFacets(page: Page, clue: { category: string; value: string; facets: string[] }) {
  await page.getByRole("heading", { name: "Add clue" }).waitFor();
  await page.getByLabel("Category").selectOption({ label: clue.category });
  await page.getByLabel("Clue", { exact: true }).fill(clue.value);
  await page.getByLabel("Confidence").selectOption("HIGH");
  await page.getByLabel("Source reliability").selectOption("B");
  await page.getByLabel("Information assessment").selectOption("2");
  for (const [index, facet] of clue.facets.entries()) {
    const field = page.getByLabel(`Facet ${index + 1}`, { exact: true });
    expect(await field.getAttribute("list")).toBe("facet-vocabulary");
    await field.focus();
    await page.keyboard.type(facet);
  }
  await page.getByRole("button", { name: "Add and start another" }).click();
  await page.getByText("Clue added.").waitFor();
}

async function candidates(page: Page): Promise<string[]> {
  return page.locator('[data-testid="candidate-list"] > li').evaluateAll((items) => items.map((item) => item.getAttribute("data-country") ?? ""));
}

describe("narrowing the country of production", () => {
  it("narrows to Poland as an analyst types four facets, explains each exclusion, and updates the room live", async () => {
    const team = await createTeam();
    const { page, browserErrors } = await openPage();
    const { page: room, browserErrors: roomErrors } = await openPage();
    try {
      await signInThroughPages(room, suite.server.url, team.coordinator.email, `/rooms/${team.taskforce.id}`);
      await room.getByText("Live: connected").waitFor();
      await room.getByText("No clue you may see on this case has facets yet.").waitFor();

      await signInThroughPages(page, suite.server.url, team.analyst.email, `/cases/${team.case.id}/clues/new`);
      await page.getByRole("heading", { name: "Add clue" }).waitFor();
      // The vocabulary the browser suggests from.
      expect(await page.locator('#facet-vocabulary option[value="plugType: F"]').count()).toBe(1);
      expect(await page.locator('#facet-vocabulary option[value="language: pl"]').count()).toBe(1);

      await addClueWithFacets(page, { category: "Architecture / fixture (sockets, switches, windows)", value: "Power socket type F", facets: ["plugType: F", "mainsFrequency: 50"] });
      await page.goto(`${suite.server.url}/cases/${team.case.id}`);
      // Many countries fit a type F socket on 50 Hz: the list shows the best 15 and counts the rest.
      expect(await candidates(page)).toHaveLength(15);
      await page.getByText(/more countries are not ruled out/).waitFor();
      expect(await page.locator('[data-testid="excluded-list"] li[data-country="PL"]').count()).toBe(0);
      expect(await page.locator('[data-testid="excluded-list"] li[data-country="US"]').textContent()).toContain("50 Hz mains, but United States has 60 Hz mains");
      expect(await page.locator('[data-testid="excluded-list"] li[data-country="GB"]').textContent()).toContain("type F socket, but United Kingdom uses plug types G");
      // The room heard the clue and fetched its narrowing again.
      await room.locator('[data-testid="room-candidates"] li').first().waitFor({ timeout: 15_000 });

      await page.goto(`${suite.server.url}/cases/${team.case.id}/clues/new`);
      await addClueWithFacets(page, { category: "Text / language seen", value: "Shampoo label in Polish, brand X", facets: ["language: pl", "mainsVoltage: 230"] });
      await page.goto(`${suite.server.url}/cases/${team.case.id}`);
      const narrowed = await candidates(page);
      expect(narrowed[0]).toBe("PL");
      const scored = await page.locator('[data-testid="candidate-list"] > li').evaluateAll((items) =>
        items.filter((item) => Number(/score (-?[\d.]+)/.exec(item.textContent ?? "")?.[1]) > 0).map((item) => item.getAttribute("data-country")),
      );
      expect(scored).toEqual(["PL"]);
      const poland = page.locator('[data-testid="candidate-list"] > li[data-country="PL"]');
      expect(await poland.textContent()).toContain("Polish language (pl): fits");
      expect(await poland.textContent()).toContain("Poland uses plug types C, E (the same plugs fit both)");

      // Every ruled-out country says which clue ruled it out and why.
      await page.getByText(/^Ruled out: \d+ countries$/).click();
      const germany = page.locator('[data-testid="excluded-list"] li[data-country="DE"]');
      expect(await germany.textContent()).toContain("Polish language (pl), but Germany's official languages: German");
      const unexplained = await page.locator('[data-testid="excluded-list"] > ul > li').evaluateAll((items) => items.filter((item) => item.querySelectorAll(".reasons li").length === 0).length);
      expect(unexplained).toBe(0);

      // The map beside the list: inline SVG, Poland linking to its reasons, the UK marked as ruled out.
      const map = page.locator(".map-frame svg");
      expect(await map.getAttribute("aria-describedby")).toBe("country-list");
      expect(await map.locator('a[data-country="PL"]').getAttribute("href")).toBe("#country-PL");
      expect(await map.locator('a[data-country="GB"] path').getAttribute("fill")).toBe("url(#narrowing-excluded)");

      // The coordinator's room shows Poland first without reloading.
      await room.waitForFunction(() => document.querySelector('[data-testid="room-candidates"] li')?.getAttribute("data-country") === "PL");
      expect(browserErrors).toEqual([]);
      expect(roomErrors).toEqual([]);
    } finally {
      await page.close();
      await room.close();
    }
  }, 120_000);
});
