// Two analysts of one taskforce in two real browser contexts: a lead shared by one appears in the other's live
// feed without a reload (and on the watcher's inbox badge), and the connection indicator says so in words.
import { describe, expect, it } from "vitest";
import { browserTestSuite } from "../helpers/browser";
import { createTeam } from "../helpers/factories";
import { createLead } from "../helpers/edge";

const suite = browserTestSuite();
const { signedInPage } = suite;

describe("taskforce room in the browser", () => {
  it("shows a lead shared by one analyst to the other without a reload", async () => {
    const team = await createTeam();
    const lead = await createLead(team.analyst, team.case.id, { title: "Power sockets type F, Polish shampoo", handlingCode: "GREEN" });
    const roomPath = `/rooms/${team.taskforce.id}`;
    const sharer = await signedInPage(team.analyst.email, roomPath);
    const watcher = await signedInPage(team.analystOtherAgency.email, roomPath);

    for (const { page } of [sharer, watcher]) await page.getByRole("status").filter({ hasText: "Live: connected" }).waitFor();
    await watcher.page.getByRole("complementary").getByText(team.analyst.displayName).waitFor();
    // Marks this document: if the page reloaded, the mark would be gone.
    await watcher.page.evaluate(() => ((window as unknown as { roomMark: number }).roomMark = 42));

    await sharer.page.getByLabel("Lead", { exact: true }).selectOption(lead.id);
    await sharer.page.getByLabel("Note (optional)").fill("Same sockets as in series 7, please check");
    await sharer.page.getByRole("button", { name: "Share with the room" }).click();
    await sharer.page.getByRole("alert").filter({ hasText: "Shared with the room." }).waitFor();

    const feed = watcher.page.locator("ol.feed");
    await feed.getByText("Same sockets as in series 7, please check").waitFor();
    // Once, not twice (the live event and the sharer's acknowledgement are the same stored event).
    expect(await feed.locator("li").filter({ hasText: "Lead shared" }).count()).toBe(1);
    await watcher.page.getByRole("button", { name: /1 new/ }).waitFor();
    expect(await watcher.page.evaluate(() => (window as unknown as { roomMark?: number }).roomMark)).toBe(42);
    // The share's notice: the watcher's page counts it once, from the room event (it is not also sent the notice);
    // the sharer is not told of their own share.
    const badge = watcher.page.getByTestId("inbox-badge");
    await badge.waitFor();
    await watcher.page.getByRole("status").filter({ hasText: `New notification: ${team.analyst.displayName} shared "${lead.title}" in the room` }).waitFor({ state: "attached" });
    await watcher.page.waitForTimeout(300);
    expect(await badge.innerText()).toMatch(/^1\b/);
    expect(await sharer.page.getByTestId("inbox-badge").count()).toBe(0);

    // A claim shows up live too.
    await watcher.page.getByRole("row", { name: new RegExp(lead.title) }).getByRole("button", { name: /^Claim/ }).click();
    await sharer.page.getByRole("row", { name: new RegExp(lead.title) }).getByText(`${team.analystOtherAgency.displayName} is working this lead`, { exact: false }).waitFor();

    expect(sharer.browserErrors).toEqual([]);
    expect(watcher.browserErrors).toEqual([]);
  });
});
