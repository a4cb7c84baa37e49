// The browser's (and any client's) view of who is in a room: the join's presence list, kept current by applying
// the coalesced diffs the server sends (docs/realtime-protocol.md, "Presence").
import type { PresenceDiff, PresenceEntry } from "./protocol";

const byName = new Intl.Collator();

/** People by name, for display (the server sends them in the order they came). */
export function sortPresence(presence: readonly PresenceEntry[]): PresenceEntry[] {
  return [...presence].sort((a, b) => byName.compare(a.displayName, b.displayName));
}

export function applyPresenceDiff(presence: readonly PresenceEntry[], diff: PresenceDiff): PresenceEntry[] {
  const people = new Map(presence.map((entry) => [entry.userId, { ...entry, viewingLeadIds: [...entry.viewingLeadIds] }]));
  for (const userId of diff.left) people.delete(userId);
  for (const person of diff.joined) if (!people.has(person.userId)) people.set(person.userId, { ...person, viewingLeadIds: [] });
  for (const { userId, leadId, on } of diff.viewing) {
    const person = people.get(userId);
    if (!person) continue;
    person.viewingLeadIds = person.viewingLeadIds.filter((id) => id !== leadId);
    if (on) person.viewingLeadIds.push(leadId);
  }
  return sortPresence([...people.values()]);
}
