// The room event types, as the log stores them ("lead.shared"): the one list, browser-safe so the server's
// event log and the socket protocol shared with the browser both import it.
export const ROOM_EVENT_TYPES = [
  "lead.shared",
  "lead.created",
  "lead.updated",
  "lead.claimed",
  "lead.released",
  "clue.created",
  "clue.updated",
  "clue.deleted",
  "task.assigned",
  "task.updated",
  "comment.created",
  "review.decided",
  "case.created",
  "case.updated",
] as const;
export type RoomEventType = (typeof ROOM_EVENT_TYPES)[number];
