// One taskforce room in the browser: a Socket.IO connection (same origin, the page's session cookie) that joins
// the room, replays what it missed after any reconnect (lastEventId), de-duplicates by event id, reports a
// truthful connection state, and queues actions while offline to send them once the room is joined again.
// Writes that create something carry a clientEventId made once per user action: when the connection drops
// before the answer arrives, the same action is sent again with the same id once the room is joined again,
// and the server answers with the first result instead of storing it twice.
import { useCallback, useEffect, useRef, useState } from "react";
import { acquireSocket, releaseSocket, type AppSocket } from "./connection";
import { applyPresenceDiff, sortPresence } from "./presence";
import {
  IDEMPOTENT_EVENTS,
  ROOM_EVENT_NAMES,
  type Ack,
  type ClaimView,
  type ClientEventName,
  type ClientToServerEvents,
  type PresenceEntry,
  type PresenceDiff,
  type RoomFeedEvent,
} from "~/realtime/protocol";

/** "connecting" until the first join; "reconnecting" after a drop; "offline" when the network is down or retries keep failing. */
export type ConnectionState = "connecting" | "connected" | "reconnecting" | "offline";
type RoomSocket = AppSocket;
type AckData<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[1] extends (response: Ack<infer T>) => void ? T : never;
type Payload<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];

interface QueuedAction {
  event: ClientEventName;
  payload: unknown;
  /** The idempotency key sent with the payload (IDEMPOTENT_EVENTS only): the same on every retry of this action. */
  clientEventId: string | null;
  /** Send order, kept when an action goes back into the queue. */
  order: number;
  /** Times the server did not answer in time while connected (retries stop after MAX_TIMEOUT_RETRIES). */
  timeouts: number;
  resolve: (response: Ack<unknown>) => void;
}

export interface RoomState {
  connection: ConnectionState;
  /** Why the room is offline when it is not the network (signed out, removed from the taskforce). */
  problem: string | null;
  /** Newest first, each event once. */
  feed: RoomFeedEvent[];
  /** Events newer than what the user marked as seen. */
  newCount: number;
  seenEventId: number;
  markSeen(): void;
  presence: PresenceEntry[];
  claims: Record<string, ClaimView>;
  /** Actions waiting for the connection to come back. */
  queued: number;
  send<E extends ClientEventName>(event: E, payload: Payload<E>): Promise<Ack<AckData<E>>>;
}

const FEED_LIMIT = 500;
/** After this many failed reconnection attempts the room says "offline" (it keeps trying). */
const ATTEMPTS_BEFORE_OFFLINE = 3;
const ACK_TIMEOUT_MS = 15_000;
/** A server that is connected but does not answer gets this many more tries of an idempotent write. */
const MAX_TIMEOUT_RETRIES = 3;

function isIdempotent(event: ClientEventName): boolean {
  return (IDEMPOTENT_EVENTS as readonly string[]).includes(event);
}

