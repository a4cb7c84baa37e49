// The messages between the benchmark runner and its client process (bench/socket-clients.ts), over Node IPC.
import type { Summary } from "./stats";

export type ClientCommand =
  | { kind: "connect"; url: string; tokens: string[]; concurrency: number; timeoutMs: number }
  | { kind: "join"; taskforceId: string; timeoutMs: number; onlyUnjoined: boolean; concurrency: number }
  | {
      kind: "fanout";
      leadId: string;
      /** Measured shares; with `warmup`, one unmeasured share goes first. */
      reps: number;
      warmup: boolean;
      timeoutMs: number;
      pauseMs: number;
      /** Tells this command's shares from any other's (a late receipt of an earlier command is not counted). */
      tag: string;
    }
  | { kind: "disconnect" }
  | { kind: "http"; url: string; headers: Record<string, string>; concurrency: number; durationMs: number; maxRequests: number; keepLastBody?: boolean; keepSamples?: boolean };

export interface ConnectResult {
  connected: number;
  failed: number;
  seconds: number;
  errors: Record<string, number>;
}

export interface JoinResult {
  attempted: number;
  ok: number;
  failed: number;
  /** First emit to the last acknowledgement (or timeout). */
  seconds: number;
  failures: Record<string, number>;
  latency: Summary;
  joinedTotal: number;
}

export interface FanoutResult {
  /** Receivers per share: the joined sockets other than the sender. */
  receivers: number;
  reps: number;
  /** emit→receipt over every receipt of every measured share, in ms. */
  latency: Summary;
  /** emit→last receipt per share, in ms. */
  completion: Summary;
  /**
   * emit→first receipt per share, in ms: what the server does before it broadcasts (the app: re-check, read and
   * commit; the bare server: nothing).
   */
  first: Summary;
  /** first→last receipt per share, in ms: the broadcast itself, the same work on both servers. */
  spread: Summary;
  missing: number;
  ackFailures: Record<string, number>;
  eventBytes: number;
  /** The first event heard, as received (the bare server broadcasts the app's own event: same shape, same bytes). */
  sampleEvent: Record<string, unknown> | null;
  /** Every sample behind `latency` and `completion`, so that the runner can pool several commands' shares. */
  samples: { latencies: number[]; completions: number[]; firsts: number[]; spreads: number[] };
}

export interface HttpResult {
  requests: number;
  ok: number;
  statuses: Record<string, number>;
  errors: number;
  seconds: number;
  rps: number;
  latency: Summary;
  bodyBytes: number;
  /** The last response's body, when the command asked for it (to check what a measured request answered). */
  lastBody?: string;
  /** Every request's latency in ms, when the command asked for them (to merge several runs' figures). */
  samples?: number[];
}

export type ClientRequest = ClientCommand & { id: number };
export type ClientReply = { id: number; result: unknown } | { id: number; error: string };
