// The typed Socket.IO server and socket, and what each node keeps about its own sockets (never shared).
import type { Server, Socket } from "socket.io";
import type { Actor } from "~/auth/permissions.server";
import type { RequestOrigin } from "~/models/audit.server";
import type { StoredRoomEvent } from "~/models/rooms.server";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "~/realtime/protocol";
import type { TokenBucket } from "./rate-limit";

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export const userRoom = (userId: string) => `user:${userId}`;
export const taskforceRoom = (taskforceId: string) => `tf:${taskforceId}`;

/** How the socket signed in (`sessionId`: the stored, hashed id); kept on this node only (SocketData crosses nodes). */
export type Credentials = { kind: "session"; sessionId: string } | { kind: "token"; token: string };

export interface RoomSubscription {
  taskforceId: string;
  /** Highest seq this socket has been given (or was shown not to see); null while the join is replaying. */
  watermark: number | null;
  /** Live events that arrived during the replay, delivered after the join ack. */
  buffer: StoredRoomEvent[];
}

export interface SocketState {
  credentials: Credentials;
  origin: RequestOrigin;
  /** The actor as last checked (refreshed before each delivery and each client event). */
  actor: Actor;
  rooms: Map<string, RoomSubscription>;
  queue: StoredRoomEvent[];
  draining: boolean;
  bucket: TokenBucket;
  /** Fires when the credential's deadline (as last seen) passes: the socket is checked again, and dropped if it has ended. */
  deadlineTimer?: ReturnType<typeof setTimeout>;
}
