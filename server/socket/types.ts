// The typed Socket.IO server and socket, and what each node keeps about its own sockets (never shared).
import type { Server, Socket } from "socket.io";
import type { Actor, Audience } from "~/auth/permissions.server";
import type { RequestOrigin } from "~/models/audit.server";
import { internString } from "~/utils/intern";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "~/realtime/protocol";
import type { TokenBucket } from "./rate-limit";

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

// Room names are interned: Socket.IO keeps, for every socket, the names of the rooms it is in.
export const userRoom = (userId: string) => internString(`user:${userId}`);
/** Every socket in a taskforce's room (presence: who came and went). */
export const taskforceRoom = (taskforceId: string) => internString(`tf:${taskforceId}`);
/** The sockets in a taskforce's room that may hear events for one audience (see audiencesOfActor/audiencesOfEvent). */
export const audienceRoom = (taskforceId: string, audience: Audience) => internString(`tf:${taskforceId}:${audience}`);

/** How the socket signed in (`sessionId`: the stored, hashed id); kept on this node only (SocketData crosses nodes). */
export type Credentials = { kind: "session"; sessionId: string } | { kind: "token"; token: string };

export interface RoomSubscription {
  taskforceId: string;
  /** The Socket.IO rooms this socket hears the taskforce's events and presence in; empty until the join's replay is done. */
  rooms: string[];
}

export interface SocketState {
  credentials: Credentials;
  origin: RequestOrigin;
  /** The actor as last checked: at the handshake, before each client event, and by the periodic re-check. */
  actor: Actor;
  /** When the actor was last read from the database (Date.now()). */
  checkedAt: number;
  /** When an event the user sent last had its activity recorded by a re-check (Date.now()); unset: never. */
  activityAt?: number;
  rooms: Map<string, RoomSubscription>;
  /** The lead this socket has open in a room (presence), with its visibility. */
  viewing: { taskforceId: string; leadId: string } | null;
  bucket: TokenBucket;
  /** Fires when the credential's deadline (as last seen) passes: the socket is checked again, and dropped if it has ended. */
  deadlineTimer?: ReturnType<typeof setTimeout>;
  /** A client event's re-check found the credential ended: the socket is closed once that event is answered. */
  credentialEnded?: boolean;
}
