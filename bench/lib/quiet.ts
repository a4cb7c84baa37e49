// Waiting for the machine to settle before a timed section. Both cores are shared by the app, PostgreSQL and the
// client processes: work left over from before (a test suite's last databases being dropped, a checkpoint, another
// program) lands on the app's figures more than on the bare server's, which touches no database. A quick run
// started right after `npm test` (load average 5.6) measured fan-out at 1.38; the same code on a quiet machine,
// 1.05-1.24 (2026-12-02).
import { readFileSync } from "node:fs";
import os from "node:os";
import { round } from "./stats";

/** Busy and total CPU time since boot, summed over every core (/proc/stat, in clock ticks). */
function cpuTimes(): { busy: number; total: number } | null {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are the time nothing ran.
    const idle = fields[3] + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** The share of all cores busy over the next `ms` (0-1), or null where /proc/stat cannot be read. */
async function busyShare(ms: number): Promise<number | null> {
  const before = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuTimes();
  if (!before || !after || after.total <= before.total) return null;
  return (after.busy - before.busy) / (after.total - before.total);
}

/** Quiet: under a tenth of one core busy, summed over all of them. */
const QUIET_CORES = 0.1;

export interface Settled {
  waitedSeconds: number;
  /** How many cores were busy over the last second (null where /proc/stat cannot be read). */
  busyCores: number | null;
  /** False when the wait gave up (or could not tell): the section was measured anyway. */
  quiet: boolean;
}

/** Waits until the machine has been quiet for two seconds running, at most `maxSeconds`. */
export async function settle(maxSeconds = 90): Promise<Settled> {
  const started = performance.now();
  const cores = os.cpus().length;
  let quietSeconds = 0;
  let busyCores: number | null = null;
  while ((performance.now() - started) / 1000 < maxSeconds) {
    const busy = await busyShare(1000);
    busyCores = busy === null ? null : busy * cores;
    if (busyCores === null) break;
    quietSeconds = busyCores < QUIET_CORES ? quietSeconds + 1 : 0;
    if (quietSeconds >= 2) break;
  }
  return {
    waitedSeconds: round((performance.now() - started) / 1000, 1),
    busyCores: busyCores === null ? null : round(busyCores, 2),
    quiet: busyCores !== null && busyCores < QUIET_CORES,
  };
}
