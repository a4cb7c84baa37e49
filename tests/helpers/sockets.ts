// Real socket.io-client connections to a running test server, signed in as a given user: through a session
// cookie made with the auth module's startSession (MFA done), or a personal access token in auth.token.
import { io, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll } from "vitest";
import { issueAccessToken } from "~/models/tokens.server";
import { ROOM_EVENT_NAMES, type Ack, type ClientEventName, type ClientToServerEvents, type RoomEventName, type RoomFeedEvent, type ServerToClientEvents } from "~/realtime/protocol";
import type { AckDataOf } from "../../server/socket/handler";
import { sessionCookie } from "./pages";
import { startTestServer, type TestServer } from "./server";

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function accessTokenFor(user: { id: string; email: string }): Promise<string> {
  const { token } = await issueAccessToken(user, { name: `test ${Date.now()}`, days: 1 }, { actor: null });
  return token;
}

export interface ConnectOptions {
  cookie?: string;
  token?: string;
  /** The Origin header; null sends none. Defaults to the server's own URL (a same-origin page). */
  origin?: string | null;
  transports?: ("websocket" | "polling")[];
  /** Leave reconnection on (for restart tests); off by default so a refused handshake fails fast. */
  reconnection?: boolean;
}

/** A connected socket, or a rejection with the server's refusal (connect_error). */
export function connectSocket(url: string, options: ConnectOptions = {}): Promise<TestSocket> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  const origin = options.origin === undefined ? url : options.origin;
  if (origin !== null) headers.origin = origin;
  const socket: TestSocket = io(url, {
    transports: options.transports ?? ["websocket"],
    extraHeaders: headers,
    auth: options.token ? { token: options.token } : {},
    reconnection: options.reconnection ?? false,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    // Each listener removes the other: a refusal listener left behind would close the socket on a later
    // reconnect attempt that fails (a restart test), and stop it reconnecting for good.
    const refused = (error: Error) => {
      socket.off("connect", connected);
      socket.close();
      reject(error);
    };
    const connected = () => {
      socket.off("connect_error", refused);
      resolve(socket);
    };
    socket.once("connect", connected);
    socket.once("connect_error", refused);
  });
}

/** A socket signed in as the user through a session cookie (like the room page). */
export async function connectAs(url: string, user: { id: string }, options: Omit<ConnectOptions, "cookie" | "token"> = {}): Promise<TestSocket> {
  return connectSocket(url, { ...options, cookie: await sessionCookie(user.id) });
}

/** A socket signed in as the user through a personal access token (like a tool), without an Origin. */
export async function connectWithToken(url: string, user: { id: string; email: string }, options: Omit<ConnectOptions, "cookie" | "token"> = {}): Promise<TestSocket> {
  return connectSocket(url, { origin: null, ...options, token: await accessTokenFor(user) });
}

/** Emits a client event and resolves with its acknowledgement. */
export function request<E extends ClientEventName>(socket: TestSocket, event: E, payload: unknown): Promise<Ack<AckDataOf<E>>> {
  const withTimeout = socket.timeout(10_000) as unknown as {
    emit(event: string, payload: unknown, ack: (error: Error | null, response: Ack<AckDataOf<E>>) => void): void;
  };
  return new Promise((resolve, reject) => withTimeout.emit(event, payload, (error, response) => (error ? reject(error) : resolve(response))));
}

/** Like request, for an event whose ack must be ok: returns its data. */
export async function requestOk<E extends ClientEventName>(socket: TestSocket, event: E, payload: unknown): Promise<AckDataOf<E>> {
  const response = await request(socket, event, payload);
  if (!response.ok) throw new Error(`${event} refused: ${JSON.stringify(response.error)}`);
  return response.data;
}

/** Every room event the socket receives, in arrival order. */
export function recordRoomEvents(socket: TestSocket, names: readonly RoomEventName[]): RoomFeedEvent[] {
  const received: RoomFeedEvent[] = [];
  for (const name of names) socket.on(name as "lead:shared", (event) => received.push(event));
  return received;
}

/** Resolves when `check` passes (polled), or rejects after `timeoutMs` with `what` in the message. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The real app for one socket test file: started before its tests, closed after them. Sockets opened through
 * the suite are closed after each test. stop() and start() restart the app on the same port (the database
 * stays open), as a server restart does.
 */
export function socketTestSuite() {
  let server: TestServer | undefined;
  let port = 0;
  const allowedOrigins: string[] = [];
  const open: TestSocket[] = [];

  async function start() {
    server = await startTestServer({ allowedOrigins, port });
    port = Number(new URL(server.url).port);
    if (!allowedOrigins.includes(server.url)) allowedOrigins.push(server.url);
  }
  beforeAll(start);
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.close();
  });

  const suite = {
    get url(): string {
      if (!server) throw new Error("The test server starts in beforeAll; use it inside a test.");
      return server.url;
    },
    /** Closes the socket after the test. */
    track(socket: TestSocket): TestSocket {
      open.push(socket);
      return socket;
    },
    async connect(user: { id: string }, options: Omit<ConnectOptions, "cookie" | "token"> = {}): Promise<TestSocket> {
      return suite.track(await connectAs(suite.url, user, options));
    },
    /** Connected, in the room, recording every room event it receives. */
    async member(user: { id: string }, taskforceId: string) {
      const socket = await suite.connect(user);
      const received = recordRoomEvents(socket, ROOM_EVENT_NAMES);
      const joined = await requestOk(socket, "room:join", { taskforceId });
      return { socket, received, joined };
    },
    async stop(): Promise<void> {
      await server?.close();
      server = undefined;
    },
    /** Starts the app again on the port it had. */
    start,
    /** Closes every socket opened so far in this test. */
    closeSockets(): void {
      for (const socket of open.splice(0)) socket.close();
    },
  };
  return suite;
}
