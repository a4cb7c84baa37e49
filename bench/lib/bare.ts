// The floors the app is measured against: a bare Socket.IO server that speaks just enough of the room protocol
// (room:join joins, lead:share broadcasts the app's own event to the room) and a bare Express JSON route.
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

/**
 * Broadcasts `lead:shared` events: the app's own event as its members received it in the same run (`sampleEvent`),
 * with this share's seq and note, so that both servers send, and the clients parse, the same JSON. Padding a small
 * event to the app's size instead made the bare clients' parse cheaper (one long string: 1.6 µs against 3.3 µs for
 * the app's nested event, ×999 per share), which is no part of delivery. The app's warm-up share comes before any
 * of the bare server's; without it (the app's pass failed, and there is no ratio), a bare event of the share's own.
 */
export async function startBareSocketServer(options: { sampleEvent: () => Record<string, unknown> | null }): Promise<BareServer> {
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
      seq += 1;
      const note = payload.note ?? "";
      const sample = options.sampleEvent() ?? { taskforceId: room, type: "lead.shared", payload: { leadId: payload.leadId } };
      const event = { ...sample, id: String(seq), seq, payload: { ...(sample.payload as Record<string, unknown>), note } };
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
