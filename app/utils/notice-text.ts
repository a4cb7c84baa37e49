// A notification's one line, shared by the server that writes it and the page that shows it live: a member in the
// room counts a lead share from the room event itself (NotificationBadge) and says the same words the inbox keeps.

const TITLE_LIMIT = 80;

/** A title or value cut short for a notification's one line. */
export function excerpt(value: string, limit = TITLE_LIMIT): string {
  const line = value.replace(/\s+/g, " ").trim();
  return line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
}

/** The notice of a lead shared in its room. */
export function leadSharedText(sharedBy: string, title: string): string {
  return `${sharedBy} shared "${excerpt(title)}" in the room`;
}
