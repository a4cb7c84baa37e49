// Delivery of room events, presence and revocations. Each node delivers to its OWN sockets, filtered per
// recipient; other nodes get the same events through the adapter (serverSideEmit) and do the same. Events
// reach a socket in seq order exactly once: a per-socket watermark drops repeats and a gap (an announcement
// that arrived late or was lost) is filled from the log, which is gap-free in commit order.
import { canReceiveEvent, canSee, isWorkingMember, type Actor } from "~/auth/permissions.server";
import { currentResources, eventsSince, itemResourceKey, type AccessRevocation, type StoredRoomEvent } from "~/models/rooms.server";
import { roomEventName, type PresenceEntry, type PresenceSnapshot, type RoomFeedEvent } from "~/realtime/protocol";
import { refreshActor, stateOf } from "./auth";
import { DeliveryAudit } from "./delivery-audit";
import { taskforceRoom, userRoom, type RealtimeServer, type RealtimeSocket, type RoomSubscription } from "./types";

const GAP_FILL_PAGE = 500;

export function feedEvent(event: StoredRoomEvent): RoomFeedEvent {
  const { visibility: _visibility, ...visible } = event;
  return visible;
}

export class Realtime {
  /** This node's sockets per taskforce room (the adapter's rooms may span nodes; this never does). */
  private readonly roomSockets = new Map<string, Set<RealtimeSocket>>();

  /** Who was sent which event, written to the audit trail in batches. */
  readonly deliveries = new DeliveryAudit();

  constructor(
    readonly io: RealtimeServer,
    /** True with a cross-node adapter: then every fan-out is also sent to the other nodes. */
    readonly clustered: boolean,
  ) {}

  // ---- room events -------------------------------------------------------------------------------------

  /** The announcer registered with onRoomEvents: called after commit on the node that wrote the events. */
  announce(events: StoredRoomEvent[]): void {
    this.deliverLocally(events);
    if (this.clustered) this.io.serverSideEmit("room:events", events);
  }

  deliverLocally(events: StoredRoomEvent[]): void {
    const byRoom = new Map<string, StoredRoomEvent[]>();
    for (const event of events) {
      const list = byRoom.get(event.taskforceId) ?? [];
      list.push(event);
      byRoom.set(event.taskforceId, list);
    }
    for (const [taskforceId, roomEvents] of byRoom) {
      for (const socket of this.roomSockets.get(taskforceId) ?? []) this.enqueue(socket, roomEvents);
    }
  }

  enqueue(socket: RealtimeSocket, events: StoredRoomEvent[]): void {
    const state = stateOf(socket);
    if (!state || events.length === 0) return;
    state.queue.push(...events);
    if (!state.draining) void this.drain(socket);
  }

  private async drain(socket: RealtimeSocket): Promise<void> {
    const state = stateOf(socket);
    if (!state) return;
    state.draining = true;
    try {
      while (state.queue.length > 0 && socket.connected) {
        const batch = state.queue.splice(0).sort((a, b) => a.seq - b.seq);
        const actor = await refreshActor(socket);
        if (!actor) return;
        this.dropLostRooms(socket, actor);
        for (const event of batch) await this.deliverOne(socket, actor, event);
      }
    } catch (error) {
      console.error("[realtime] delivery failed", error);
    } finally {
      state.draining = false;
    }
  }

  private async deliverOne(socket: RealtimeSocket, actor: Actor, event: StoredRoomEvent): Promise<void> {
    const subscription = stateOf(socket)?.rooms.get(event.taskforceId);
    if (!subscription) return;
    if (subscription.watermark === null) {
      subscription.buffer.push(event);
      return;
    }
    if (event.seq <= subscription.watermark) return;
    while (event.seq > subscription.watermark + 1) {
      const page = await eventsSince(actor, event.taskforceId, subscription.watermark, GAP_FILL_PAGE, { untilSeq: event.seq - 1, audit: false });
      if (stateOf(socket)?.rooms.get(event.taskforceId) !== subscription) return;
      for (const missed of page.events) this.emitEvent(socket, missed);
      if (page.lastSeq === subscription.watermark) break; // nothing more in the log: deliver what we have
      subscription.watermark = page.lastSeq;
    }
    if (canReceiveEvent(actor, event)) this.emitEvent(socket, event);
    subscription.watermark = event.seq;
  }

