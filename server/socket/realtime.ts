// Delivery of room events, presence and revocations. An event is written once and fanned out by Socket.IO rooms
// chosen from its visibility (audiencesOfEvent): each socket joined its actor's audiences when it joined the
// room, from the actor snapshot it holds in memory, so delivery reads nothing and filters no one. Every node
// hears every event (serverSideEmit through the adapter) and delivers to its own sockets in seq order, once
// (streams.ts). The snapshots follow the changes that alter them: a removed member leaves the room's audiences,
// a suspended, signed-out or re-roled user is disconnected, on every node, and a periodic re-check in one query
// catches what was changed behind the application's back.
import { audiencesOfActor, audiencesOfEvent, isWorkingMember, loadActors, taskforceIdSet, type Actor } from "~/auth/permissions.server";
import type { NotificationBatch } from "~/models/notifications.server";
import type { AccessRevocation, StoredRoomEvent } from "~/models/rooms.server";
import { hashToken } from "~/models/tokens.server";
import { roomEventName, type PresenceSocketRecord, type RoomFeedEvent } from "~/realtime/protocol";
import { forgetSocket, keepsStanding, keptSnapshot, stateOf } from "./auth";
import { DeliveryAudit } from "./delivery-audit";
import { RoomPresence } from "./presence";
import { RoomStreams } from "./streams";
import { audienceRoom, taskforceRoom, userRoom, type RealtimeServer, type RealtimeSocket, type RoomSubscription } from "./types";

/** How often every open socket's actor is checked against the database in one query (REALTIME_RECHECK_SECONDS). */
export function recheckIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.REALTIME_RECHECK_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 30) * 1000;
}

export function feedEvent(event: StoredRoomEvent): RoomFeedEvent {
  const { visibility: _visibility, ...visible } = event;
  return visible;
}

export class Realtime {
  /** How many of this node's sockets are in each taskforce room (a room's stream lives while it has any). */
  private readonly subscribers = new Map<string, number>();
  readonly streams = new RoomStreams((event) => this.emitEvent(event));
  readonly presence: RoomPresence;
  /** Who was sent which event, written to the audit trail in batches. */
  readonly deliveries = new DeliveryAudit();
  /** Room events delivered to this node's sockets, counted once per event (/metrics). */
  eventsDelivered = 0;
  private readonly recheckTimer: NodeJS.Timeout;

  constructor(
    readonly io: RealtimeServer,
    /** True with a cross-node adapter: events, revocations and presence records then go to the other nodes too. */
    readonly clustered: boolean,
    recheckMs = recheckIntervalMs(),
  ) {
    this.presence = new RoomPresence(io, clustered);
    this.recheckTimer = setInterval(() => void this.recheck().catch((error) => console.error("[realtime] re-check failed", error)), recheckMs).unref();
  }

  stop(): void {
    clearInterval(this.recheckTimer);
    this.presence.flush();
  }

  // ---- room events -------------------------------------------------------------------------------------

  /** The announcer registered with onRoomEvents: called after commit on the node that wrote the events. */
  announce(events: StoredRoomEvent[]): void {
    this.streams.accept(events);
    if (this.clustered) this.io.serverSideEmit("room:events", events);
  }

  /** One event to this node's sockets that may receive it: encoded once, fanned out by Socket.IO. */
  private emitEvent(event: StoredRoomEvent): void {
    const rooms = this.audienceRoomsOf(event);
    const operator = this.io.local.to(rooms);
    (operator.emit as (name: string, payload: RoomFeedEvent) => boolean).call(operator, roomEventName(event.type), feedEvent(event));
    this.eventsDelivered += 1;
    this.deliveries.delivered(event, this.recipientsOf(rooms));
  }

  /** The users whose sockets on this node are in any of the rooms (for the delivery audit record). */
  private recipientsOf(rooms: string[]): Set<string> {
    const namespace = this.io.of("/");
    const users = new Set<string>();
    for (const room of rooms) {
      for (const socketId of namespace.adapter.rooms.get(room) ?? []) {
        const userId = namespace.sockets.get(socketId)?.data.userId;
        if (userId) users.add(userId);
      }
    }
    return users;
  }

  // ---- notifications ---------------------------------------------------------------------------------

