// The room page across connection loss, as a person sees it: the indicator says what is true while the server
// is away, actions taken meanwhile wait in a visible queue and are sent once, and the feed shows every event
// exactly once, in order, after a server restart or a plain reload.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { shareLead } from "~/models/lead-room.server";
import { launchBrowser, signInThroughPages } from "../helpers/browser";
import { createTeam } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";
import { createLead } from "../helpers/edge";

const RECONNECT_TIMEOUT_MS = 20_000;
const UI_TIMEOUT_MS = 10_000;

let server: TestServer;
let browser: Browser;
const allowedOrigins: string[] = [];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startTestServer({ allowedOrigins });
  allowedOrigins.push(server.url);
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.close();
});

/** True from stopping the server until every page in the test has said "Live: connected" again. */
let serverDown = false;

/**
 * What Chromium and Remix log, by themselves, when the server cannot be reached (refused: it is stopped;
 * internet disconnected: the browser is offline): a failed WebSocket handshake or polling request to
 * /socket.io/ (the socket retrying), and a failed /__manifest request with Remix's "Failed to fetch manifest
 * patches" (route discovery for the links on the page, retried on the next render). They report the outage
 * the test causes, not the page misbehaving.
 */
function isOutageNoise(text: string, url: string): boolean {
  const unreachable = "net::ERR_(CONNECTION_REFUSED|INTERNET_DISCONNECTED)";
  if (new RegExp(`^WebSocket connection to 'ws://127\\.0\\.0\\.1:\\d+/socket\\.io/\\?[^']*' failed: .*${unreachable}$`).test(text)) return true;
  if (new RegExp(`^Failed to load resource: ${unreachable}$`).test(text)) return /\/(socket\.io\/|__manifest)\?/.test(url);
  return text.startsWith("Failed to fetch manifest patches TypeError: Failed to fetch");
}

/** Page errors and console errors; the outage noise above is tolerated only while the server is unreachable. */
function collectUnexpectedErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const { url } = message.location();
    if (serverDown && isOutageNoise(message.text(), url)) return;
    errors.push(`${message.text()} (${url})`);
  });
  return errors;
}

interface RoomPage {
  page: Page;
  errors: string[];
}

async function openRoom(email: string, taskforceId: string): Promise<RoomPage> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  const errors = collectUnexpectedErrors(page);
  const path = `/rooms/${taskforceId}`;
  await signInThroughPages(page, server.url, email, path);
  expect(new URL(page.url()).pathname).toBe(path);
  await connectionSays(page, "Live: connected");
  return { page, errors };
}

function indicator(page: Page) {
  return page.getByRole("status").filter({ has: page.locator(".connection-dot") });
}

async function connectionSays(page: Page, text: string | RegExp, timeout = RECONNECT_TIMEOUT_MS) {
  await indicator(page).filter({ hasText: text }).waitFor({ timeout });
}

function feedItems(page: Page) {
  return page.locator("ol.feed > li");
}

/** The feed's notes, top (newest) to bottom. */
async function feedNotes(page: Page): Promise<string[]> {
  return feedItems(page).locator("p.pre-wrap").allInnerTexts();
}

async function feedShows(page: Page, note: string) {
  await feedItems(page).filter({ hasText: note }).first().waitFor({ timeout: RECONNECT_TIMEOUT_MS });
}

let restartPending: (() => Promise<void>) | null = null;
// A test that failed while the server was down must not leave the next test without one.
afterEach(async () => {
  await restartPending?.();
  serverDown = false;
});

/** Every page is connected again: from now on, connection errors count as errors. */
async function allReconnected(...pages: Page[]) {
  for (const page of pages) await connectionSays(page, "Live: connected");
  serverDown = false;
}

/**
 * Stops the server and returns how to start a new one on the same port. The database stays open across the
 * restart (only closeDatabase, at the end of the file, closes it), so sessions and the room log survive.
 */
async function stopServer(): Promise<() => Promise<void>> {
  const port = Number(new URL(server.url).port);
  serverDown = true;
  await server.close();
  restartPending = async () => {
    restartPending = null;
    server = await startTestServer({ allowedOrigins, port });
  };
  return () => restartPending?.() ?? Promise.resolve();
}

