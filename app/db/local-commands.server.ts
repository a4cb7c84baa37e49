// How operator commands reach an embedded database that `npm start` is serving (decision 013): the serving
// process listens on a Unix socket in a directory only its OS user can open, speaks the PostgreSQL wire protocol
// there (commands connect with `pg`, as to a server) and answers backup requests on a second socket beside it.
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";

/** Where a serving process can be reached; written beside the data directory while it serves. */
export interface LocalServer {
  pid: number;
  /** Holds `.s.PGSQL.5432` (connect with pg as `host: socketDir`) and `control.sock` (backups). */
  socketDir: string;
}

export const PG_SOCKET_PORT = 5432;
const CONTROL_SOCKET = "control.sock";
/** Linux refuses Unix socket paths longer than 107 bytes; past this the sockets move to a private temp dir. */
const MAX_SOCKET_PATH = 100;

/**
 * How long one command may keep the database to itself (a transaction, or an extended-protocol exchange up to
 * its Sync) before it is rolled back and disconnected, so that the server's own requests never wait longer.
 */
export function commandHoldLimitMs(env: NodeJS.ProcessEnv = process.env) {
  const seconds = Number(env.LOCAL_COMMAND_HOLD_SECONDS ?? 10);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 10_000;
}

export function runDirFor(dataDir: string) {
  return path.join(dataDir, "..", `${path.basename(dataDir)}.commands`);
}

function whereFile(dataDir: string) {
  return path.join(runDirFor(dataDir), "where.json");
}

/** The live process serving `dataDir` to local commands, or null when none runs. */
export function findLocalServer(dataDir: string): LocalServer | null {
  let where: LocalServer;
  try {
    where = JSON.parse(fs.readFileSync(whereFile(dataDir), "utf8")) as LocalServer;
  } catch {
    return null;
  }
  if (!where.pid || where.pid === process.pid || !isAlive(where.pid)) return null;
  if (!fs.existsSync(path.join(where.socketDir, `.s.PGSQL.${PG_SOCKET_PORT}`))) return null;
  return where;
}

export function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// PostgreSQL wire-protocol constants (frontend messages that precede or replace a startup message).
const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const PROTOCOL_3 = 196608;
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, "utf8");
  const message = Buffer.alloc(5 + text.length);
  message.write("Q", 0, "latin1");
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

/**
 * Waits for PGlite's transaction lock and keeps it until the returned release is called. The app's own queries
 * and transactions take the same lock, so while a command holds it nothing of the app runs inside the
 * command's transaction, nor the command inside the app's.
 */
function takeDatabase(db: PGlite): Promise<() => void> {
  return new Promise((resolve) => {
    void db._runExclusiveTransaction(() => new Promise<void>((release) => resolve(release)));
  });
}

/** One command's connection: its messages run in order, each unit of work with the database to itself. */
class CommandConnection {
  private buffer = Buffer.alloc(0);
  private started = false;
  private queue: Promise<void> = Promise.resolve();
  private release: (() => void) | null = null;
  private holdTimer: NodeJS.Timeout | null = null;
  private tail = Buffer.alloc(0);
  private closed = false;

  constructor(
    private readonly db: PGlite,
    private readonly socket: net.Socket,
    private readonly holdLimitMs: number,
  ) {
    socket.on("data", (chunk) => this.receive(chunk));
    socket.on("error", () => this.close());
    socket.on("close", () => this.close());
  }

  /** Resolves once whatever the command left open is rolled back and the database is the app's again. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.socket.destroy();
      this.queue = this.queue.then(() => this.abandon());
    }
    return this.queue;
  }

  private receive(chunk: Buffer) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < (this.started ? 5 : 8)) return;
      if (!this.started) {
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        const message = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSS_REQUEST) this.socket.write("N");
        else if (code === PROTOCOL_3) {
          this.started = true;
          this.enqueue(new Uint8Array(message));
        } else return void this.close(); // a CancelRequest (PGlite has no other backend to signal), or unknown
        continue;
      }
      const length = 1 + this.buffer.readInt32BE(1);
      if (this.buffer.length < length) return;
      const message = new Uint8Array(this.buffer.subarray(0, length));
      this.buffer = this.buffer.subarray(length);
      if (message[0] === 0x58 /* X: Terminate */) return void this.close();
      this.enqueue(message);
    }
  }

  private enqueue(message: Uint8Array) {
    this.queue = this.queue.then(async () => {
      if (this.closed) return;
      if (!this.release) {
        this.release = await takeDatabase(this.db);
        this.holdTimer = setTimeout(() => {
          console.warn(`Local command held the embedded database for ${this.holdLimitMs / 1000} s: rolled back and disconnected.`);
          void this.close();
        }, this.holdLimitMs);
        if (this.closed) return; // closed while waiting: close() queued the hand-back already
      }
      this.tail = Buffer.alloc(0);
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(message, {
          onRawData: (data) => {
            this.tail = Buffer.concat([this.tail, Buffer.from(data)]).subarray(-6);
            if (!this.closed) this.socket.write(Buffer.from(data));
          },
        }),
      );
      // A unit of work ends where the database's answer ends in ReadyForQuery, idle ('Z', length 5, 'I'): after a
      // Sync, a simple query or the start-up exchange, outside any transaction. Until then the app waits.
      const idle = this.tail.length === 6 && this.tail[0] === 0x5a && this.tail.readInt32BE(1) === 5 && this.tail[5] === 0x49;
      if (idle && !this.db.isInTransaction()) this.handBack();
    });
    this.queue = this.queue.catch((error: Error) => {
      console.warn(`Local command connection failed: ${error.message}`);
      void this.close();
    });
  }

  private async abandon() {
    if (!this.release) return;
    try {
      await this.db.runExclusive(async () => {
        await this.db.execProtocolRaw(SYNC); // ends an extended-protocol exchange cut off before its Sync
        if (this.db.isInTransaction()) await this.db.execProtocolRaw(simpleQuery("ROLLBACK"));
      });
    } finally {
      this.handBack();
    }
  }

  private handBack() {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    const release = this.release;
    this.release = null;
    release?.();
  }
}