/** A fresh idempotency key: a UUID where the browser offers one (secure contexts), else 128 random bits in hex. */
function newClientEventId(): string {
  const cryptoApi = globalThis.crypto;
  if (typeof cryptoApi.randomUUID === "function") return cryptoApi.randomUUID();
  return Array.from(cryptoApi.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

interface StoredProgress {
  lastEventId?: number;
  seenEventId?: number;
}

function storageKey(userId: string, taskforceId: string) {
  return `cluebridge:room:${userId}:${taskforceId}`;
}

function readProgress(key: string): StoredProgress {
  try {
    return JSON.parse(window.sessionStorage.getItem(key) ?? "{}") as StoredProgress;
  } catch {
    return {};
  }
}

function writeProgress(key: string, progress: StoredProgress) {
  try {
    window.sessionStorage.setItem(key, JSON.stringify(progress));
  } catch {
    // Storage full or disabled: the in-memory lastEventId still drives reconnects.
  }
}

function claimFrom(event: RoomFeedEvent): ClaimView | null {
  if (event.type !== "lead.claimed" && event.type !== "lead.released" && event.type !== "lead.shared") return null;
  const claim = (event.payload as { claim?: ClaimView }).claim;
  return claim && typeof claim.leadId === "string" ? claim : null;
}

export function useRoom(taskforceId: string, options: { userId: string; initialClaims?: Record<string, ClaimView> }): RoomState {
  const { userId } = options;
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [problem, setProblem] = useState<string | null>(null);
  const [feed, setFeed] = useState<RoomFeedEvent[]>([]);
  const [presence, setPresence] = useState<PresenceEntry[]>([]);
  const [claims, setClaims] = useState<Record<string, ClaimView>>(options.initialClaims ?? {});
  const [queued, setQueued] = useState(0);
  const [seenEventId, setSeenEventId] = useState(0);

  const socketRef = useRef<RoomSocket | null>(null);
  const joinedRef = useRef(false);
  const lastEventIdRef = useRef<number | null>(null);
  const seenIdsRef = useRef(new Set<string>());
  const queueRef = useRef<QueuedAction[]>([]);
  const sendOrderRef = useRef(0);
  const key = storageKey(userId, taskforceId);

  const addEvents = useCallback(
    (events: RoomFeedEvent[]) => {
      const fresh = events.filter((event) => event.taskforceId === taskforceId && !seenIdsRef.current.has(event.id));
      if (fresh.length === 0) return;
      for (const event of fresh) seenIdsRef.current.add(event.id);
      const highest = Math.max(...fresh.map((event) => event.seq));
      lastEventIdRef.current = Math.max(lastEventIdRef.current ?? 0, highest);
      writeProgress(key, { ...readProgress(key), lastEventId: lastEventIdRef.current });
      setFeed((current) => [...fresh, ...current].sort((a, b) => b.seq - a.seq).slice(0, FEED_LIMIT));
      const claimUpdates = fresh.sort((a, b) => a.seq - b.seq).map(claimFrom).filter((claim): claim is ClaimView => claim !== null);
      if (claimUpdates.length) {
        setClaims((current) => {
          const next = { ...current };
          for (const claim of claimUpdates) next[claim.leadId] = claim;
          return next;
        });
      }
    },
    [key, taskforceId],
  );

  const emitNow = useCallback((action: QueuedAction) => {
    const socket = socketRef.current;
    if (!socket) return action.resolve({ ok: false, error: { code: "OFFLINE", message: "Not connected." } });
    const timed = socket.timeout(ACK_TIMEOUT_MS) as unknown as {
      emit(event: string, payload: unknown, ack: (error: Error | null, response: Ack<unknown>) => void): void;
    };
    timed.emit(action.event, action.payload, (error, response) => {
      if (!error) return action.resolve(response);
      // No answer: the connection dropped (or the server took too long) after the action was sent, so it may
      // or may not be stored. An action with a clientEventId is safe to send again as it is: back into the
      // queue, sent once the room is joined again (at once if it still is); the server answers with the first
      // result if it was stored.
      const stillConnected = socket.connected;
      if (action.clientEventId && (!stillConnected || action.timeouts < MAX_TIMEOUT_RETRIES)) {
        if (stillConnected) action.timeouts += 1;
        if (joinedRef.current && stillConnected) return emitNow(action);
        queueRef.current = [...queueRef.current, action].sort((a, b) => a.order - b.order);
        setQueued(queueRef.current.length);
        return;
      }
      action.resolve({ ok: false, error: { code: "TIMEOUT", message: "No answer from the server; check the feed before trying again." } });
    });
  }, []);

  const flushQueue = useCallback(() => {
    const pending = queueRef.current.splice(0);
    setQueued(0);
    for (const action of pending) emitNow(action);
  }, [emitNow]);

  useEffect(() => {
    const progress = readProgress(key);
    setSeenEventId(progress.seenEventId ?? 0);
    // The page's shared connection (the top bar's notifications use it too): this hook adds its listeners and
    // takes them off again, and leaves the room rather than closing the connection.
    const socket: RoomSocket = acquireSocket();
    let active = true;
    socketRef.current = socket;

    const join = () => {
      const lastEventId = lastEventIdRef.current ?? undefined;
      socket.emit("room:join", { taskforceId, lastEventId }, (response) => {
        // Answered after the page left the room: leave it again (the connection stays for the rest of the page).
        if (!active) {
          if (response.ok) socket.emit("room:leave", { taskforceId }, () => undefined);
          return;
        }
        if (!response.ok) {
          joinedRef.current = false;
          setConnection("offline");
          setProblem(response.error.code === "NOT_FOUND" ? "You are not a member of this taskforce." : response.error.message);
          return;
        }
        const { data } = response;
        // A first visit: the backlog is history, not news.
        if (readProgress(key).seenEventId === undefined) {
          writeProgress(key, { ...readProgress(key), seenEventId: data.lastEventId });
          setSeenEventId(data.lastEventId);
        }
        addEvents(data.events);
        lastEventIdRef.current = Math.max(lastEventIdRef.current ?? 0, data.lastEventId);
        setPresence(sortPresence(data.presence));
        if (data.hasMore) return join();
        joinedRef.current = true;
        setProblem(null);
        setConnection("connected");
        flushQueue();
      });
    };

    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const onDisconnect = (reason: string) => {
      joinedRef.current = false;
      setConnection(navigator.onLine ? "reconnecting" : "offline");
      // The server dropped us (e.g. a session ended elsewhere): try once more; a dead session fails the handshake.
      if (reason === "io server disconnect") retryTimer = setTimeout(() => socket.connect(), 1_000);
    };
    const onConnectError = (error: Error) => {
      const code = (error as Error & { data?: { code?: string } }).data?.code;
      if (code === "UNAUTHENTICATED" || code === "ORIGIN_NOT_ALLOWED") {
        setConnection("offline");
        setProblem("Your session has ended. Sign in again to rejoin the room.");
      }
    };
    const onReconnectAttempt = (attempt: number) => setConnection(attempt > ATTEMPTS_BEFORE_OFFLINE || !navigator.onLine ? "offline" : "reconnecting");
    const onRoomEvent = (event: RoomFeedEvent) => addEvents([event]);
    const onPresence = (diff: PresenceDiff) => {
      if (diff.taskforceId === taskforceId) setPresence((current) => applyPresenceDiff(current, diff));
    };
    const onRevoked = (notice: { taskforceId: string }) => {
      if (notice.taskforceId !== taskforceId) return;
      joinedRef.current = false;
      setConnection("offline");
      setProblem("You are no longer a member of this taskforce.");
    };
    socket.on("connect", join);
    socket.on("disconnect", onDisconnect);
    socket.on("connect_error", onConnectError);
    socket.io.on("reconnect_attempt", onReconnectAttempt);
    for (const name of ROOM_EVENT_NAMES) socket.on(name as "lead:shared", onRoomEvent);
    socket.on("presence:diff", onPresence);
    socket.on("room:revoked", onRevoked);
    // Already connected for the top bar: join now (otherwise "connect" does).
    if (socket.connected) join();

    const goneOffline = () => setConnection("offline");
    const backOnline = () => {
      // The connection may have survived a short network loss: then the room is live again as it is.
      if (socket.connected && joinedRef.current) setConnection("connected");
      else if (!socket.connected) socket.connect();
    };
    window.addEventListener("offline", goneOffline);
    window.addEventListener("online", backOnline);
    return () => {
      window.removeEventListener("offline", goneOffline);
      window.removeEventListener("online", backOnline);
      active = false;
      clearTimeout(retryTimer);
      socket.off("connect", join);
      socket.off("disconnect", onDisconnect);
      socket.off("connect_error", onConnectError);
      socket.io.off("reconnect_attempt", onReconnectAttempt);
      for (const name of ROOM_EVENT_NAMES) socket.off(name as "lead:shared", onRoomEvent);
      socket.off("presence:diff", onPresence);
      socket.off("room:revoked", onRevoked);
      if (joinedRef.current && socket.connected) socket.emit("room:leave", { taskforceId }, () => undefined);
      releaseSocket(socket);
      socketRef.current = null;
      joinedRef.current = false;
    };
  }, [taskforceId, key, addEvents, flushQueue]);

  const send = useCallback(
    <E extends ClientEventName>(event: E, payload: Payload<E>): Promise<Ack<AckData<E>>> =>
      new Promise((resolve) => {
        // One key per user action, made here once: every retry of this action sends the same one.
        const given = (payload as { clientEventId?: string }).clientEventId;
        const clientEventId = isIdempotent(event) ? (given ?? newClientEventId()) : null;
        const action: QueuedAction = {
          event,
          payload: clientEventId ? { ...payload, clientEventId } : payload,
          clientEventId,
          order: (sendOrderRef.current += 1),
          timeouts: 0,
          resolve: resolve as (response: Ack<unknown>) => void,
        };
        if (joinedRef.current && socketRef.current?.connected) return emitNow(action);
        queueRef.current.push(action);
        setQueued(queueRef.current.length);
      }),
    [emitNow],
  );

  const markSeen = useCallback(() => {
    const latest = lastEventIdRef.current ?? 0;
    setSeenEventId(latest);
    writeProgress(key, { ...readProgress(key), seenEventId: latest });
  }, [key]);

  const newCount = feed.filter((event) => event.seq > seenEventId).length;
  return { connection, problem, feed, newCount, seenEventId, markSeen, presence, claims, queued, send };
}
