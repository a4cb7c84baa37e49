// Who is in each room, on every node, and who is viewing which lead. Each node keeps one record per socket for
// its own sockets and, through the adapter, for the other nodes' (so a join answers from memory, not from a
// cross-node fetch). Changes go out as coalesced diffs, at most one batch per room every FLUSH_MS: who came and
// went to everyone in the room; who views a lead only to the audiences of that lead's visibility, like any
// event about it. Nothing is filtered per recipient.
import { audiencesOfEvent, canSeeItem, type Actor, type EventVisibility } from "~/auth/permissions.server";
import type { PresenceDiff, PresenceEntry, PresencePerson, PresenceSocketRecord } from "~/realtime/protocol";
import { audienceRoom, taskforceRoom, type RealtimeServer } from "./types";

const FLUSH_MS = 250;
const SYNC_TIMEOUT_MS = 2_000;

interface PendingDiff {
  joined: Map<string, PresencePerson>;
  left: Set<string>;
  /** Viewing changes grouped by the rooms that may hear them (a lead's audiences). */
  viewing: Map<string, { rooms: string[]; changes: PresenceDiff["viewing"] }>;
  /** Records to share with the other nodes (upserts) and sockets gone. */
  records: Map<string, PresenceSocketRecord>;
  gone: Set<string>;
}