  private emitEvent(socket: RealtimeSocket, event: StoredRoomEvent): void {
    const emit = socket.emit.bind(socket) as (name: string, payload: RoomFeedEvent) => boolean;
    emit(roomEventName(event.type), feedEvent(event));
    this.deliveries.delivered(event, socket.data.userId);
  }

  // ---- subscriptions -----------------------------------------------------------------------------------

  /** Starts (or restarts) a room subscription in replay mode: live events are buffered until finishJoin. */
  async subscribe(socket: RealtimeSocket, taskforceId: string): Promise<RoomSubscription> {
    const state = stateOf(socket);
    if (!state) throw new Error("socket without state");
    const subscription: RoomSubscription = { taskforceId, watermark: null, buffer: [] };
    state.rooms.set(taskforceId, subscription);
    const sockets = this.roomSockets.get(taskforceId) ?? new Set();
    sockets.add(socket);
    this.roomSockets.set(taskforceId, sockets);
    await socket.join(taskforceRoom(taskforceId));
    return subscription;
  }

  /** The replay is sent: deliver what arrived meanwhile (repeats are dropped by the watermark). */
  finishJoin(socket: RealtimeSocket, subscription: RoomSubscription, replayedUpTo: number): void {
    subscription.watermark = replayedUpTo;
    this.enqueue(socket, subscription.buffer.splice(0));
  }

  isSubscribed(socket: RealtimeSocket, subscription: RoomSubscription): boolean {
    return stateOf(socket)?.rooms.get(subscription.taskforceId) === subscription;
  }

  async unsubscribe(socket: RealtimeSocket, taskforceId: string): Promise<boolean> {
    const state = stateOf(socket);
    const had = state?.rooms.delete(taskforceId) ?? false;
    this.roomSockets.get(taskforceId)?.delete(socket);
    if (this.roomSockets.get(taskforceId)?.size === 0) this.roomSockets.delete(taskforceId);
    if (socket.data.viewing?.taskforceId === taskforceId) socket.data.viewing = null;
    await socket.leave(taskforceRoom(taskforceId));
    return had;
  }

  /** On disconnect: forget the socket; returns the rooms it was in (for presence). */
  forget(socket: RealtimeSocket): string[] {
    const rooms = [...(stateOf(socket)?.rooms.keys() ?? [])];
    for (const taskforceId of rooms) {
      this.roomSockets.get(taskforceId)?.delete(socket);
      if (this.roomSockets.get(taskforceId)?.size === 0) this.roomSockets.delete(taskforceId);
    }
    stateOf(socket)?.rooms.clear();
    return rooms;
  }

  /** Membership re-checked before delivery: rooms the actor lost are left now (a revocation that was missed). */
  dropLostRooms(socket: RealtimeSocket, actor: Actor): void {
    const state = stateOf(socket);
    if (!state) return;
    for (const taskforceId of [...state.rooms.keys()]) {
      if (isWorkingMember(actor, taskforceId)) continue;
      void this.removeFromRoom(socket, taskforceId, "removed_from_taskforce");
    }
  }

  private async removeFromRoom(socket: RealtimeSocket, taskforceId: string, reason: AccessRevocation["reason"]): Promise<void> {
    if (!(await this.unsubscribe(socket, taskforceId))) return;
    socket.emit("room:revoked", { taskforceId, reason });
    await this.broadcastPresence(taskforceId);
  }

  // ---- revocation --------------------------------------------------------------------------------------

