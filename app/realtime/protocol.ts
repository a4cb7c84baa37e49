// The realtime protocol as one typed map (event names, payloads, acknowledgements, the stored event's shape),
// imported by the Socket.IO server, the room log and the browser hook alike. Browser-safe: its only runtime
// import is the list of event types; the rest are type-only. docs/realtime-protocol.md describes it for tools.
import type { ItemType } from "@prisma/client";
import type { EventVisibility } from "~/auth/permissions.server";
import type { AccessChange } from "~/auth/access-changes.server";
import { ROOM_EVENT_TYPES, type RoomEventType } from "~/realtime/event-types";

export { ROOM_EVENT_TYPES, type RoomEventType };
/** Who may receive a stored event: declared with the rules that read it, in app/auth/permissions.server.ts. */
export type { EventVisibility };

/** A room log entry as stored and passed between nodes (app/models/rooms.server.ts writes and reads them). */
export interface StoredRoomEvent {
  id: string;
  taskforceId: string;
  seq: number;
  type: RoomEventType;
  itemType: ItemType | null;
  itemId: string | null;
  actorId: string | null;
  payload: Record<string, unknown>;
  createdAt: string;
  visibility: EventVisibility;
}

/** Why a user's realtime access ended (sent to the client in `room:revoked`). */
export type AccessRevocationReason = "suspended" | "signed_out_everywhere" | "removed_from_taskforce" | "session_ended" | "token_revoked";

/** A user lost access: all their sockets, or those in one taskforce room, must go within a second, on every node. */
export interface AccessRevocation {
  userId: string;
  /** Absent: the user is suspended or signed out everywhere; every socket of theirs is disconnected. */
  taskforceId?: string;
  /** Only the sockets signed in with this personal access token (its stored hash) are disconnected. */
  tokenHash?: string;
  reason: AccessRevocationReason;
}

type DotToColon<T extends string> = T extends `${infer Head}.${infer Tail}` ? `${Head}:${Tail}` : T;
/** Socket event name of a room event type: "lead.shared" is sent as "lead:shared". */
export type RoomEventName = DotToColon<RoomEventType>;
export const ROOM_EVENT_NAMES = ROOM_EVENT_TYPES.map((type) => type.replace(".", ":") as RoomEventName);
export function roomEventName(type: RoomEventType): RoomEventName {
  return type.replace(".", ":") as RoomEventName;
}

/**
 * A room event as a client receives it (the stored event without its visibility). `seq` is the event's
 * position in its room's log: gap-free, increasing, and what a client sends back as `lastEventId`.
 */
export type RoomFeedEvent = Omit<StoredRoomEvent, "visibility">;

export interface AckError {
  code: string;
  message: string;
  /** Per-field messages ("clue.value" -> [...]) for VALIDATION_FAILED. */
  fields?: Record<string, string[]>;
  [detail: string]: unknown;
}
/** Every acknowledgement has this shape. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };
export type AckCallback<T> = (response: Ack<T>) => void;

/** One person in a room. */
export interface PresencePerson {
  userId: string;
  displayName: string;
  role: string;
}

/** One person in a room; `viewingLeadIds` lists only leads the receiving user may see. */
export interface PresenceEntry extends PresencePerson {
  viewingLeadIds: string[];
}

/**
 * What changed in a room's presence since the last diff, coalesced (a few a second per room at most): people
 * who came (their first socket joined) and went (their last socket left), and who started or stopped viewing
 * a lead, sent only to those who may see that lead. Apply in order to the join's `presence`.
 */
export interface PresenceDiff {
  taskforceId: string;
  joined: PresencePerson[];
  left: string[];
  viewing: { userId: string; leadId: string; on: boolean }[];
}

/** Who is working a lead ("claimed"), until when. `holder` is null when nobody holds an unexpired claim. */
export interface ClaimView {
  leadId: string;
  holder: { id: string; displayName: string } | null;
  expiresAt: string | null;
}

export interface JoinResult {
  taskforceId: string;
  /** The highest seq the replay covered: send it back as lastEventId after a reconnect. */
  lastEventId: number;
  /** Events after the lastEventId you sent (or the recent backlog), oldest first, only those you may see. */
  events: RoomFeedEvent[];
  /** More events remain after lastEventId: join again with it to fetch them. */
  hasMore: boolean;
  presence: PresenceEntry[];
}

/** The written item, as the model returned it (dates as ISO strings). */
export interface ItemResult {
  item: Record<string, unknown>;
}

/**
 * The write events that take an optional `clientEventId` (8-64 of [A-Za-z0-9_-], e.g. a UUID): the same
 * actor sending the same id again gets the first result back and nothing is written or broadcast twice.
 */
export const IDEMPOTENT_EVENTS = ["lead:share", "lead:create", "clue:create", "task:assign", "comment:create"] as const;
export type IdempotentEventName = (typeof IDEMPOTENT_EVENTS)[number];
/** The idempotency key of a write that creates something; see IDEMPOTENT_EVENTS. */
export interface ClientEventKey {
  clientEventId?: string;
}

