// Who is in each room, on every node, and who is viewing which lead. Each node keeps one record per socket for
// its own sockets and, through the adapter, for the other nodes' (so a join answers from memory, not from a
// cross-node fetch). Changes go out as coalesced diffs, at most one batch per room every FLUSH_MS (a second in
// large rooms): who came and went to everyone in the room; who views a lead only to the audiences of that lead's
// visibility, like any event about it. Nothing is filtered per recipient.
// A join's list is the room as the last diff left it (plus the joiner): what changed since reaches the joiner in
// the next diff, like everyone else, so a burst of joins does not send each joiner the people the next diff
// sends it again, and the list is built once per diff, not once per join.
import { audiencesOfEvent, canSeeItem, type Actor, type EventVisibility } from "~/auth/permissions.server";
import type { PresenceDiff, PresenceEntry, PresencePerson, PresenceSocketRecord } from "~/realtime/protocol";
import { audienceRoom, taskforceRoom, type RealtimeServer } from "./types";

const FLUSH_MS = 250;
/**
 * A room with this many of this node's sockets or more is sent its diffs once a second instead: every diff is a
 * write to each of its sockets, and at a thousand members four a second is most of a burst's cost (issue 9:
 * "at most a few messages per second per room").
 */
const LARGE_ROOM_SOCKETS = 100;
const LARGE_ROOM_FLUSH_MS = 1_000;
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

/** One room's socket records, indexed by person too (is someone here, what do they view: no scan of the room). */
class RoomRecords {
  readonly bySocket = new Map<string, PresenceSocketRecord>();
  /**
   * userId -> the person's socket here, or a Set of them from their second on: most people have one, and a Set
   * each cost a thousand-member room ~0.15 MB (idle-1000).
   */
  private readonly byUser = new Map<string, string | Set<string>>();

  get(socketId: string): PresenceSocketRecord | undefined {
    return this.bySocket.get(socketId);
  }

  has(socketId: string): boolean {
    return this.bySocket.has(socketId);
  }

  set(record: PresenceSocketRecord): void {
    const previous = this.bySocket.get(record.socketId);
    if (previous && previous.userId !== record.userId) this.delete(record.socketId);
    this.bySocket.set(record.socketId, record);
    const sockets = this.byUser.get(record.userId);
    if (sockets === undefined) this.byUser.set(record.userId, record.socketId);
    else if (typeof sockets !== "string") sockets.add(record.socketId);
    else if (sockets !== record.socketId) this.byUser.set(record.userId, new Set([sockets, record.socketId]));
  }

  delete(socketId: string): void {
    const record = this.bySocket.get(socketId);
    if (!record) return;
    this.bySocket.delete(socketId);
    const sockets = this.byUser.get(record.userId);
    if (sockets === socketId) {
      this.byUser.delete(record.userId);
    } else if (sockets !== undefined && typeof sockets !== "string") {
      sockets.delete(socketId);
      if (sockets.size === 1) this.byUser.set(record.userId, sockets.values().next().value as string);
      else if (sockets.size === 0) this.byUser.delete(record.userId);
    }
  }

  isHere(userId: string): boolean {
    return this.byUser.has(userId);
  }

  /** The leads a person views in the room (on any of their sockets), with each lead's visibility. */
  viewedBy(userId: string): Map<string, EventVisibility> {
    const viewed = new Map<string, EventVisibility>();
    const sockets = this.byUser.get(userId);
    for (const socketId of sockets === undefined ? [] : typeof sockets === "string" ? [sockets] : sockets) {
      const viewing = this.bySocket.get(socketId)?.viewing;
      if (viewing) viewed.set(viewing.leadId, viewing.visibility);
    }
    return viewed;
  }
}

/** A room as its members have been told it (the last diff applied): what a join answers with. */
interface Published {
  records: RoomRecords;
  /** Its entries, built once until the next diff; null when not built yet or when they depend on the reader (someone views a lead). */
  entries: PresenceEntry[] | null;
}

