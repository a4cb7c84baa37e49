// Shorthands for the case-workspace tests: a team plus clues and leads written through the models.
import type { HandlingCode } from "@prisma/client";
import type { Actor } from "~/auth/permissions.server";
import { createTeam } from "./factories";
import { createClue, createLead } from "./edge";

export const SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
/** A SHA-256 id no other test uses: 64 random hex digits. */
export const uniqueSha256 = () => [...crypto.getRandomValues(new Uint8Array(32))].map((byte) => byte.toString(16).padStart(2, "0")).join("");

export type Team = Awaited<ReturnType<typeof createTeam>>;

export function clueAs(actor: Actor, caseId: string, overrides: Record<string, unknown> = {}) {
  return createClue(actor, caseId, { category: "architecture_fixture", value: "Power socket type F", detail: "Schuko socket, white", ...overrides });
}

export function clueWithCode(actor: Actor, caseId: string, handlingCode: HandlingCode, overrides: Record<string, unknown> = {}) {
  return clueAs(actor, caseId, { handlingCode, ...overrides });
}

export function leadAs(actor: Actor, caseId: string, overrides: Record<string, unknown> = {}) {
  return createLead(actor, caseId, { title: "Room is in a German-speaking country", hypothesis: "Socket type F and label language", ...overrides });
}

/** The actors of a team who must get "not found" for an item the analyst wrote under the given code. */
export function refusedActors(team: Team, code: HandlingCode): [string, Actor][] {
  const refused: [string, Actor][] = [
    ["a member of another taskforce", team.outsider],
    ["a liaison outside review", team.liaison],
    ["an admin", team.admin],
  ];
  if (code === "AMBER_STRICT" || code === "RED") refused.push(["another agency's analyst", team.analystOtherAgency]);
  if (code === "RED") refused.push(["a member not named on it", team.coordinator]);
  return refused;
}
