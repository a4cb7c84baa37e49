// Per-socket token bucket: a steady rate with a burst allowance, so a misbehaving client cannot flood the node.
export class TokenBucket {
  private tokens: number;
  private refilledAt = Date.now();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.ratePerSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** REALTIME_EVENTS_PER_SECOND (default 20) and REALTIME_EVENT_BURST (default 40). */
export function socketRateLimit(env: NodeJS.ProcessEnv = process.env): { ratePerSecond: number; burst: number } {
  const positive = (value: string | undefined, fallback: number) => {
    const number = Number(value);
    return Number.isFinite(number) && number > 0 ? number : fallback;
  };
  return { ratePerSecond: positive(env.REALTIME_EVENTS_PER_SECOND, 20), burst: positive(env.REALTIME_EVENT_BURST, 40) };
}