export class RoomPresence {
  /** taskforceId -> this node's sockets and the other nodes', as they are now. */
  private readonly rooms = new Map<string, RoomRecords>();
  /** taskforceId -> the same as of the last diff sent. */
  private readonly published = new Map<string, Published>();
  private readonly pending = new Map<string, PendingDiff>();
  /** One timer per room with a diff pending. */
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly io: RealtimeServer,
    private readonly clustered: boolean,
  ) {}

  /**
   * The room as one person sees it, as of the last diff sent: one entry per person, viewed leads only when they
   * may see them, and the person asking (just joined: the next diff names them to everyone). Take it just before
   * answering, with no await in between: a diff sent earlier is then part of it, one sent later follows it.
   */
  entriesFor(actor: Actor, taskforceId: string, self?: PresenceSocketRecord): PresenceEntry[] {
    const published = this.published.get(taskforceId);
    const entries = published ? (published.entries ?? this.build(published, actor)) : [];
    if (!self || published?.records.isHere(self.userId)) return entries;
    return [...entries, { userId: self.userId, displayName: self.displayName, role: self.role, viewingLeadIds: [] }];
  }

  private build(published: Published, actor: Actor): PresenceEntry[] {
    const people = new Map<string, PresenceEntry>();
    let readerDependent = false;
    for (const record of published.records.bySocket.values()) {
      const person = people.get(record.userId) ?? { userId: record.userId, displayName: record.displayName, role: record.role, viewingLeadIds: [] };
      const viewing = record.viewing;
      if (viewing) readerDependent = true;
      if (viewing && !person.viewingLeadIds.includes(viewing.leadId) && this.mayHear(actor, viewing.visibility)) person.viewingLeadIds.push(viewing.leadId);
      people.set(record.userId, person);
    }
    // In the order people came (sorting a thousand-person list at each of a thousand joins is seconds of CPU):
    // clients order it for display (app/realtime/presence.ts).
    const entries = [...people.values()];
    // Shared by every join until the next diff: never changed in place (a diff builds a new one).
    if (!readerDependent) published.entries = entries;
    return entries;
  }

  private mayHear(actor: Actor, visibility: EventVisibility): boolean {
    return "taskforceWide" in visibility ? true : canSeeItem(actor, visibility);
  }

  /** A node starting to serve a room learns who is in it on the other nodes (once, when its first socket joins). */
  async sync(taskforceId: string): Promise<void> {
    if (!this.clustered || this.rooms.has(taskforceId)) return;
    this.room(taskforceId);
    const timeout = new Promise<PresenceSocketRecord[][]>((resolve) => setTimeout(() => resolve([]), SYNC_TIMEOUT_MS).unref());
    const replies = await Promise.race([this.io.serverSideEmitWithAck("presence:sync", taskforceId).catch(() => [] as PresenceSocketRecord[][]), timeout]);
    const room = this.rooms.get(taskforceId);
    const published = this.published.get(taskforceId);
    if (!room || !published) return;
    // The other nodes have told their sockets already: what they hold counts as sent.
    for (const record of replies.flat()) {
      if (room.has(record.socketId)) continue;
      room.set(record);
      published.records.set(record);
    }
    published.entries = null;
  }

  /** This node's own records of a room (answering another node's sync). */
  localRecords(taskforceId: string, isLocal: (socketId: string) => boolean): PresenceSocketRecord[] {
    return [...(this.rooms.get(taskforceId)?.bySocket.values() ?? [])].filter((record) => isLocal(record.socketId));
  }

  /** A socket of this node joined the room, or changed what it views. */
  put(taskforceId: string, record: PresenceSocketRecord): void {
    const room = this.room(taskforceId);
    const personWasHere = room.isHere(record.userId);
    const viewedBefore = room.viewedBy(record.userId);
    room.set(record);
    const diff = this.diff(taskforceId);
    if (!personWasHere) {
      diff.joined.set(record.userId, { userId: record.userId, displayName: record.displayName, role: record.role });
      diff.left.delete(record.userId);
    }
    this.viewingChanged(taskforceId, record.userId, viewedBefore, room.viewedBy(record.userId));
    diff.records.set(record.socketId, record);
    diff.gone.delete(record.socketId);
    this.schedule(taskforceId);
  }

  /** A socket of this node left the room (or disconnected). */
  remove(taskforceId: string, socketId: string): void {
    const room = this.rooms.get(taskforceId);
    const record = room?.get(socketId);
    if (!room || !record) return;
    const viewedBefore = room.viewedBy(record.userId);
    room.delete(socketId);
    const diff = this.diff(taskforceId);
    this.viewingChanged(taskforceId, record.userId, viewedBefore, room.viewedBy(record.userId));
    if (!room.isHere(record.userId)) {
      diff.left.add(record.userId);
      diff.joined.delete(record.userId);
    }
    diff.records.delete(socketId);
    diff.gone.add(socketId);
    this.schedule(taskforceId);
  }

  /** Another node's records changed (its sockets have been sent the diffs already). */
  applyRemote(taskforceId: string, records: PresenceSocketRecord[], gone: string[]): void {
    // A room this node serves no socket in is learnt whole (sync) when its first socket joins, not piecemeal.
    const room = this.rooms.get(taskforceId);
    const published = this.published.get(taskforceId);
    if (!room || !published) return;
    for (const target of [room, published.records]) {
      for (const record of records) target.set(record);
      for (const socketId of gone) target.delete(socketId);
    }
    published.entries = null;
  }

  /** No socket of this node is in the room any more: its view of the room is dropped with it. */
  forgetRoom(taskforceId: string): void {
    this.rooms.delete(taskforceId);
    this.published.delete(taskforceId);
  }

  private room(taskforceId: string): RoomRecords {
    let room = this.rooms.get(taskforceId);
    if (!room) {
      this.rooms.set(taskforceId, (room = new RoomRecords()));
      this.published.set(taskforceId, { records: new RoomRecords(), entries: null });
    }
    return room;
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

  private schedule(taskforceId: string): void {
    if (this.timers.has(taskforceId)) return;
    const size = this.rooms.get(taskforceId)?.bySocket.size ?? 0;
    const delay = size >= LARGE_ROOM_SOCKETS ? LARGE_ROOM_FLUSH_MS : FLUSH_MS;
    this.timers.set(taskforceId, setTimeout(() => this.flushRoom(taskforceId), delay).unref());
  }

  /** Sends what changed in every room now (a leave, shutdown). */
  flush(): void {
    for (const taskforceId of [...this.pending.keys()]) this.flushRoom(taskforceId);
  }

  /** Sends what changed in a room: one diff to everyone in it, one per group of viewing audiences. */
  private flushRoom(taskforceId: string): void {
    clearTimeout(this.timers.get(taskforceId));
    this.timers.delete(taskforceId);
    const diff = this.pending.get(taskforceId);
    this.pending.delete(taskforceId);
    if (diff) {
      // From now on a join answers with the room as this diff leaves it.
      const published = this.published.get(taskforceId);
      if (published) {
        for (const record of diff.records.values()) published.records.set(record);
        for (const socketId of diff.gone) published.records.delete(socketId);
        published.entries = null;
      }
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