async function shareThroughPage(page: Page, leadId: string, note: string) {
  await page.getByLabel("Lead", { exact: true }).selectOption(leadId);
  await page.getByLabel("Note (optional)").fill(note);
  await page.getByRole("button", { name: "Share with the room" }).click();
}

async function greenLead(author: Actor, caseId: string, title: string) {
  return createLead(author, caseId, { title, handlingCode: "GREEN" });
}

describe("taskforce room across connection loss", () => {
  it("says it is reconnecting while the server restarts, then shows what was shared meanwhile exactly once, in order", { timeout: 120_000 }, async () => {
    const team = await createTeam();
    const lead = await greenLead(team.analyst, team.case.id, "Tiles with a blue fleur-de-lis border");
    const sharer = await openRoom(team.analyst.email, team.taskforce.id);
    const watcher = await openRoom(team.analystOtherAgency.email, team.taskforce.id);
    await watcher.page.getByRole("complementary").getByText(team.analyst.displayName).waitFor({ timeout: UI_TIMEOUT_MS });

    await shareLead(team.analyst, lead.id, "Before the outage");
    await feedShows(watcher.page, "Before the outage");
    const itemsBefore = await feedItems(watcher.page).count();
    await watcher.page.getByRole("button", { name: /^1 new/ }).waitFor({ timeout: UI_TIMEOUT_MS });

    const restart = await stopServer();
    for (const { page } of [watcher, sharer]) await connectionSays(page, /^(Reconnecting…|Offline)/);
    await shareLead(team.analyst, lead.id, "While the server was down");
    // Still not connected: the indicator does not claim otherwise while nothing can reach the server.
    await expect(indicator(watcher.page).innerText()).resolves.toMatch(/^(Reconnecting…|Offline)/);
    await restart();

    await allReconnected(watcher.page, sharer.page);
    await feedShows(watcher.page, "While the server was down");
    await shareThroughPage(sharer.page, lead.id, "After the restart");
    await sharer.page.getByRole("alert").filter({ hasText: "Shared with the room." }).waitFor({ timeout: UI_TIMEOUT_MS });
    await feedShows(watcher.page, "After the restart");

    expect(await feedNotes(watcher.page)).toEqual(["After the restart", "While the server was down", "Before the outage"]);
    expect(await feedItems(watcher.page).count()).toBe(itemsBefore + 2);
    await watcher.page.getByRole("button", { name: /^3 new/ }).waitFor({ timeout: UI_TIMEOUT_MS });
    // The sharer's own page went through the same restart: no repeats there either.
    await feedShows(sharer.page, "After the restart");
    expect(await feedNotes(sharer.page)).toEqual(["After the restart", "While the server was down", "Before the outage"]);

    expect(sharer.errors).toEqual([]);
    expect(watcher.errors).toEqual([]);
  });

  it("queues actions taken while the server is away, says so, and sends each once when it is back", { timeout: 120_000 }, async () => {
    const team = await createTeam();
    const toShare = await greenLead(team.analyst, team.case.id, "Shampoo label in Polish, sold 2016-2019");
    const toClaim = await greenLead(team.analyst, team.case.id, "Power socket type F");
    const watcher = await openRoom(team.analystOtherAgency.email, team.taskforce.id);
    const itemsBefore = await feedItems(watcher.page).count();

    const restart = await stopServer();
    await connectionSays(watcher.page, /^(Reconnecting…|Offline)/);
    await shareThroughPage(watcher.page, toShare.id, "Queued while the server was down");
    await indicator(watcher.page).filter({ hasText: "1 action queued" }).waitFor({ timeout: UI_TIMEOUT_MS });
    await watcher.page.getByRole("row", { name: new RegExp(toClaim.title) }).getByRole("button", { name: /^Claim/ }).click();
    await indicator(watcher.page).filter({ hasText: "2 actions queued" }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await prisma.roomEvent.count({ where: { itemId: { in: [toShare.id, toClaim.id] }, type: { in: ["lead.shared", "lead.claimed"] } } })).toBe(0);
    await restart();

    await allReconnected(watcher.page);
    await feedShows(watcher.page, "Queued while the server was down");
    await watcher.page
      .getByRole("row", { name: new RegExp(toClaim.title) })
      .getByText("You are working this lead", { exact: false })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await expect(indicator(watcher.page).innerText()).resolves.not.toMatch(/queued/);

    expect(await feedItems(watcher.page).filter({ hasText: "Queued while the server was down" }).count()).toBe(1);
    expect(await feedItems(watcher.page).filter({ hasText: "Lead claimed" }).count()).toBe(1);
    expect(await feedItems(watcher.page).count()).toBe(itemsBefore + 2);
    expect(await prisma.roomEvent.count({ where: { itemId: toShare.id, type: "lead.shared" } })).toBe(1);
    expect(await prisma.roomEvent.count({ where: { itemId: toClaim.id, type: "lead.claimed" } })).toBe(1);
    expect((await prisma.lead.findUniqueOrThrow({ where: { id: toClaim.id } })).claimedById).toBe(team.analystOtherAgency.id);

    expect(watcher.errors).toEqual([]);
  });

  it("says it is offline while the browser has no network, then catches up exactly once", { timeout: 90_000 }, async () => {
    const team = await createTeam();
    const lead = await greenLead(team.analyst, team.case.id, "Receipt from a Lidl in Gdansk");
    const watcher = await openRoom(team.analystOtherAgency.email, team.taskforce.id);
    await shareLead(team.analyst, lead.id, "Before the network went away");
    await feedShows(watcher.page, "Before the network went away");
    const itemsBefore = await feedItems(watcher.page).count();

    serverDown = true; // for this page, the server is unreachable
    await watcher.page.context().setOffline(true);
    await connectionSays(watcher.page, /^Offline/, UI_TIMEOUT_MS);
    await shareLead(team.analyst, lead.id, "While the watcher had no network");
    await watcher.page.context().setOffline(false);

    await allReconnected(watcher.page);
    await feedShows(watcher.page, "While the watcher had no network");
    expect(await feedNotes(watcher.page)).toEqual(["While the watcher had no network", "Before the network went away"]);
    expect(await feedItems(watcher.page).count()).toBe(itemsBefore + 1);
    expect(watcher.errors).toEqual([]);
  });

  it("shows each event once after a plain reload, and remembers what was marked as read", { timeout: 60_000 }, async () => {
    const team = await createTeam();
    const lead = await greenLead(team.analyst, team.case.id, "Wall calendar from a Dutch pharmacy");
    const watcher = await openRoom(team.analystOtherAgency.email, team.taskforce.id);
    await shareLead(team.analyst, lead.id, "First share");
    await shareLead(team.analyst, lead.id, "Second share");
    await feedShows(watcher.page, "Second share");
    const notesBefore = await feedNotes(watcher.page);
    const itemsBefore = await feedItems(watcher.page).count();
    expect(notesBefore).toEqual(["Second share", "First share"]);
    await watcher.page.getByRole("button", { name: /^2 new/ }).click();
    await watcher.page.getByRole("button", { name: /new — mark as read/ }).waitFor({ state: "detached", timeout: UI_TIMEOUT_MS });

    await watcher.page.reload();
    await connectionSays(watcher.page, "Live: connected");
    await feedShows(watcher.page, "Second share");
    expect(await feedNotes(watcher.page)).toEqual(notesBefore);
    expect(await feedItems(watcher.page).count()).toBe(itemsBefore);
    expect(await watcher.page.getByRole("button", { name: /new — mark as read/ }).count()).toBe(0);

    await shareLead(team.analyst, lead.id, "After the reload");
    await feedShows(watcher.page, "After the reload");
    expect(await feedNotes(watcher.page)).toEqual(["After the reload", ...notesBefore]);
    await watcher.page.getByRole("button", { name: /^1 new/ }).waitFor({ timeout: UI_TIMEOUT_MS });

    expect(watcher.errors).toEqual([]);
  });
});
