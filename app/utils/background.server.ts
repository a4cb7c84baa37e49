// Work a process repeats in the background (the audit sealer, the correlation backfill): one pass at a time.

export interface BackgroundLoop {
  /** Ends the loop; resolves once a pass under way has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` now, then again `intervalMs` after each pass settles (never two at once), until a pass answers
 * "done" or stop() is called. A pass that throws is reported through `onError` and run again at the next turn.
 */
export function repeatInBackground(pass: () => Promise<"again" | "done">, intervalMs: number, onError: (error: unknown) => void): BackgroundLoop {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const turn = () => {
    current = (async () => {
      try {
        if ((await pass()) === "done") return;
      } catch (error) {
        onError(error);
      }
      if (!stopped) timer = setTimeout(turn, intervalMs).unref();
    })();
  };
  turn();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