  /**
   * New notifications to their recipients' open sockets, on whatever page: one emit to all their user rooms
   * (encoded once; through the adapter it reaches every node). The rows were written only for people who may
   * see the item, so nothing is filtered here.
   */
  notify(batch: NotificationBatch): void {
    if (batch.recipientIds.length === 0) return;
    const recipients = this.io.to(batch.recipientIds.map(userRoom));
    const { heardWith } = batch;
    // Sockets that heard the room event live count it from the event: one message each, not two.
    const operator = heardWith ? recipients.except(this.audienceRoomsOf(heardWith)) : recipients;
    operator.emit("notification:new", batch.notice);
  }

  private audienceRoomsOf(event: Pick<StoredRoomEvent, "taskforceId" | "visibility">): string[] {
    return audiencesOfEvent(event.visibility).map((audience) => audienceRoom(event.taskforceId, audience));
  }

  // ---- subscriptions -----------------------------------------------------------------------------------

  /**
   * Starts a room subscription: the room's stream on this node is open (its position known), but the socket
   * hears nothing yet; `startLive` puts it in its audiences once the join's replay has caught up.
   */
  async subscribe(socket: RealtimeSocket, taskforceId: string): Promise<{ subscription: RoomSubscription; deliveredUpTo: () => number }> {
    const state = stateOf(socket);
    if (!state) throw new Error("socket without state");
    await this.unsubscribe(socket, taskforceId, { quiet: true });
    const subscription: RoomSubscription = { taskforceId, rooms: [] };
    state.rooms.set(taskforceId, subscription);
    this.subscribers.set(taskforceId, (this.subscribers.get(taskforceId) ?? 0) + 1);
    const [stream] = await Promise.all([this.streams.open(taskforceId), this.presence.sync(taskforceId)]);
    return { subscription, deliveredUpTo: stream.deliveredUpTo };
  }

  /**
   * The join's replay covers every event up to the stream's position: from now on the socket hears the rest
   * live. Synchronous on purpose: no event can be delivered between reading the position and joining the rooms.
   */
  startLive(socket: RealtimeSocket, subscription: RoomSubscription, actor: Actor): void {
    const { taskforceId } = subscription;
    subscription.rooms = [taskforceRoom(taskforceId), ...audiencesOfActor(actor).map((audience) => audienceRoom(taskforceId, audience))];
    void socket.join(subscription.rooms);
    this.presence.put(taskforceId, this.presenceRecord(socket));
  }

  /** The socket's snapshot replaced by the actor just read from the database (the request's origin kept). */
  refreshSnapshot(socket: RealtimeSocket, actor: Actor): Actor {
    const state = stateOf(socket);
    if (!state) return actor;
    state.actor = keptSnapshot(actor, state.actor);
    return state.actor;
  }

  isSubscribed(socket: RealtimeSocket, subscription: RoomSubscription): boolean {
    return stateOf(socket)?.rooms.get(subscription.taskforceId) === subscription;
  }

  /** Leaves a room; true when the socket was in it. */
  async unsubscribe(socket: RealtimeSocket, taskforceId: string, options: { quiet?: boolean } = {}): Promise<boolean> {
    const state = stateOf(socket);
    const subscription = state?.rooms.get(taskforceId);
    if (!state || !subscription) return false;
    state.rooms.delete(taskforceId);
    for (const room of subscription.rooms) void socket.leave(room);
    if (state.viewing?.taskforceId === taskforceId) state.viewing = null;
    this.presence.remove(taskforceId, socket.id);
    this.release(taskforceId);
    if (!options.quiet) this.presence.flush();
    return true;
  }

  /** On disconnect: leave every room (Socket.IO has already dropped the socket from its rooms), stop its timer. */
  forget(socket: RealtimeSocket): void {
    forgetSocket(socket);
    const state = stateOf(socket);
    for (const taskforceId of [...(state?.rooms.keys() ?? [])]) {
      state?.rooms.delete(taskforceId);
      this.presence.remove(taskforceId, socket.id);
      this.release(taskforceId);
    }
  }

  private release(taskforceId: string): void {
    const left = (this.subscribers.get(taskforceId) ?? 1) - 1;
    if (left > 0) {
      this.subscribers.set(taskforceId, left);
      return;
    }
    this.subscribers.delete(taskforceId);
    this.streams.close(taskforceId);
    this.presence.forgetRoom(taskforceId);
  }

