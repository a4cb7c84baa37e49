// Process warnings assessed and found to say nothing anyone running Cluebridge can act on. Every other warning
// still prints. Installed by `npm start`, the bench and the test workers alike, so that what they print is theirs.

/**
 * Decision 025: Prisma's pg adapter can queue one transaction's queries on its client, and pg 8.19+ warns that
 * pg 9 will drop that queue. pg is pinned at 8.x, where queued queries run in order on the same connection.
 */
const ASSESSED = ["Calling client.query() when the client is already executing a query"];

const INSTALLED = Symbol.for("cluebridge.assessedWarningsSilenced");

export function silenceAssessedWarnings(): void {
  // Once per process: a test worker may evaluate its setup file again for each file it runs.
  const marked = process as unknown as Record<symbol, boolean>;
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = String(warning instanceof Error ? warning.message : warning);
    if (ASSESSED.some((assessed) => text.startsWith(assessed))) return;
    (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}
