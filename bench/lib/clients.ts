// The runner's handle on the client process: one forked `node --import tsx bench/socket-clients.ts`, asked to do one
// bounded thing at a time. A request that outlives its bound kills the process, so a benchmark always ends.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { ClientCommand, ClientReply, ConnectResult, FanoutResult, HttpResult, JoinResult } from "./protocol";

type ResultOf<K extends ClientCommand["kind"]> = K extends "connect"
  ? ConnectResult
  : K extends "join"
    ? JoinResult
    : K extends "fanout"
      ? FanoutResult
      : K extends "http"
        ? HttpResult
        : { closed: number };

export class ClientProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (reply: ClientReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if ("error" in reply) waiting.reject(new Error(reply.error));
      else waiting.resolve(reply.result);
    });
    child.on("exit", (code, signal) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`client process exited (${signal ?? code})`));
      this.pending.clear();
    });
  }

  static start(): ClientProcess {
    const script = path.join(process.cwd(), "bench", "socket-clients.ts");
    return new ClientProcess(fork(script, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  }

  /** Sends one command; rejects (and kills the process) when no reply comes within `boundMs`. */
  request<K extends ClientCommand["kind"]>(command: Extract<ClientCommand, { kind: K }>, boundMs: number): Promise<ResultOf<K>> {
    const id = this.nextId++;
    return new Promise<ResultOf<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.child.kill("SIGKILL");
        reject(new Error(`client process gave no answer to "${command.kind}" within ${Math.round(boundMs / 1000)} s`));
      }, boundMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as ResultOf<K>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ ...command, id });
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