export interface LocalAccess {
  socketDir: string;
  close(): Promise<void>;
}

/**
 * Opens the serving process's embedded database to local commands. Only processes of the same OS user can
 * open the sockets (their directory is 0700). Returns once both sockets listen and where.json says where.
 */
export async function openLocalAccess(db: PGlite, dataDir: string, holdLimitMs = commandHoldLimitMs()): Promise<LocalAccess> {
  const runDir = runDirFor(dataDir);
  fs.rmSync(runDir, { recursive: true, force: true }); // left by a server that did not stop cleanly
  fs.mkdirSync(runDir, { mode: 0o700 });
  fs.chmodSync(runDir, 0o700);
  const pgSocketName = `.s.PGSQL.${PG_SOCKET_PORT}`;
  const tooLong = path.resolve(runDir, pgSocketName).length > MAX_SOCKET_PATH;
  const socketDir = tooLong ? fs.mkdtempSync(path.join(os.tmpdir(), "cluebridge-")) : path.resolve(runDir);

  const connections = new Set<CommandConnection>();
  const pgServer = net.createServer((socket) => {
    const connection = new CommandConnection(db, socket, holdLimitMs);
    connections.add(connection);
    socket.on("close", () => connections.delete(connection));
  });
  const controlServer = http.createServer((request, response) => void answerControl(db, request, response));
  await listen(pgServer, path.join(socketDir, pgSocketName));
  await listen(controlServer, path.join(socketDir, CONTROL_SOCKET));
  const where: LocalServer = { pid: process.pid, socketDir };
  fs.writeFileSync(whereFile(dataDir), JSON.stringify(where), { mode: 0o600 });

  return {
    socketDir,
    async close() {
      fs.rmSync(whereFile(dataDir), { force: true });
      const stopped = Promise.all([new Promise((done) => pgServer.close(done)), new Promise((done) => controlServer.close(done))]);
      controlServer.closeAllConnections();
      await Promise.all([...connections].map((connection) => connection.close()));
      await stopped;
      fs.rmSync(runDir, { recursive: true, force: true });
      if (tooLong) fs.rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

function listen(server: net.Server, socketPath: string) {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      fs.chmodSync(socketPath, 0o600);
      resolve();
    });
  });
}

/** `POST /backup`: the whole data directory as a gzipped tar, taken while no transaction is open. */
async function answerControl(db: PGlite, request: http.IncomingMessage, response: http.ServerResponse) {
  if (request.method !== "POST" || request.url !== "/backup") {
    response.writeHead(404).end();
    return;
  }
  try {
    const archive = await dumpEmbedded(db);
    response.writeHead(200, { "content-type": "application/gzip", "content-length": archive.length }).end(archive);
  } catch (error) {
    response.writeHead(500, { "content-type": "text/plain" }).end((error as Error).message);
  }
}

/** A consistent gzipped tar of an embedded database: checkpointed, with no transaction of anyone's open. */
export async function dumpEmbedded(db: PGlite): Promise<Buffer> {
  await db.waitReady; // the raw protocol calls below do not wait for a database opened a moment ago
  const release = await takeDatabase(db);
  try {
    await db.runExclusive(() => db.execProtocolRaw(simpleQuery("CHECKPOINT")));
    const archive = await db.dumpDataDir("gzip");
    return Buffer.from(await archive.arrayBuffer());
  } finally {
    release();
  }
}

/** Asks the process serving an embedded database (its socket directory) for a backup of it (see dumpEmbedded). */
export function requestBackup(socketDir: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const request = http.request({ socketPath: path.join(socketDir, CONTROL_SOCKET), method: "POST", path: "/backup" }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const body = Buffer.concat(chunks);
        if (response.statusCode === 200) resolve(body);
        else reject(new Error(`The serving process could not write the backup: ${body.toString("utf8") || response.statusCode}`));
      });
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end();
  });
}
