// A liaison's path from a lead waiting for review to a partner agency, in a real browser: approve it with a
// redacted hypothesis (the original stays beside it), disseminate it under H3 with its restriction, and open the
// printable report, whose TLP and H-code banner heads (and foots) every printed page.
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { browserTestSuite, collectBrowserErrors, signInThroughPages } from "../helpers/browser";
import { createTeam } from "../helpers/factories";
import { clueWithCode, leadAs } from "../helpers/workspace";
import { decideReview, requestReview } from "../helpers/edge";

const suite = browserTestSuite();

describe("dissemination", () => {
  it("a liaison redacts and disseminates a lead, then opens the printable report with its banner", async () => {
    const team = await createTeam();
    const clue = await clueWithCode(team.analyst, team.case.id, "GREEN", { value: "Shampoo label in Polish", evaluation: { sourceReliability: "B", infoAssessment: 2 } });
    await requestReview(team.analyst, "CLUE", clue.id);
    await decideReview(team.liaison, "CLUE", clue.id, { decision: "APPROVED" });
    const lead = await leadAs(team.analyst, team.case.id, { title: "Room is in Poland", hypothesis: "Label seen by officer Kowalski at the scene", handlingCode: "GREEN", clueIds: [clue.id] });
    await requestReview(team.analyst, "LEAD", lead.id);
    await prisma.disseminationRecipient.create({ data: { country: "Poland", agency: "Policja CBZC", contactPoint: "SPOC Warsaw" } });

    const page = await suite.browser.newPage();
    // The H3 refusal (422) is logged by the browser as a failed resource load: expected, it is what is tested.
    const browserErrors = collectBrowserErrors(page, (text) => text.includes("status of 422"));
    try {
      const leadPath = `/leads/${lead.id}`;
      await signInThroughPages(page, suite.server.url, team.liaison.email, leadPath);
      await page.getByRole("heading", { name: "Room is in Poland" }).waitFor();

      // Approve with a redacted copy of the hypothesis.
      await page.getByText("Redact before approving").click();
      await page.getByLabel("Hypothesis as sent").fill("Label seen at the scene");
      await page.getByLabel("Note").first().fill("Officer's name removed.");
      await page.getByRole("button", { name: "Approve", exact: true }).click();
      await page.getByText("Approved for dissemination.", { exact: true }).waitFor();
      const table = page.getByRole("table", { name: "What leaves the taskforce" });
      await table.waitFor();
      expect(await table.textContent()).toContain("Label seen by officer Kowalski at the scene");
      expect(await table.textContent()).toContain("Label seen at the scene");

      // Disseminate under H3, which needs its restriction stated.
      await page.getByLabel("Send to").selectOption({ label: "Policja CBZC, SPOC Warsaw (Poland)" });
      await page.getByLabel("Europol handling code").selectOption("H3");
      await page.getByRole("button", { name: "Disseminate" }).click();
      await page.locator("#dissemination-restriction-error").waitFor();
      await page.getByLabel("Restriction").fill("Only for the CSAM unit; no onward sharing.");
      await page.getByRole("button", { name: "Disseminate" }).click();
      await page.waitForURL(/\/disseminations\/[^/]+\/report$/);

      // The report: the banner on screen, and repeated as the table's header and footer when printed.
      const top = page.getByTestId("report-banner-top");
      await top.waitFor();
      expect(await top.textContent()).toContain("TLP:GREEN");
      expect(await top.textContent()).toContain("H3");
      expect(await top.textContent()).toContain("Only for the CSAM unit; no onward sharing.");
      expect(await page.getByTestId("report-banner-bottom").textContent()).toContain("TLP:GREEN");
      expect(await page.locator("main").textContent()).toContain("Label seen at the scene");
      expect(await page.locator("body").textContent()).not.toContain("Kowalski");
      await page.emulateMedia({ media: "print" });
      expect(await page.locator(".report-frame > thead").evaluate((element) => getComputedStyle(element).display)).toBe("table-header-group");
      expect(await page.locator(".report-frame > tfoot").evaluate((element) => getComputedStyle(element).display)).toBe("table-footer-group");
      expect(await top.isVisible()).toBe(true);
      expect(await page.locator(".report-actions").isVisible()).toBe(false);
      const pdf = await page.pdf({ format: "A4" });
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      expect(browserErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