export interface RoomJoinInput {
  taskforceId: string;
  lastEventId?: number;
}

export interface ClientToServerEvents {
  "room:join": (input: RoomJoinInput, ack: AckCallback<JoinResult>) => void;
  "room:leave": (input: { taskforceId: string }, ack: AckCallback<{ taskforceId: string }>) => void;
  "presence:viewing": (input: { taskforceId: string; leadId: string | null }, ack: AckCallback<{ claim: ClaimView | null }>) => void;
  "lead:share": (input: { leadId: string; note?: string } & ClientEventKey, ack: AckCallback<RoomFeedEvent>) => void;
  "lead:claim": (input: { leadId: string }, ack: AckCallback<ClaimView>) => void;
  "lead:release": (input: { leadId: string }, ack: AckCallback<ClaimView>) => void;
  "lead:reassignClaim": (input: { leadId: string; toUserId: string | null }, ack: AckCallback<ClaimView>) => void;
  "lead:getClaim": (input: { leadId: string }, ack: AckCallback<ClaimView>) => void;
  "lead:create": (input: { caseId: string; lead: Record<string, unknown> } & ClientEventKey, ack: AckCallback<ItemResult>) => void;
  "lead:update": (input: { leadId: string; changes: Record<string, unknown> }, ack: AckCallback<ItemResult>) => void;
  "clue:create": (input: { caseId: string; clue: Record<string, unknown> } & ClientEventKey, ack: AckCallback<ItemResult>) => void;
  "clue:update": (input: { clueId: string; changes: Record<string, unknown> }, ack: AckCallback<ItemResult>) => void;
  "task:assign": (input: { caseId: string; task: Record<string, unknown> } & ClientEventKey, ack: AckCallback<ItemResult>) => void;
  "task:update": (input: { taskId: string; changes: Record<string, unknown> }, ack: AckCallback<ItemResult>) => void;
  "comment:create": (input: { itemType: "CLUE" | "LEAD" | "TASK"; itemId: string; body: string } & ClientEventKey, ack: AckCallback<ItemResult>) => void;
  "review:decide": (
    input: { itemType: "CLUE" | "LEAD"; itemId: string; decision: "APPROVED" | "RETURNED" | "REJECTED"; note?: string; redaction?: Record<string, string> },
    ack: AckCallback<ItemResult>,
  ) => void;
}
export type ClientEventName = keyof ClientToServerEvents;

/**
 * Correlation and de-confliction news for one user (issue 13), sent to that user's sockets only: about the
 * user's own side (their clue, their taskforce's de-confliction item), never the other side's clue, case or value.
 */
export interface CorrelationNotice {
  type: "correlation.found" | "deconfliction.opened" | "deconfliction.requested" | "deconfliction.accepted" | "deconfliction.declined" | "deconfliction.leads";
  kind: "HASH" | "VALUE" | "NEAR";
  /** The recipient's own clue on the link. */
  clueId: string;
  deconflictionId?: string;
}

/** A new notification for the receiving user (sent to their user room on every page); the inbox holds the rest. */
export interface NotificationNotice {
  kind: string;
  itemType: string | null;
  itemId: string | null;
  text: string;
  href: string | null;
  createdAt: string;
}

type RoomEventListeners = { [Name in RoomEventName]: (event: RoomFeedEvent) => void };
export interface ServerToClientEvents extends RoomEventListeners {
  "presence:diff": (diff: PresenceDiff) => void;
  /** You were removed from this room (membership removed); its feed stops. */
  "room:revoked": (notice: { taskforceId: string; reason: AccessRevocationReason }) => void;
  /** Correlation news for this user (their own side only); delivered to every socket of theirs, in a room or not. */
  "correlation:notice": (notice: CorrelationNotice) => void;
  /** Something happened that you are told about (app/models/notifications.server.ts), whatever page you are on. */
  "notification:new": (notice: NotificationNotice) => void;
}

/**
 * Between app nodes (through the Redis adapter). Stored events go to every node, which delivers them to its own
 * sockets in seq order; presence records keep each node's view of who is in a room on every node.
 */
export interface InterServerEvents {
  "room:events": (events: StoredRoomEvent[]) => void;
  "access:revoked": (revocation: AccessRevocation) => void;
  /** What a user may do changed on the sending node: in-memory grants of that user are dropped. */
  "access:changed": (change: AccessChange) => void;
  "presence:sockets": (taskforceId: string, records: PresenceSocketRecord[], gone: string[]) => void;
  "presence:sync": (taskforceId: string, reply: (records: PresenceSocketRecord[]) => void) => void;
}

/** One socket in a room, as the nodes share it (the viewed lead with its visibility, to filter it per recipient). */
export interface PresenceSocketRecord extends PresencePerson {
  socketId: string;
  viewing: { leadId: string; visibility: EventVisibility } | null;
}

/** What each socket carries; visible to every node through fetchSockets(), so no credentials here. */
export interface SocketData {
  userId: string;
  displayName: string;
  role: string;
  authKind: "session" | "token";
}
