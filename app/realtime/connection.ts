// The page's one Socket.IO connection (same origin, the session cookie), shared by everything on the page that
// listens: the top bar's notification badge on every page, and the room hook on a room page. Made when the first
// user asks for it and closed when the last one lets go.
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "~/realtime/protocol";

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let shared: { socket: AppSocket; users: number } | null = null;

export function acquireSocket(): AppSocket {
  if (!shared) shared = { socket: io({ transports: ["websocket", "polling"], withCredentials: true, reconnectionDelayMax: 5_000 }), users: 0 };
  shared.users += 1;
  return shared.socket;
}

export function releaseSocket(socket: AppSocket): void {
  if (!shared || shared.socket !== socket) return;
  shared.users -= 1;
  if (shared.users > 0) return;
  shared.socket.close();
  shared = null;
}
