// Percentiles over latency samples (nearest rank), in the unit the samples were taken.
export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { count: sorted.length, p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1]) };
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * A figure's ratio to its baseline: `exact` is what a target is judged on, `shown` the rounded value the record
 * prints (0.0105 must not pass as 0.01, nor 1.304 as 1.3). Both null without two finite figures and a baseline > 0.
 */
export function ratioOf(app: number | null | undefined, base: number | null | undefined, digits = 2): { exact: number | null; shown: number | null } {
  if (app === null || app === undefined || base === null || base === undefined || !Number.isFinite(app) || !Number.isFinite(base) || base <= 0) {
    return { exact: null, shown: null };
  }
  return { exact: app / base, shown: round(app / base, digits) };
}

/** The monotonic clock shared by every process on this machine (ms). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
