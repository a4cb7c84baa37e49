// Live pushes are reads of case data too. Auditing each push to each member would write a row per member per
// event (a 1,000-member room: 1,000 rows); instead each node records, per event, who it was delivered to, in
// batches: one audit row per event per node, flushed every second and on shutdown.
import { recordAudit } from "~/models/audit.server";
import type { StoredRoomEvent } from "~/models/rooms.server";

const FLUSH_INTERVAL_MS = 1_000;

interface PendingDelivery {
  event: Pick<StoredRoomEvent, "id" | "seq" | "type" | "itemType" | "itemId" | "taskforceId">;
  recipientIds: Set<string>;
}

export class DeliveryAudit {
  private pending = new Map<string, PendingDelivery>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  /** Notes that these users were sent `event` (gap fills included); written at the next flush. */
  delivered(event: StoredRoomEvent, userIds: Iterable<string>): void {
    const entry = this.pending.get(event.id) ?? { event, recipientIds: new Set<string>() };
    for (const userId of userIds) entry.recipientIds.add(userId);
    this.pending.set(event.id, entry);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  /** Writes what is pending; flushes run one after another so no batch is lost or written twice. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.flushing.then(async () => {
      // Recorded together, these go out as one multi-row INSERT (the audit recorder's group commit).
      const results = await Promise.allSettled(
        batch.map(({ event, recipientIds }) =>
          recordAudit({
            action: "room.deliver",
            itemType: event.itemType,
            itemId: event.itemId,
            taskforceId: event.taskforceId,
            details: { eventId: event.id, seq: event.seq, type: event.type, recipients: [...recipientIds].sort() },
          }),
        ),
      );
      const failed = results.filter((result) => result.status === "rejected");
      if (failed.length > 0) console.error(`[realtime] could not audit ${failed.length} deliveries`, failed[0].reason);
    });
    return this.flushing;
  }
}
