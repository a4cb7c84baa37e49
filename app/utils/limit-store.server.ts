// The counters behind every rate limit (the API's per identity, sign-in's per address and per unknown email):
// in process memory, or in Redis when REDIS_URL is set, so that every app node counts against one limit instead
// of each keeping its own. A Redis failure is never a refusal and never a 500: the check is counted in this
// node's memory instead, so limits still hold per node while Redis is away (decision 014).
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { singleton } from "./singleton.server";

/** A fixed window's count after this check, and how long until the window ends. */
export interface WindowCount {
  count: number;
  resetInMs: number;
}

/** A sliding window's count after this check, and how long until it is under `limit` again (0: it is now). */
export interface SlidingCount {
  count: number;
  waitMs: number;
}

/** A run of failures in a row: how many, and how long the client is held back for (0: not now). */
export interface FailureRun {
  failures: number;
  blockedForMs: number;
}

export interface LimitStore {
  readonly kind: "memory" | "redis";
  /** Adds `add` (0: only look) to `key`'s count in its current `windowMs` window. One round trip. */
  fixedWindow(key: string, windowMs: number, add: 0 | 1): Promise<WindowCount>;
  /** Adds one hit now (unless only looking) and counts the hits of the last `windowMs`. One round trip. */
  slidingWindow(key: string, windowMs: number, limit: number, add: boolean): Promise<SlidingCount>;
  /** How long the run under `key` holds its client back now. One round trip. */
  failureRunWait(key: string): Promise<number>;
  /** One more failure in the run (forgotten `memoryMs` after its last failure), held back for `delayAfter(failures)`. */
  failureRunAdd(key: string, memoryMs: number, delayAfter: (failures: number) => number): Promise<FailureRun>;
  /** Forgets every counter whose key starts with `prefix` (tests; memory only). */
  clear(prefix: string): void;
  /** Resolves once the store can answer (Redis connected), or after `timeoutMs` whatever happened. */
  ready(timeoutMs: number): Promise<boolean>;
  /** Answers a PING within `timeoutMs` (readiness). */
  ping(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

const MAX_TRACKED = 10_000;

export class MemoryLimitStore implements LimitStore {
  readonly kind = "memory" as const;
  private readonly windows = new Map<string, { endsAt: number; count: number }>();
  private readonly hits = new Map<string, number[]>();
  private readonly runs = new Map<string, { failures: number; lastAt: number; blockedUntil: number; memoryMs: number }>();

  async fixedWindow(key: string, windowMs: number, add: 0 | 1, now = Date.now()): Promise<WindowCount> {
    let window = this.windows.get(key);
    if (!window || now >= window.endsAt) {
      if (this.windows.size >= MAX_TRACKED) for (const [k, w] of this.windows) if (now >= w.endsAt) this.windows.delete(k);
      window = { endsAt: now + windowMs, count: 0 };
      this.windows.set(key, window);
    }
    window.count += add;
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  async slidingWindow(key: string, windowMs: number, limit: number, add: boolean, now = Date.now()): Promise<SlidingCount> {
    const kept = (this.hits.get(key) ?? []).filter((at) => now - at < windowMs);
    if (add) kept.push(now);
    if (kept.length) {
      if (!this.hits.has(key) && this.hits.size >= MAX_TRACKED) this.hits.clear();
      this.hits.set(key, kept);
    } else this.hits.delete(key);
    const waitMs = kept.length >= limit ? Math.max(1, kept[kept.length - limit] + windowMs - now) : 0;
    return { count: kept.length, waitMs };
  }

  async failureRunWait(key: string, now = Date.now()): Promise<number> {
    const run = this.runs.get(key);
    return run ? Math.max(0, run.blockedUntil - now) : 0;
  }

  async failureRunAdd(key: string, memoryMs: number, delayAfter: (failures: number) => number, now = Date.now()): Promise<FailureRun> {
    const run = this.runs.get(key);
    const failures = run && now - run.lastAt < memoryMs ? run.failures + 1 : 1;
    const blockedForMs = delayAfter(failures);
    if (!run && this.runs.size >= MAX_TRACKED) for (const [k, r] of this.runs) if (now - r.lastAt >= r.memoryMs) this.runs.delete(k);
    this.runs.set(key, { failures, lastAt: now, blockedUntil: now + blockedForMs, memoryMs });
    return { failures, blockedForMs };
  }

  clear(prefix: string): void {
    for (const map of [this.windows, this.hits, this.runs] as Map<string, unknown>[]) {
      for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
    }
  }

  async ready(): Promise<boolean> {
    return true;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}

// Each script is one round trip (EVALSHA; ioredis falls back to EVAL once if Redis has not seen it yet), and
// atomic, so two nodes counting the same key at once never lose a count.
const FIXED_WINDOW = `
local count
if ARGV[2] == '1' then count = redis.call('INCR', KEYS[1]) else count = tonumber(redis.call('GET', KEYS[1]) or '0') end
local ttl = redis.call('PTTL', KEYS[1])
if count > 0 and ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
if ttl < 0 then ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

// Hits are scored by the checking node's clock (nodes are assumed NTP-synchronised; a skew of a second or two
// moves a five-minute window by as much).
const SLIDING_WINDOW = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if ARGV[4] == '1' then
  redis.call('ZADD', KEYS[1], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[1], window)
end
local count = redis.call('ZCARD', KEYS[1])
local wait = 0
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  wait = math.max(1, tonumber(oldest[2]) + window - now)
end
return {count, wait}`;

// A run is a counter that expires `memoryMs` after its last failure; the hold-back is a second key that expires
// when the delay ends, so no node's clock is involved.
const FAILURE_RUN_ADD = `
local failures = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return failures`;

const FAILURE_RUN_WAIT = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return 0 end
return ttl`;

interface LimitScripts {
  fixedWindow(key: string, windowMs: number, add: number): Promise<[number, number]>;
  slidingWindow(key: string, now: number, windowMs: number, limit: number, add: string, member: string): Promise<[number, number]>;
  failureRunAdd(key: string, memoryMs: number): Promise<number>;
  failureRunWait(key: string): Promise<number>;
}

/** How long a limit check waits for Redis before counting in memory instead: a hung Redis must not hold requests. */
export const REDIS_COMMAND_TIMEOUT_MS = 250;

export class RedisLimitStore implements LimitStore {
  readonly kind = "redis" as const;
  private readonly redis: Redis & LimitScripts;
  private readonly fallback = new MemoryLimitStore();
  private failing = false;

  constructor(
    url: string,
    /** Per deployment, so two installations sharing a Redis never share a count. */
    private readonly prefix: string,
  ) {
    this.redis = new Redis(url, {
      // Fail at once while disconnected rather than queue: the caller counts in memory instead.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    }) as Redis & LimitScripts;
    this.redis.on("error", (error: Error) => this.redisFailed(error));
    this.redis.defineCommand("fixedWindow", { numberOfKeys: 1, lua: FIXED_WINDOW });
    this.redis.defineCommand("slidingWindow", { numberOfKeys: 1, lua: SLIDING_WINDOW });
    this.redis.defineCommand("failureRunAdd", { numberOfKeys: 1, lua: FAILURE_RUN_ADD });
    this.redis.defineCommand("failureRunWait", { numberOfKeys: 1, lua: FAILURE_RUN_WAIT });
  }

  /** Said once per outage, as a warning: the limits still hold, per node. */
  private redisFailed(error: Error): void {
    if (this.failing) return;
    this.failing = true;
    console.warn(`[limits] Redis unavailable (${error.message}): rate limits are counted per node until it is back`);
  }

  private async tryRedis<T>(viaRedis: () => Promise<T>, inMemory: () => Promise<T>): Promise<T> {
    try {
      const result = await viaRedis();
      if (this.failing) {
        this.failing = false;
        console.warn("[limits] Redis is back: rate limits are shared by every node again");
      }
      return result;
    } catch (error) {
      this.redisFailed(error as Error);
      return inMemory();
    }
  }

  async fixedWindow(key: string, windowMs: number, add: 0 | 1): Promise<WindowCount> {
    return this.tryRedis(
      async () => {
        const [count, resetInMs] = await this.redis.fixedWindow(this.prefix + key, windowMs, add);
        return { count, resetInMs };
      },
      () => this.fallback.fixedWindow(key, windowMs, add),
    );
  }

  async slidingWindow(key: string, windowMs: number, limit: number, add: boolean): Promise<SlidingCount> {
    const now = Date.now();
    return this.tryRedis(
      async () => {
        const member = add ? `${now}:${randomBytes(6).toString("base64url")}` : "";
        const [count, waitMs] = await this.redis.slidingWindow(this.prefix + key, now, windowMs, limit, add ? "1" : "0", member);
        return { count, waitMs };
      },
      () => this.fallback.slidingWindow(key, windowMs, limit, add, now),
    );
  }

  async failureRunWait(key: string): Promise<number> {
    return this.tryRedis(
      () => this.redis.failureRunWait(`${this.prefix}${key}:held`),
      () => this.fallback.failureRunWait(key),
    );
  }

  async failureRunAdd(key: string, memoryMs: number, delayAfter: (failures: number) => number): Promise<FailureRun> {
    return this.tryRedis(
      async () => {
        const failures = await this.redis.failureRunAdd(this.prefix + key, memoryMs);
        const blockedForMs = delayAfter(failures);
        if (blockedForMs > 0) await this.redis.set(`${this.prefix}${key}:held`, "1", "PX", blockedForMs);
        return { failures, blockedForMs };
      },
      () => this.fallback.failureRunAdd(key, memoryMs, delayAfter),
    );
  }

  clear(prefix: string): void {
    this.fallback.clear(prefix);
  }

  async ready(timeoutMs: number): Promise<boolean> {
    if (this.redis.status === "ready") return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.redis.off("ready", onReady);
        this.redis.off("error", onError);
        resolve(ok);
      };
      const onReady = () => done(true);
      const onError = () => done(false);
      this.redis.on("ready", onReady);
      this.redis.on("error", onError);
    });
  }

  async ping(timeoutMs: number): Promise<boolean> {
    try {
      return (await withTimeout(this.redis.ping(), timeoutMs)) === "PONG";
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** REDIS_KEY_PREFIX (default "cluebridge"), so that deployments sharing one Redis keep apart. */
export function redisKeyPrefix(env: NodeJS.ProcessEnv = process.env): string {
  return `${env.REDIS_KEY_PREFIX || "cluebridge"}:limits:`;
}

const holder = singleton("limitStore", () => ({ store: new MemoryLimitStore() as LimitStore }));

/** The process's limit store (both module graphs share it). In memory until the server configures Redis. */
export function limitStore(): LimitStore {
  return holder.store;
}

/**
 * Called once by the server at start: Redis when `redisUrl` is given, else memory. Waits briefly for Redis so the
 * first requests are shared too; if it is not there, the server starts anyway and counts per node meanwhile.
 */
export async function configureLimitStore(redisUrl: string | undefined, prefix = redisKeyPrefix()): Promise<LimitStore> {
  holder.store = redisUrl ? new RedisLimitStore(redisUrl, prefix) : new MemoryLimitStore();
  await holder.store.ready(2_000);
  return holder.store;
}

/** The server that configured `store` is stopping: close it, and count in memory again if it is still the one in use. */
export async function releaseLimitStore(store: LimitStore): Promise<void> {
  if (holder.store === store) holder.store = new MemoryLimitStore();
  await store.close();
}
