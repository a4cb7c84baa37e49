// One wrapper for every client event: refuse binary, rate-limit, refuse unstorable characters and media, validate
// with zod, re-check the user (beside the work, on a server database), run the model, and always answer the ack
// with { ok, data } or { ok: false, error }. Never throws.
import type { z, ZodType } from "zod";
import type { Actor } from "~/auth/permissions.server";
import { getDatabase } from "~/db.server";
import type { CreateOptions } from "~/models/changes.server";
import { AppError, RateLimitedError, UnauthenticatedError, ValidationError, errorBody } from "~/utils/errors.server";
import { parseInput } from "~/utils/forms.server";
import { findInvalidCodePoint } from "~/validation/code-points";
import { findMediaInValue } from "~/validation/text-only";
import type { Ack, AckCallback, AckError, ClientEventName, ClientToServerEvents } from "~/realtime/protocol";
import { currentActor, rechecking, sameAccess, stateOf } from "./auth";
import type { Realtime } from "./realtime";
import type { RealtimeSocket } from "./types";

export type AckDataOf<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[1] extends AckCallback<infer T> ? T : never;

export interface HandlerContext {
  socket: RealtimeSocket;
  actor: Actor;
  realtime: Realtime;
}

/**
 * What a client sends by itself after every reconnect: not a sign that the user is there, so these do not renew
 * the session's idle deadline; every other event is something the user did, and renews it as a page request does.
 */
const AUTOMATIC_EVENTS: ReadonlySet<ClientEventName> = new Set(["room:join", "room:leave"]);

const BINARY_MESSAGE = "Cluebridge is text-only: binary attachments are refused. Refer to media by its hash identifier.";

function containsBinary(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== "object" || depth > 32) return false;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return true;
  if (typeof Blob !== "undefined" && value instanceof Blob) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => containsBinary(child, depth + 1));
}

function ackErrorOf(error: unknown): AckError {
  if (error instanceof AppError) return errorBody(error) as AckError;
  console.error("[realtime] handler failed", error);
  return { code: "INTERNAL", message: "Something went wrong and nothing was saved. Try again." };
}

/** A socket create's idempotency key (`clientEventId`), as the models take it. */
export function socketCreate(clientEventId: string | undefined): CreateOptions {
  return { idempotencyKey: clientEventId, keyField: "clientEventId" };
}

type Run<E extends ClientEventName, S extends ZodType> = (context: HandlerContext, input: z.output<S>) => Promise<AckDataOf<E>>;
interface Handler {
  schema: ZodType;
  run: (context: HandlerContext, input: unknown) => Promise<unknown>;
  /** The event's write holds the re-check as a condition (decision 033): the re-check starts after it. */
  recheckAfterWrite?: boolean;
}

/**
 * The client events, declared once per server; each socket gets one dispatcher (onAny), not a listener per event:
 * a thousand idle sockets cost no more than the connections themselves.
 */
export class SocketHandlers {
  private readonly table = new Map<string, Handler>();

  /** Re-check a user's event beside its work (a server database), or before it (the embedded one). */
  private readonly concurrentRecheck = getDatabase().kind === "postgres";

  constructor(private readonly realtime: Realtime) {}

  /** Declares `event`: its payload is parsed once with `schema`, and `run` gets the typed input. */
  on<E extends ClientEventName, S extends ZodType>(event: E, schema: S, run: Run<E, S>, options: { recheckAfterWrite?: boolean } = {}): void {
    this.table.set(event, { schema, run: run as Handler["run"], ...options });
  }

  attach(socket: RealtimeSocket): void {
    socket.onAny((event: string, ...args: unknown[]) => void this.dispatch(socket, event, args));
  }

  private async dispatch(socket: RealtimeSocket, event: string, args: unknown[]): Promise<void> {
    const ack = args[args.length - 1];
    // Without an acknowledgement callback there is nobody to answer: ignored, and nothing is written.
    if (typeof ack !== "function") return;
    let answered = false;
    const respond = (response: Ack<unknown>) => {
      if (answered) return;
      answered = true;
      (ack as (response: Ack<unknown>) => void)(response);
      // The answer is written first, then the connection of a credential found ended is closed.
      if (stateOf(socket)?.credentialEnded) socket.disconnect(true);
    };
    try {
      const handler = this.table.get(event);
      if (!handler) throw new AppError("UNKNOWN_EVENT", 404, `There is no client event "${event.slice(0, 64)}"; see docs/realtime-protocol.md.`);
      const payloads = args.slice(0, -1);
      if (containsBinary(payloads)) {
        respond({ ok: false, error: { code: "BINARY_REFUSED", message: BINARY_MESSAGE } });
        return;
      }
      const state = stateOf(socket);
      if (!state) throw new UnauthenticatedError();
      if (!state.bucket.take()) throw new RateLimitedError("Too many events from this connection. Slow down and try again in a moment.", 1);
      if (payloads.length !== 1) throw new ValidationError({ _form: ["Send exactly one payload object, then the acknowledgement callback."] });
      const payload = payloads[0];
      // NUL and its kind would reach PostgreSQL and fail there: refused here, for every event, naming the field.
      const invalid = findInvalidCodePoint(payload);
      if (invalid) throw new ValidationError({ [invalid.path.join(".") || "_form"]: [invalid.message] });
      const media = findMediaInValue(payload);
      if (media) throw new ValidationError({ [media.path.join(".") || "_form"]: [media.message] });
      const input = parseInput(handler.schema, payload);
      const data = AUTOMATIC_EVENTS.has(event as ClientEventName) ? await this.runAsSnapshot(socket, handler, input) : await this.runRechecked(socket, handler, input);
      respond({ ok: true, data });
    } catch (error) {
      respond({ ok: false, error: ackErrorOf(error) });
    }
  }

  /** Joining and leaving are reads the browser sends by itself: the fresh snapshot serves them. */
  private async runAsSnapshot(socket: RealtimeSocket, handler: Handler, input: unknown): Promise<unknown> {
    const actor = await currentActor(socket);
    if (!actor) throw new UnauthenticatedError("Your session has ended. Sign in again.");
    return handler.run({ socket, actor, realtime: this.realtime }, input);
  }

  /**
   * Everything the user did: run as the snapshot while the re-check runs (see `rechecking`). A refusal or a
   * rollback on a snapshot the re-check found different is not the answer: the event runs again as the actor
   * the database has now, as if the check had come first.
   */
  private async runRechecked(socket: RealtimeSocket, handler: Handler, input: unknown): Promise<unknown> {
    const checked = await rechecking(socket, this.concurrentRecheck, { afterWrite: handler.recheckAfterWrite });
    if (!checked) throw new UnauthenticatedError("Your session has ended. Sign in again.");
    const { actor } = checked;
    try {
      const data = await handler.run({ socket, actor, realtime: this.realtime }, input);
      await actor.confirmed;
      return data;
    } catch (error) {
      if (!actor.confirmed || !(error instanceof AppError)) throw error;
      const fresh = await checked.fresh();
      if (!fresh) throw new UnauthenticatedError("Your session has ended. Sign in again.");
      if (sameAccess(fresh, actor)) throw error;
      return handler.run({ socket, actor: fresh, realtime: this.realtime }, input);
    }
  }
}
