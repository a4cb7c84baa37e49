// De-confliction without disclosure, in a real browser (issue 13): two analysts in different taskforces record
// the same media hash id; each sees only that a match exists in a case they cannot see; their coordinators
// request and accept contact in the de-confliction queue; then both analysts see the link.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { browserTestSuite, collectBrowserErrors, signInThroughPages } from "../helpers/browser";
import { createActor, createCase, createTaskforce } from "../helpers/factories";

const suite = browserTestSuite();
const HASH = "4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce";

async function openAs(email: string, path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await suite.browser.newPage();
  const errors = collectBrowserErrors(page);
  await signInThroughPages(page, suite.server.url, email, path);
  return { page, errors };
}

async function addHashClue(page: Page, value: string) {
  await page.getByRole("link", { name: "Add clue" }).first().click();
  await page.getByRole("heading", { name: "Add clue" }).waitFor();
  await page.getByLabel("Category").selectOption({ label: "Object / product" });
  await page.getByLabel("Clue", { exact: true }).fill(value);
  await page.getByLabel("Media references").fill(`SHA256:${HASH}`);
  await page.getByRole("button", { name: "Add clue", exact: true }).click();
  await page.getByText("Clue added.").waitFor();
}

describe("de-confliction between two taskforces", () => {
  it("shows each analyst only that a match exists until both coordinators accept contact, then the link", async () => {
    const [tfA, tfB] = await Promise.all([createTaskforce(), createTaskforce()]);
    const [analystA, coordinatorA, analystB, coordinatorB, liaisonB] = await Promise.all([
      createActor({ role: "ANALYST", agency: "Agency A", taskforceIds: [tfA.id] }),
      createActor({ role: "COORDINATOR", agency: "Agency A", taskforceIds: [tfA.id] }),
      createActor({ role: "ANALYST", agency: "Agency B", taskforceIds: [tfB.id] }),
      createActor({ role: "COORDINATOR", agency: "Agency B", taskforceIds: [tfB.id] }),
      createActor({ role: "LIAISON", agency: "Europol", taskforceIds: [tfB.id] }),
    ]);
    const [caseA, caseB] = await Promise.all([createCase(tfA.id, { createdById: coordinatorA.id }), createCase(tfB.id, { createdById: coordinatorB.id })]);

    const a = await openAs(analystA.email, `/cases/${caseA.id}`);
    await addHashClue(a.page, "Poster of a football club");
    const b = await openAs(analystB.email, `/cases/${caseB.id}`);
    await addHashClue(b.page, "Bedroom poster, red and white");
    const clueA = await prisma.clue.findFirstOrThrow({ where: { caseId: caseA.id } });
    const clueB = await prisma.clue.findFirstOrThrow({ where: { caseId: caseB.id } });

    // Each analyst: "a match exists", its kind and whom to ask; nothing of the other side.
    await a.page.goto(`${suite.server.url}/clues/${clueA.id}`);
    const hiddenA = a.page.locator("[data-hidden-link=HASH]");
    await hiddenA.waitFor();
    expect(await hiddenA.textContent()).toContain("A match exists in a case you cannot see (same media hash)");
    expect(await hiddenA.textContent()).toContain(liaisonB.email);
    const pageTextA = (await a.page.locator("main").textContent()) ?? "";
    for (const leak of [clueB.id, caseB.reference, "Bedroom poster"]) expect(pageTextA).not.toContain(leak);
    await b.page.goto(`${suite.server.url}/clues/${clueB.id}`);
    await b.page.locator("[data-hidden-link=HASH]").waitFor();
    expect((await b.page.locator("main").textContent()) ?? "").not.toContain(caseA.reference);

    // Coordinator A asks for contact; coordinator B accepts.
    const ca = await openAs(coordinatorA.email, "/deconfliction");
    await ca.page.getByRole("button", { name: "Request contact" }).click();
    await ca.page.getByText("Contact requested: the other taskforce's coordinators and liaisons have been told.").waitFor();
    const cb = await openAs(coordinatorB.email, "/deconfliction");
    await cb.page.getByRole("button", { name: "Accept contact" }).click();
    await cb.page.getByText("Accepted: both sides now see each other's clue reference and contact point.").waitFor();
    expect(await cb.page.locator("[data-disclosed]").textContent()).toContain(caseA.reference);

    // Both analysts now see the link: the other clue's reference and case, disclosed by de-confliction.
    await a.page.reload();
    const linkA = a.page.locator(`[data-link="${clueB.id}"]`);
    await linkA.waitFor();
    expect(await linkA.textContent()).toContain(caseB.reference);
    expect(await a.page.locator("[data-hidden-link]").count()).toBe(0);
    await b.page.reload();
    await b.page.locator(`[data-link="${clueA.id}"]`).waitFor();
    expect(await b.page.locator(`[data-link="${clueA.id}"]`).textContent()).toContain(caseA.reference);

    for (const { page, errors } of [a, b, ca, cb]) {
      expect(errors).toEqual([]);
      await page.close();
    }
  });
});