export class RoomPresence {
  /** taskforceId -> socketId -> record (this node's sockets and the other nodes'). */
  private readonly rooms = new Map<string, Map<string, PresenceSocketRecord>>();
  private readonly pending = new Map<string, PendingDiff>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly io: RealtimeServer,
    private readonly clustered: boolean,
  ) {}

  /** The room as one person sees it: one entry per person, viewed leads only when they may see them. */
  entriesFor(actor: Actor, taskforceId: string): PresenceEntry[] {
    const people = new Map<string, PresenceEntry>();
    for (const record of this.rooms.get(taskforceId)?.values() ?? []) {
      const person = people.get(record.userId) ?? { userId: record.userId, displayName: record.displayName, role: record.role, viewingLeadIds: [] };
      const viewing = record.viewing;
      if (viewing && !person.viewingLeadIds.includes(viewing.leadId) && this.mayHear(actor, viewing.visibility)) person.viewingLeadIds.push(viewing.leadId);
      people.set(record.userId, person);
    }
    // In the order people came (sorting a thousand-person list at each of a thousand joins is seconds of CPU):
    // clients order it for display (app/realtime/presence.ts).
    return [...people.values()];
  }

  private mayHear(actor: Actor, visibility: EventVisibility): boolean {
    return "taskforceWide" in visibility ? true : canSeeItem(actor, visibility);
  }

  /** A node starting to serve a room learns who is in it on the other nodes (once, when its first socket joins). */
  async sync(taskforceId: string): Promise<void> {
    if (!this.clustered || this.rooms.has(taskforceId)) return;
    this.rooms.set(taskforceId, new Map());
    const timeout = new Promise<PresenceSocketRecord[][]>((resolve) => setTimeout(() => resolve([]), SYNC_TIMEOUT_MS).unref());
    const replies = await Promise.race([this.io.serverSideEmitWithAck("presence:sync", taskforceId).catch(() => [] as PresenceSocketRecord[][]), timeout]);
    const room = this.rooms.get(taskforceId);
    for (const record of replies.flat()) if (room && !room.has(record.socketId)) room.set(record.socketId, record);
  }

  /** This node's own records of a room (answering another node's sync). */
  localRecords(taskforceId: string, isLocal: (socketId: string) => boolean): PresenceSocketRecord[] {
    return [...(this.rooms.get(taskforceId)?.values() ?? [])].filter((record) => isLocal(record.socketId));
  }

  /** A socket of this node joined the room, or changed what it views. */
  put(taskforceId: string, record: PresenceSocketRecord): void {
    const room = this.room(taskforceId);
    const personWasHere = this.isHere(room, record.userId);
    const viewedBefore = this.viewedBy(room, record.userId);
    room.set(record.socketId, record);
    const diff = this.diff(taskforceId);
    if (!personWasHere) {
      diff.joined.set(record.userId, { userId: record.userId, displayName: record.displayName, role: record.role });
      diff.left.delete(record.userId);
    }
    this.viewingChanged(taskforceId, record.userId, viewedBefore, this.viewedBy(room, record.userId));
    diff.records.set(record.socketId, record);
    diff.gone.delete(record.socketId);
    this.schedule();
  }

  /** A socket of this node left the room (or disconnected). */
  remove(taskforceId: string, socketId: string): void {
    const room = this.rooms.get(taskforceId);
    const record = room?.get(socketId);
    if (!room || !record) return;
    const viewedBefore = this.viewedBy(room, record.userId);
    room.delete(socketId);
    const diff = this.diff(taskforceId);
    this.viewingChanged(taskforceId, record.userId, viewedBefore, this.viewedBy(room, record.userId));
    if (!this.isHere(room, record.userId)) {
      diff.left.add(record.userId);
      diff.joined.delete(record.userId);
    }
    diff.records.delete(socketId);
    diff.gone.add(socketId);
    this.schedule();
  }

  /** Another node's records changed (its sockets have been sent the diffs already). */
  applyRemote(taskforceId: string, records: PresenceSocketRecord[], gone: string[]): void {
    // A room this node serves no socket in is learnt whole (sync) when its first socket joins, not piecemeal.
    const room = this.rooms.get(taskforceId);
    if (!room) return;
    for (const record of records) room.set(record.socketId, record);
    for (const socketId of gone) room.delete(socketId);
  }

  /** No socket of this node is in the room any more: its view of the room is dropped with it. */
  forgetRoom(taskforceId: string): void {
    this.rooms.delete(taskforceId);
  }

  private room(taskforceId: string): Map<string, PresenceSocketRecord> {
    let room = this.rooms.get(taskforceId);
    if (!room) this.rooms.set(taskforceId, (room = new Map()));
    return room;
  }

  private isHere(room: Map<string, PresenceSocketRecord>, userId: string): boolean {
    for (const record of room.values()) if (record.userId === userId) return true;
    return false;
  }

  /** The leads a person views in the room (on any of their sockets), with each lead's visibility. */
  private viewedBy(room: Map<string, PresenceSocketRecord>, userId: string): Map<string, EventVisibility> {
    const viewed = new Map<string, EventVisibility>();
    for (const record of room.values()) if (record.userId === userId && record.viewing) viewed.set(record.viewing.leadId, record.viewing.visibility);
    return viewed;
  }

  private viewingChanged(taskforceId: string, userId: string, before: Map<string, EventVisibility>, after: Map<string, EventVisibility>): void {
    const diff = this.diff(taskforceId);
    const changes: [string, EventVisibility, boolean][] = [
      ...[...before].filter(([leadId]) => !after.has(leadId)).map(([leadId, visibility]): [string, EventVisibility, boolean] => [leadId, visibility, false]),
      ...[...after].filter(([leadId]) => !before.has(leadId)).map(([leadId, visibility]): [string, EventVisibility, boolean] => [leadId, visibility, true]),
    ];
    for (const [leadId, visibility, on] of changes) {
      const rooms = audiencesOfEvent(visibility).map((audience) => audienceRoom(taskforceId, audience));
      const key = rooms.join("|");
      const group = diff.viewing.get(key) ?? { rooms, changes: [] };
      group.changes.push({ userId, leadId, on });
      diff.viewing.set(key, group);
    }
  }

  private diff(taskforceId: string): PendingDiff {
    let diff = this.pending.get(taskforceId);
    if (!diff) {
      diff = { joined: new Map(), left: new Set(), viewing: new Map(), records: new Map(), gone: new Set() };
      this.pending.set(taskforceId, diff);
    }
    return diff;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
  }

  /** Sends what changed: one diff per room to everyone in it, one per group of viewing audiences. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const pending = [...this.pending];
    this.pending.clear();
    for (const [taskforceId, diff] of pending) {
      if (diff.joined.size > 0 || diff.left.size > 0) {
        this.io.to(taskforceRoom(taskforceId)).emit("presence:diff", { taskforceId, joined: [...diff.joined.values()], left: [...diff.left], viewing: [] });
      }
      for (const { rooms, changes } of diff.viewing.values()) {
        this.io.to(rooms).emit("presence:diff", { taskforceId, joined: [], left: [], viewing: changes });
      }
      if (this.clustered && (diff.records.size > 0 || diff.gone.size > 0)) {
        this.io.serverSideEmit("presence:sockets", taskforceId, [...diff.records.values()], [...diff.gone]);
      }
    }
  }
}