  // ---- presence ----------------------------------------------------------------------------------------

  /** What this socket is viewing in the room changed (the lead is one the socket's user may see). */
  setViewing(socket: RealtimeSocket, taskforceId: string, viewing: { leadId: string; visibility: StoredRoomEvent["visibility"] } | null): void {
    const state = stateOf(socket);
    if (!state || !state.rooms.get(taskforceId)?.rooms.length) return;
    state.viewing = viewing ? { taskforceId, leadId: viewing.leadId } : null;
    this.presence.put(taskforceId, { ...this.presenceRecord(socket), viewing });
  }

  /** The socket's presence record, viewing nothing. */
  presenceRecord(socket: RealtimeSocket): PresenceSocketRecord {
    return { socketId: socket.id, userId: socket.data.userId, displayName: socket.data.displayName, role: socket.data.role, viewing: null };
  }

  /** Another node asks who of ours is in a room. */
  localPresence(taskforceId: string) {
    const sockets = this.io.of("/").sockets;
    return this.presence.localRecords(taskforceId, (socketId) => sockets.has(socketId));
  }

  // ---- revocation --------------------------------------------------------------------------------------

  /** The revoker registered with onAccessRevoked, on the node where access was removed. */
  revoke(revocation: AccessRevocation): void {
    if (!revocation.taskforceId && !revocation.tokenHash) {
      // Cross-node through the adapter: every socket of the user, wherever it is, is disconnected.
      this.io.in(userRoom(revocation.userId)).disconnectSockets(true);
      return;
    }
    this.revokeLocally(revocation);
    if (this.clustered) this.io.serverSideEmit("access:revoked", revocation);
  }

  revokeLocally(revocation: AccessRevocation): void {
    for (const socket of this.localSocketsOf(revocation.userId)) {
      const { taskforceId, tokenHash } = revocation;
      if (tokenHash) {
        const credentials = stateOf(socket)?.credentials;
        if (credentials?.kind === "token" && hashToken(credentials.token) === tokenHash) socket.disconnect(true);
        continue;
      }
      if (!taskforceId) {
        socket.disconnect(true);
        continue;
      }
      // The snapshot loses the taskforce too, so a join racing the removal is refused.
      const state = stateOf(socket);
      if (state) state.actor = keptSnapshot({ ...state.actor, taskforceIds: taskforceIdSet([...state.actor.taskforceIds].filter((id) => id !== taskforceId)) }, state.actor);
      void this.removeFromRoom(socket, taskforceId, revocation.reason);
    }
  }

  private async removeFromRoom(socket: RealtimeSocket, taskforceId: string, reason: AccessRevocation["reason"]): Promise<void> {
    if (!(await this.unsubscribe(socket, taskforceId))) return;
    socket.emit("room:revoked", { taskforceId, reason });
  }

  private localSocketsOf(userId: string): RealtimeSocket[] {
    const ids = this.io.of("/").adapter.rooms.get(userRoom(userId)) ?? new Set<string>();
    return [...ids].map((id) => this.io.of("/").sockets.get(id)).filter((socket): socket is RealtimeSocket => Boolean(socket));
  }

  /**
   * Every open socket of this node against the database in one query: a user suspended, re-roled or removed
   * from a taskforce behind the application's back (no revocation announced) loses the room within one interval.
   */
  async recheck(): Promise<void> {
    const sockets = [...this.io.of("/").sockets.values()].filter((socket) => stateOf(socket));
    const actors = await loadActors(sockets.map((socket) => socket.data.userId));
    for (const socket of sockets) {
      const state = stateOf(socket);
      const now = actors.get(socket.data.userId);
      if (!state || !socket.connected) continue;
      if (!now || !keepsStanding(now, state.actor)) {
        socket.disconnect(true);
        continue;
      }
      state.actor = keptSnapshot(now, state.actor);
      for (const taskforceId of [...state.rooms.keys()]) {
        if (!isWorkingMember(now, taskforceId)) await this.removeFromRoom(socket, taskforceId, "removed_from_taskforce");
      }
    }
  }
}