  /** The revoker registered with onAccessRevoked, on the node where access was removed. */
  revoke(revocation: AccessRevocation): void {
    if (!revocation.taskforceId) {
      // Cross-node through the adapter: every socket of the user, wherever it is, is disconnected.
      this.io.in(userRoom(revocation.userId)).disconnectSockets(true);
      return;
    }
    this.io.in(userRoom(revocation.userId)).socketsLeave(taskforceRoom(revocation.taskforceId));
    this.revokeLocally(revocation);
    if (this.clustered) this.io.serverSideEmit("access:revoked", revocation);
  }

  revokeLocally(revocation: AccessRevocation): void {
    for (const socket of this.localSocketsOf(revocation.userId)) {
      if (!revocation.taskforceId) socket.disconnect(true);
      else void this.removeFromRoom(socket, revocation.taskforceId, revocation.reason).catch((error) => console.error("[realtime] revocation failed", error));
    }
  }

  private localSocketsOf(userId: string): RealtimeSocket[] {
    const ids = this.io.of("/").adapter.rooms.get(userRoom(userId)) ?? new Set<string>();
    return [...ids].map((id) => this.io.of("/").sockets.get(id)).filter((socket): socket is RealtimeSocket => Boolean(socket));
  }

  // ---- presence ----------------------------------------------------------------------------------------

  /** Who is in the room, on every node (fetchSockets goes through the adapter). */
  async presenceSnapshot(taskforceId: string): Promise<PresenceSnapshot[]> {
    const sockets = await this.io.in(taskforceRoom(taskforceId)).fetchSockets();
    return sockets
      .filter((socket) => socket.data.userId)
      .map((socket) => ({
        userId: socket.data.userId,
        displayName: socket.data.displayName,
        role: socket.data.role,
        viewing: socket.data.viewing?.taskforceId === taskforceId ? socket.data.viewing : null,
      }));
  }

  /** Presence as one recipient may see it: one entry per person, only leads the recipient may see. */
  async presenceFor(actor: Actor, snapshot: PresenceSnapshot[]): Promise<PresenceEntry[]> {
    const resources = await this.viewedLeadResources(snapshot);
    return this.filterPresence(actor, snapshot, resources);
  }

  private async viewedLeadResources(snapshot: PresenceSnapshot[]) {
    const viewed = snapshot.flatMap((entry) => (entry.viewing ? [{ itemType: "LEAD" as const, itemId: entry.viewing.leadId }] : []));
    return viewed.length ? currentResources(viewed) : new Map();
  }

  private filterPresence(actor: Actor, snapshot: PresenceSnapshot[], resources: Awaited<ReturnType<typeof currentResources>>): PresenceEntry[] {
    const people = new Map<string, PresenceEntry>();
    for (const entry of snapshot) {
      const person = people.get(entry.userId) ?? { userId: entry.userId, displayName: entry.displayName, role: entry.role, viewingLeadIds: [] };
      if (entry.viewing) {
        const key = itemResourceKey({ itemType: "LEAD", itemId: entry.viewing.leadId });
        const lead = key ? resources.get(key) : null;
        if (lead && canSee(actor, lead) && !person.viewingLeadIds.includes(entry.viewing.leadId)) person.viewingLeadIds.push(entry.viewing.leadId);
      }
      people.set(entry.userId, person);
    }
    return [...people.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  /** Recomputes the room's presence and sends each member, on every node, their filtered view. */
  async broadcastPresence(taskforceId: string): Promise<void> {
    const snapshot = await this.presenceSnapshot(taskforceId);
    await this.deliverPresenceLocally(taskforceId, snapshot);
    if (this.clustered) this.io.serverSideEmit("presence:changed", taskforceId, snapshot);
  }

  async deliverPresenceLocally(taskforceId: string, snapshot: PresenceSnapshot[]): Promise<void> {
    const sockets = [...(this.roomSockets.get(taskforceId) ?? [])];
    if (sockets.length === 0) return;
    const resources = await this.viewedLeadResources(snapshot);
    for (const socket of sockets) {
      const actor = stateOf(socket)?.actor;
      if (!actor || !actor.taskforceIds.has(taskforceId)) continue;
      socket.emit("presence:update", { taskforceId, presence: this.filterPresence(actor, snapshot, resources) });
    }
  }
}
