// Each node hands its own sockets every room event once, in seq order. Events reach a node through the announce
// after commit (from this node or, through the adapter, from the others) and may arrive out of order or, if a
// node died between commit and announce, not at all; per taskforce the node keeps the highest seq it has
// delivered, holds back events that arrive early, and fills a gap from the log (one query per node, not per
// socket) when the missing events have not arrived within GAP_WAIT_MS. Joins use `deliveredUpTo` to replay
// exactly up to where live delivery takes over (server/socket/handlers/room.ts).
import { eventsInRange, latestRoomSeq, type StoredRoomEvent } from "~/models/rooms.server";

const GAP_WAIT_MS = 500;

interface Stream {
  /** Every event with a seq up to this one has been delivered (or was shown to exist and be delivered). */
  deliveredUpTo: number;
  /** Events that arrived ahead of a missing one, by seq. */
  early: Map<number, StoredRoomEvent>;
  gapTimer?: NodeJS.Timeout;
  filling: boolean;
}

export class RoomStreams {
  private readonly streams = new Map<string, Stream>();
  private readonly opening = new Map<string, Promise<Stream>>();
  /** Events announced while a stream was being opened: kept until its position is known. */
  private readonly heldWhileOpening = new Map<string, StoredRoomEvent[]>();

  constructor(private readonly deliver: (event: StoredRoomEvent) => void) {}

  /** The stream of a taskforce this node has sockets in, started at the log's current end. */
  async open(taskforceId: string): Promise<{ deliveredUpTo: () => number }> {
    const stream = this.streams.get(taskforceId) ?? (await this.start(taskforceId));
    return { deliveredUpTo: () => (this.streams.get(taskforceId) ?? stream).deliveredUpTo };
  }

  private start(taskforceId: string): Promise<Stream> {
    let opening = this.opening.get(taskforceId);
    if (!opening) {
      this.heldWhileOpening.set(taskforceId, []);
      opening = latestRoomSeq(taskforceId).then((latest) => {
        const stream = this.streams.get(taskforceId) ?? { deliveredUpTo: latest, early: new Map(), filling: false };
        this.streams.set(taskforceId, stream);
        this.opening.delete(taskforceId);
        // An event committed after the position was read but announced before it arrived is not lost.
        const held = this.heldWhileOpening.get(taskforceId) ?? [];
        this.heldWhileOpening.delete(taskforceId);
        this.accept(held);
        return stream;
      });
      opening.catch(() => {
        this.opening.delete(taskforceId);
        this.heldWhileOpening.delete(taskforceId);
      });
      this.opening.set(taskforceId, opening);
    }
    return opening;
  }

  /** No socket of this node is in the room any more: forget it (a later join starts again from the log). */
  close(taskforceId: string): void {
    clearTimeout(this.streams.get(taskforceId)?.gapTimer);
    this.streams.delete(taskforceId);
  }

  /** Announced events, from this node or another; those of rooms this node has no socket in are ignored. */
  accept(events: StoredRoomEvent[]): void {
    for (const event of events) {
      const stream = this.streams.get(event.taskforceId);
      if (!stream) {
        this.heldWhileOpening.get(event.taskforceId)?.push(event);
        continue;
      }
      if (event.seq <= stream.deliveredUpTo) continue;
      stream.early.set(event.seq, event);
    }
    for (const taskforceId of new Set(events.map((event) => event.taskforceId))) this.drain(taskforceId);
  }

  private drain(taskforceId: string): void {
    const stream = this.streams.get(taskforceId);
    if (!stream) return;
    for (let next = stream.early.get(stream.deliveredUpTo + 1); next; next = stream.early.get(stream.deliveredUpTo + 1)) {
      stream.early.delete(next.seq);
      stream.deliveredUpTo = next.seq;
      this.deliver(next);
    }
    clearTimeout(stream.gapTimer);
    stream.gapTimer = undefined;
    if (stream.early.size > 0) stream.gapTimer = setTimeout(() => void this.fillGap(taskforceId), GAP_WAIT_MS).unref();
  }

  /** Events are missing before the ones held back: read them from the log, then deliver in order. */
  private async fillGap(taskforceId: string): Promise<void> {
    const stream = this.streams.get(taskforceId);
    if (!stream || stream.filling || stream.early.size === 0) return;
    stream.filling = true;
    try {
      const until = Math.min(...stream.early.keys()) - 1;
      const missing = await eventsInRange(taskforceId, stream.deliveredUpTo, until);
      if (this.streams.get(taskforceId) !== stream) return;
      for (const event of missing) if (event.seq > stream.deliveredUpTo) stream.early.set(event.seq, event);
      // Seqs the log does not have (a transaction that took a seq and rolled back cannot: seq is taken in it).
      if (!stream.early.has(stream.deliveredUpTo + 1)) stream.deliveredUpTo = until;
    } catch (error) {
      console.error("[realtime] could not fill a gap in a room's events", error);
    } finally {
      stream.filling = false;
    }
    this.drain(taskforceId);
  }
}
