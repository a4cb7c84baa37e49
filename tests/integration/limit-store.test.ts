// The limit store in Redis: two stores on one Redis (as two nodes) count every kind of limit together, and a
// deployment with another key prefix counts apart. Needs Redis at 127.0.0.1:6379 (TEST_REDIS_URL).
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { delayAfter } from "~/auth/sign-in-throttle.server";
import { RedisLimitStore } from "~/utils/limit-store.server";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `cluebridge-test-${randomBytes(6).toString("hex")}:limits:`;
const nodeOne = new RedisLimitStore(REDIS_URL, prefix);
const nodeTwo = new RedisLimitStore(REDIS_URL, prefix);
const otherDeployment = new RedisLimitStore(REDIS_URL, `${prefix}other:`);

afterAll(async () => {
  await Promise.all([nodeOne.close(), nodeTwo.close(), otherDeployment.close()]);
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe("the Redis limit store", () => {
  it("counts a fixed window once for every node, and apart for another deployment", async () => {
    expect(await nodeOne.ready(2_000)).toBe(true);
    expect(await nodeTwo.ready(2_000)).toBe(true);
    expect((await nodeOne.fixedWindow("api:token:a", 60_000, 1)).count).toBe(1);
    expect((await nodeTwo.fixedWindow("api:token:a", 60_000, 1)).count).toBe(2);
    const looked = await nodeOne.fixedWindow("api:token:a", 60_000, 0);
    expect(looked.count).toBe(2);
    expect(looked.resetInMs).toBeGreaterThan(0);
    expect(looked.resetInMs).toBeLessThanOrEqual(60_000);
    expect((await otherDeployment.fixedWindow("api:token:a", 60_000, 1)).count).toBe(1);
  });

  it("holds back a sliding window filled from both nodes, on both", async () => {
    for (let i = 0; i < 3; i++) expect((await (i % 2 ? nodeTwo : nodeOne).slidingWindow("sign-in:address:x", 300_000, 4, true)).waitMs).toBe(0);
    const full = await nodeTwo.slidingWindow("sign-in:address:x", 300_000, 4, true);
    expect(full.count).toBe(4);
    expect(full.waitMs).toBeGreaterThan(299_000);
    expect((await nodeOne.slidingWindow("sign-in:address:x", 300_000, 4, false)).waitMs).toBeGreaterThan(299_000);
    expect((await otherDeployment.slidingWindow("sign-in:address:x", 300_000, 4, false)).count).toBe(0);
  });

  it("carries a run of failures and its delay across nodes", async () => {
    const day = 24 * 60 * 60 * 1000;
    for (let i = 1; i <= 4; i++) expect(await (i % 2 ? nodeOne : nodeTwo).failureRunAdd("sign-in:unknown-email:e", day, delayAfter)).toEqual({ failures: i, blockedForMs: 0 });
    expect(await nodeOne.failureRunWait("sign-in:unknown-email:e")).toBe(0);
    expect(await nodeTwo.failureRunAdd("sign-in:unknown-email:e", day, delayAfter)).toEqual({ failures: 5, blockedForMs: delayAfter(5) });
    const held = await nodeOne.failureRunWait("sign-in:unknown-email:e");
    expect(held).toBeGreaterThan(delayAfter(5) - 5_000);
    expect(held).toBeLessThanOrEqual(delayAfter(5));
  });
});
