// Idempotent realtime writes. A client that lost the connection between sending a write and hearing its
// acknowledgement cannot know whether it was stored, so it sends the same write again with the same
// `clientEventId`. The key is stored on the RoomEvent the write produced, unique per actor
// (RoomEvent_actorId_clientEventId_key), so a retry finds the first result across reconnects, server restarts
// and nodes, and two identical sends racing each other cannot both insert: the loser's transaction fails on
// the unique index, rolls back whole (row, audit, seq) and answers with the winner's result.
import type { Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { canReceiveEvent, toStoredEvent, type RoomEventType, type StoredRoomEvent } from "./rooms.server";
import { isUniqueViolation } from "./workspace.server";

/** What a model function that writes one room event accepts from an idempotent caller. */
export interface ClientEventOptions {
  clientEventId?: string;
}

/** What the stored event must be for the key to count as the same action (a reused key is a client bug). */
export interface ClientEventMatch {
  type: RoomEventType;
  /** The item the action is about, when the caller knows it beforehand (the lead being shared). */
  itemId?: string;
}

/** The event this actor stored under this key, or null. */
export async function findClientEvent(actor: Actor, clientEventId: string, match: ClientEventMatch): Promise<StoredRoomEvent | null> {
  const row = await prisma.roomEvent.findUnique({ where: { actorId_clientEventId: { actorId: actor.id, clientEventId } } });
  if (!row) return null;
  const event = toStoredEvent(row);
  if (event.type !== match.type || (match.itemId !== undefined && event.itemId !== match.itemId)) {
    throw new ValidationError({ clientEventId: ["This clientEventId was already used for a different action. Send a new id for each action, and the same id only when retrying it."] });
  }
  // The first result is only handed back while the actor may still see it (e.g. not after leaving the taskforce).
  if (!canReceiveEvent(actor, event)) throw new NotFoundError();
  return event;
}

/**
 * Runs `write` once per (actor, clientEventId): without a key it simply writes; with a key already stored it
 * returns `replay(stored event)` and writes, audits and announces nothing. `write` must store the key on the
 * one room event it appends (appendRoomEvent's `clientEventId`).
 */
export async function oncePerClientEvent<T>(
  actor: Actor,
  clientEventId: string | undefined,
  match: ClientEventMatch,
  write: () => Promise<T>,
  replay: (stored: StoredRoomEvent) => T,
): Promise<T> {
  if (!clientEventId) return write();
  const stored = await findClientEvent(actor, clientEventId, match);
  if (stored) return replay(stored);
  try {
    return await write();
  } catch (error) {
    // Two identical sends raced: the other one committed first and the unique index refused this insert.
    if (!isUniqueViolation(error)) throw error;
    const winner = await findClientEvent(actor, clientEventId, match);
    if (!winner) throw error;
    return replay(winner);
  }
}

/** For the create events: the ack is `{ item }`, and the stored event's payload is that item as first written. */
export function itemOf(stored: StoredRoomEvent): Record<string, unknown> {
  return stored.payload;
}
