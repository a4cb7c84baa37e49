// Two clients save an edit of the same version at the same moment, over the real app (HTTP API with tokens,
// Socket.IO over loopback, one of each): exactly one wins, the other is told of the conflict (409 STALE_VERSION
// with the newer version, or the same code in the socket ack), the version moves on by one and the audit trail
// records one update, every round. The failure this guards against: a second tab's save that replaced a newer
// version without a conflict.
import { describe, expect, it } from "vitest";
import type { Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import type { ClientEventName } from "~/realtime/protocol";
import { createTeam } from "../helpers/factories";
import { createTask } from "../helpers/edge";
import { accessTokenFor, request, socketTestSuite, type TestSocket } from "../helpers/sockets";
import { clueAs, leadAs, type Team } from "../helpers/workspace";

// The rounds send faster than a person would: the per-socket event limit must not answer for the race.
process.env.REALTIME_EVENTS_PER_SECOND = "10000";
process.env.REALTIME_EVENT_BURST = "10000";
process.env.API_RATE_LIMIT_PER_MINUTE = "100000";
const suite = socketTestSuite();

const ROUNDS = 100;

/** What one client was told about its edit. */
type Outcome = { won: true; version: number } | { won: false; currentVersion: number };
/** One client: sends the edit of `version` (its own text, so no two edits are alike) and reports the answer. */
type Client = (version: number, text: string) => Promise<Outcome>;

interface Editable {
  /** The API path of the item, under /api/v1. */
  path: string;
  event: Extract<ClientEventName, "clue:update" | "lead:update" | "task:update">;
  idField: "clueId" | "leadId" | "taskId";
  id: string;
  /** The edit, as the shared schema takes it. */
  changes(version: number, text: string): Record<string, unknown>;
  storedVersion(): Promise<number>;
  /** The audit action of a successful update. */
  auditAction: string;
}

function httpClient(url: string, token: string, item: Editable): Client {
  return async (version, text) => {
    const response = await fetch(`${url}/api/v1${item.path}`, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(item.changes(version, text)),
    });
    const body = await response.json();
    if (response.status === 200) return { won: true, version: body.version };
    if (response.status === 409 && body.error?.code === "STALE_VERSION") return { won: false, currentVersion: body.error.current.version };
    throw new Error(`PATCH ${item.path} answered ${response.status}: ${JSON.stringify(body)}`);
  };
}

function socketClient(socket: TestSocket, item: Editable): Client {
  return async (version, text) => {
    const ack = await request(socket, item.event, { [item.idField]: item.id, changes: item.changes(version, text) });
    if (ack.ok) return { won: true, version: (ack.data.item as { version: number }).version };
    const current = ack.error.current as { version?: number } | undefined;
    if (ack.error.code === "STALE_VERSION" && typeof current?.version === "number") return { won: false, currentVersion: current.version };
    throw new Error(`${item.event} refused: ${JSON.stringify(ack.error)}`);
  };
}

async function editableClue(team: Team): Promise<Editable> {
  const clue = await clueAs(team.coordinator, team.case.id);
  return {
    path: `/clues/${clue.id}`,
    event: "clue:update",
    idField: "clueId",
    id: clue.id,
    changes: (version, text) => ({ version, detail: text }),
    storedVersion: async () => (await prisma.clue.findUniqueOrThrow({ where: { id: clue.id } })).version,
    auditAction: "clue.update",
  };
}

async function editableLead(team: Team): Promise<Editable> {
  const lead = await leadAs(team.coordinator, team.case.id);
  return {
    path: `/leads/${lead.id}`,
    event: "lead:update",
    idField: "leadId",
    id: lead.id,
    changes: (version, text) => ({ version, hypothesis: text }),
    storedVersion: async () => (await prisma.lead.findUniqueOrThrow({ where: { id: lead.id } })).version,
    auditAction: "lead.update",
  };
}

async function editableTask(team: Team): Promise<Editable> {
  const task = await createTask(team.coordinator, team.case.id, { title: "Check socket retailers", assigneeId: team.analyst.id });
  return {
    path: `/tasks/${task.id}`,
    event: "task:update",
    idField: "taskId",
    id: task.id,
    changes: (version, text) => ({ version, description: text }),
    storedVersion: async () => (await prisma.task.findUniqueOrThrow({ where: { id: task.id } })).version,
    auditAction: "task.update",
  };
}

type Pairing = "two HTTP clients" | "two sockets" | "an HTTP client and a socket";

/** The two clients of a pairing, both signed in as the same person (two tabs, or a tab and a tool). */
async function clientsFor(pairing: Pairing, actor: Actor, item: Editable): Promise<[Client, Client]> {
  const http = async () => httpClient(suite.url, await accessTokenFor(actor), item);
  const socket = async () => socketClient(await suite.connect(actor), item);
  if (pairing === "two HTTP clients") return [await http(), await http()];
  if (pairing === "two sockets") return [await socket(), await socket()];
  return [await http(), await socket()];
}

/** ROUNDS rounds of two concurrent edits of the same version; checks every round, then the stored result. */
async function race(item: Editable, [first, second]: [Client, Client]) {
  const startVersion = await item.storedVersion();
  const updatesBefore = await prisma.auditEvent.count({ where: { action: item.auditAction, itemId: item.id } });
  let version = startVersion;
  for (let round = 1; round <= ROUNDS; round++) {
    const outcomes = await Promise.all([first(version, `round ${round}: first client`), second(version, `round ${round}: second client`)]);
    const winners = outcomes.filter((outcome) => outcome.won);
    expect(winners, `round ${round}: winners among ${JSON.stringify(outcomes)}`).toHaveLength(1);
    expect(winners[0], `round ${round}`).toEqual({ won: true, version: version + 1 });
    // The loser is shown the version that won, not its own as if saved.
    expect(outcomes.find((outcome) => !outcome.won), `round ${round}`).toEqual({ won: false, currentVersion: version + 1 });
    version += 1;
  }
  expect(await item.storedVersion()).toBe(startVersion + ROUNDS);
  const updates = await prisma.auditEvent.findMany({ where: { action: item.auditAction, itemId: item.id }, orderBy: { id: "asc" } });
  expect(updates).toHaveLength(updatesBefore + ROUNDS);
  const auditedVersions = updates.slice(updatesBefore).map((event) => (event.details as { version: number }).version);
  expect(auditedVersions).toEqual(Array.from({ length: ROUNDS }, (_, index) => startVersion + index + 1));
}

describe("two clients saving the same version at once", () => {
  const pairings: Pairing[] = ["two HTTP clients", "two sockets", "an HTTP client and a socket"];

  for (const pairing of pairings) {
    it(`lets exactly one of ${pairing} save a clue each round; the other gets the conflict`, async () => {
      const team = await createTeam();
      const clue = await editableClue(team);
      await race(clue, await clientsFor(pairing, team.coordinator, clue));
      const history = await prisma.clueVersion.findMany({ where: { clueId: clue.id }, select: { version: true }, orderBy: { version: "asc" } });
      expect(history.map((row) => row.version)).toEqual(Array.from({ length: ROUNDS + 1 }, (_, index) => index + 1));
    });
  }

  it("lets exactly one of an HTTP client and a socket save a lead each round", async () => {
    const team = await createTeam();
    const lead = await editableLead(team);
    await race(lead, await clientsFor("an HTTP client and a socket", team.coordinator, lead));
  });

  it("lets exactly one of an HTTP client and a socket save a task each round", async () => {
    const team = await createTeam();
    const task = await editableTask(team);
    await race(task, await clientsFor("an HTTP client and a socket", team.coordinator, task));
  });
});
