// Socket.IO on the app's HTTP server: origin guard, handshake auth, typed handlers per event group, and the
// Redis adapter when REDIS_URL is set so several app processes share rooms, presence and revocations.
import type http from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import { Server } from "socket.io";
import { announceAccessChange, onAccessChange } from "~/auth/access-changes.server";
import { onCorrelationNotices } from "~/models/correlation-notices.server";
import { onNotifications } from "~/models/notifications.server";
import { onAccessRevoked, onRoomEvents } from "~/models/rooms.server";
import type { ServerConfig } from "../config";
import type { AppMetrics } from "../metrics";
import { allowOrigin, handshakeMiddleware } from "./auth";
import { SocketHandlers } from "./handler";
import { registerClaimHandlers } from "./handlers/claims";
import { registerClueHandlers } from "./handlers/clues";
import { registerCommentHandlers } from "./handlers/comments";
import { registerLeadHandlers } from "./handlers/leads";
import { registerPresenceHandlers } from "./handlers/presence";
import { registerReviewHandlers } from "./handlers/reviews";
import { registerRoomHandlers } from "./handlers/room";
import { registerTaskHandlers } from "./handlers/tasks";
import { Realtime } from "./realtime";
import { userRoom, type RealtimeServer } from "./types";

/** Text events only: nothing larger than a long clue fits in one message. */
export const MAX_SOCKET_MESSAGE_BYTES = 64 * 1024;

export async function attachRealtime(httpServer: http.Server, config: ServerConfig, metrics?: AppMetrics): Promise<() => Promise<void>> {
  const io: RealtimeServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
    allowRequest: allowOrigin(config.allowedOrigins),
    serveClient: false,
    transports: ["websocket", "polling"],
    // No connectionStateRecovery: a reconnect always passes the handshake again and replays from the room log.
  });

  let redis: { pub: Redis; sub: Redis } | undefined;
  if (config.redisUrl) {
    const pub = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 });
    const sub = pub.duplicate();
    for (const client of [pub, sub]) client.on("error", (error) => console.error("[realtime] redis", error.message));
    redis = { pub, sub };
    io.adapter(createAdapter(pub, sub, { key: "cluebridge" }));
  }
  const realtime = new Realtime(io, Boolean(redis));
  if (metrics) metrics.realtime = { openSockets: () => io.of("/").sockets.size, eventsDelivered: () => realtime.eventsDelivered };

  io.use(handshakeMiddleware(config.allowedOrigins));
  const handlers = new SocketHandlers(realtime);
  for (const register of [
    registerRoomHandlers,
    registerPresenceHandlers,
    registerLeadHandlers,
    registerClaimHandlers,
    registerClueHandlers,
    registerTaskHandlers,
    registerCommentHandlers,
    registerReviewHandlers,
  ]) {
    register(handlers);
  }
  io.on("connection", (socket) => {
    handlers.attach(socket);
    socket.on("disconnect", () => realtime.forget(socket));
  });

  // From the other nodes: events to deliver to this node's sockets in order, revocations, presence records.
  io.on("room:events", (events) => realtime.streams.accept(events));
  io.on("access:revoked", (revocation) => realtime.revokeLocally(revocation));
  io.on("access:changed", (change) => announceAccessChange(change, { here: false }));
  io.on("presence:sockets", (taskforceId, records, gone) => realtime.presence.applyRemote(taskforceId, records, gone));
  io.on("presence:sync", (taskforceId, reply) => reply(realtime.localPresence(taskforceId)));

  const stopAnnouncing = onRoomEvents((events) => realtime.announce(events));
  const stopRevoking = onAccessRevoked((revocation) => realtime.revoke(revocation));
  const stopRelayingChanges = onAccessChange((change, here) => {
    if (here && redis) io.serverSideEmit("access:changed", change);
  });
  // Correlation news goes to one user's sockets (every node, through the adapter); each notice is already cut
  // to what that user may know.
  const stopNoticing = onCorrelationNotices((notices) => {
    for (const { userId, notice } of notices) io.to(userRoom(userId)).emit("correlation:notice", notice);
  });
  const stopNotifying = onNotifications((batch) => realtime.notify(batch));

  return async () => {
    stopAnnouncing();
    stopRevoking();
    stopRelayingChanges();
    stopNoticing();
    stopNotifying();
    realtime.stop();
    // io.close() also closes the HTTP server; startApp closes its connections right after.
    await io.close();
    await realtime.deliveries.flush();
    if (redis) await Promise.allSettled([redis.pub.quit(), redis.sub.quit()]);
  };
}
