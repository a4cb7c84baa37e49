// The floors the app is measured against: a bare Socket.IO server that speaks just enough of the room protocol
// (room:join joins, lead:share broadcasts an event of a given size to the room) and a bare Express JSON route.
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { Server } from "socket.io";

export interface BareServer {
  url: string;
  close(): Promise<void>;
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

type Ack = (reply: unknown) => void;

/** Broadcasts `lead:shared` events padded to `eventBytes` (the app's event size, measured in the same run). */
export async function startBareSocketServer(options: { eventBytes: () => number }): Promise<BareServer> {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { serveClient: false, transports: ["websocket", "polling"] });
  let seq = 0;
  io.on("connection", (socket) => {
    socket.on("room:join", (payload: { taskforceId: string }, ack: Ack) => {
      void socket.join(payload.taskforceId);
      ack({ ok: true, data: { taskforceId: payload.taskforceId, lastEventId: seq, events: [], hasMore: false, presence: [] } });
    });
    socket.on("lead:share", (payload: { leadId: string; note?: string }, ack: Ack) => {
      const room = [...socket.rooms].find((name) => name !== socket.id);
      if (!room) return ack({ ok: false, error: { code: "NOT_FOUND" } });
      const event = { id: `bare-${++seq}`, seq, taskforceId: room, type: "lead.shared", payload: { leadId: payload.leadId, note: payload.note ?? "", pad: "" } };
      event.payload.pad = "x".repeat(Math.max(0, options.eventBytes() - Buffer.byteLength(JSON.stringify(event))));
      io.to(room).emit("lead:shared", event);
      ack({ ok: true, data: event });
    });
  });
  const url = await listen(httpServer);
  return {
    url,
    async close() {
      await io.close();
    },
  };
}

/** GET /clues answers `body` with res.json, as the app answers its clue list. */
export async function startBareExpress(body: unknown): Promise<BareServer> {
  const app = express();
  app.disable("x-powered-by");
  app.get("/clues", (_req, res) => {
    res.json(body);
  });
  const server = http.createServer(app);
  const url = await listen(server);
  return {
    url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
