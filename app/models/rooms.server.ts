// The room event log: every change a taskforce room should hear about is a RoomEvent row written in the same
// transaction as the change (write, then announce). `seq` is per taskforce and gap-free: it is taken under a
// row lock on the taskforce, so events commit in seq order and "everything after N" never skips a late commit.
import type { ItemType, Prisma, RoomEvent } from "@prisma/client";
import type { Actor, ItemVisibility } from "~/auth/permissions.server";
import { canSeeItem } from "~/auth/permissions.server";
import type { Tx } from "~/db.server";
import { singleton } from "~/utils/singleton.server";

export const ROOM_EVENT_TYPES = [
  "lead.shared",
  "lead.created",
  "lead.updated",
  "lead.claimed",
  "lead.released",
  "clue.created",
  "clue.updated",
  "task.assigned",
  "task.updated",
  "comment.created",
  "review.decided",
  "case.created",
  "case.updated",
] as const;
export type RoomEventType = (typeof ROOM_EVENT_TYPES)[number];

/** Who may see an event. Item events carry the item's visibility; taskforce-wide events only the taskforce. */
export type EventVisibility = ItemVisibility | { taskforceId: string; taskforceWide: true; excludeLiaisons?: boolean };

/** The stored event as clients receive it. */
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

export interface NewRoomEvent {
  taskforceId: string;
  type: RoomEventType;
  itemType?: ItemType;
  itemId?: string;
  actorId?: string;
  visibility: EventVisibility;
  payload: Record<string, unknown>;
}

export async function appendRoomEvent(tx: Tx, event: NewRoomEvent): Promise<StoredRoomEvent> {
  const [{ lastEventSeq }] = await tx.$queryRaw<{ lastEventSeq: number }[]>`
    UPDATE "Taskforce" SET "lastEventSeq" = "lastEventSeq" + 1 WHERE "id" = ${event.taskforceId} RETURNING "lastEventSeq"`;
  const row = await tx.roomEvent.create({
    data: {
      taskforceId: event.taskforceId,
      seq: lastEventSeq,
      type: event.type,
      itemType: event.itemType ?? null,
      itemId: event.itemId ?? null,
      actorId: event.actorId ?? null,
      visibility: toJson(event.visibility),
      payload: toJson(event.payload),
    },
  });
  return toStoredEvent(row);
}

export function toStoredEvent(row: RoomEvent): StoredRoomEvent {
  return {
    id: row.id.toString(),
    taskforceId: row.taskforceId,
    seq: row.seq,
    type: row.type as RoomEventType,
    itemType: row.itemType,
    itemId: row.itemId,
    actorId: row.actorId,
    payload: row.payload as Record<string, unknown>,
    createdAt: row.createdAt.toISOString(),
    visibility: row.visibility as unknown as EventVisibility,
  };
}

/** May this actor receive this event? The same TLP rules as for the item itself. */
export function canReceiveEvent(actor: Actor, event: Pick<StoredRoomEvent, "visibility" | "taskforceId">): boolean {
  const visibility = event.visibility;
  if ("taskforceWide" in visibility) {
    if (actor.status !== "ACTIVE" || actor.role === "ADMIN" || !actor.taskforceIds.has(event.taskforceId)) return false;
    return !(visibility.excludeLiaisons && actor.role === "LIAISON");
  }
  return canSeeItem(actor, visibility);
}

/** Called after commit with the stored events; the realtime layer registers itself here. */
type Announcer = (events: StoredRoomEvent[]) => void;
const announcers = singleton("roomAnnouncers", () => new Set<Announcer>());

export function onRoomEvents(announcer: Announcer): () => void {
  announcers.add(announcer);
  return () => announcers.delete(announcer);
}

/** Announce only after the transaction that wrote the events has committed. */
export function announceRoomEvents(events: StoredRoomEvent[]): void {
  if (events.length === 0) return;
  for (const announcer of announcers) announcer(events);
}

function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

/** A user lost access: all their sockets, or those in one taskforce room, must go within a second, on every node. */
export interface AccessRevocation {
  userId: string;
  /** Absent: the user is suspended or signed out everywhere; every socket of theirs is disconnected. */
  taskforceId?: string;
  reason: "suspended" | "signed_out_everywhere" | "removed_from_taskforce" | "session_ended";
}
type Revoker = (revocation: AccessRevocation) => void;
const revokers = singleton("roomRevokers", () => new Set<Revoker>());

export function onAccessRevoked(revoker: Revoker): () => void {
  revokers.add(revoker);
  return () => revokers.delete(revoker);
}

/** Call after the change that removed access has committed. */
export function revokeRealtimeAccess(revocation: AccessRevocation): void {
  for (const revoker of revokers) revoker(revocation);
}
