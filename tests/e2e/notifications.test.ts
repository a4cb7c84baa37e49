// Notifications in real browsers: an analyst on an ordinary page (not a room) sees the top bar's badge count up the
// moment a coordinator assigns them a task from the lead page, without a reload, and finds it in the inbox.
import { describe, expect, it } from "vitest";
import { browserTestSuite } from "../helpers/browser";
import { createLead } from "../helpers/edge";
import { createTeam } from "../helpers/factories";

const suite = browserTestSuite();
const { signedInPage } = suite;

describe("notifications in the browser", () => {
  it("gives an analyst on a non-room page a live badge when a coordinator assigns a task", async () => {
    const team = await createTeam();
    const lead = await createLead(team.analyst, team.case.id, { title: "Pharmacy receipt, Krakow" });
    const analyst = await signedInPage(team.analyst.email, "/home");
    const coordinator = await signedInPage(team.coordinator.email, `/leads/${lead.id}`);

    expect(await analyst.page.getByTestId("inbox-badge").count()).toBe(0);
    // Marks this document: if the page reloaded, the mark would be gone.
    await analyst.page.evaluate(() => ((window as unknown as { pageMark: number }).pageMark = 7));
    // The page's socket is up before the task is assigned (the badge listens on it).
    await analyst.page.locator('[data-testid="inbox-link"][data-live="on"]').waitFor();

    await coordinator.page.getByLabel("Task", { exact: true }).fill("Call the pharmacy");
    await coordinator.page.getByLabel("Assignee").selectOption(team.analyst.id);
    await coordinator.page.getByRole("button", { name: "Create task" }).click();
    await coordinator.page.getByRole("status").filter({ hasText: "Task created" }).waitFor();

    const badge = analyst.page.getByTestId("inbox-badge");
    await badge.waitFor();
    expect(await badge.innerText()).toMatch(/^1/);
    expect(await analyst.page.evaluate(() => (window as unknown as { pageMark?: number }).pageMark)).toBe(7);
    await analyst.page.getByRole("status").filter({ hasText: "New notification" }).waitFor({ state: "attached" });

    await analyst.page.getByTestId("inbox-link").click();
    await analyst.page.getByRole("heading", { name: "Inbox" }).waitFor();
    await analyst.page.getByRole("link", { name: /Call the pharmacy/ }).waitFor();
    await analyst.page.getByRole("button", { name: "Mark all read" }).click();
    await analyst.page.getByText("Everything is read.").waitFor();
    expect(await analyst.page.getByTestId("inbox-badge").count()).toBe(0);

    expect(analyst.browserErrors).toEqual([]);
    expect(coordinator.browserErrors).toEqual([]);
  });

  it("shows the skip link readably when it has focus", async () => {
    const team = await createTeam();
    const { page } = await signedInPage(team.analyst.email, "/home");
    await page.keyboard.press("Tab");
    const colours = await page.evaluate(() => {
      const link = document.activeElement as HTMLElement;
      const style = getComputedStyle(link);
      return { text: link.textContent, color: style.color, background: style.backgroundColor };
    });
    expect(colours.text).toContain("Skip to content");
    expect(colours.color).not.toBe(colours.background);
    expect(colours.color).not.toBe("rgb(255, 255, 255)");
  });
});
