// What a user may do has changed: a token revoked, the account suspended or re-roled, a membership added or
// removed, sessions ended. Whatever holds a user's grant in memory (the API's token grants,
// app/models/tokens.server.ts) listens here and drops it, on this node at once and on the others through the
// realtime layer's adapter (server/socket/index.ts relays what happened here and replays what happened there).
import { singleton } from "~/utils/singleton.server";

export interface AccessChange {
  userId: string;
  /** Only this personal access token (its stored hash) changed; absent: everything of the user's. */
  tokenHash?: string;
}

/** `here` is true for a change made on this node (to be relayed), false for one relayed from another node. */
type AccessChangeListener = (change: AccessChange, here: boolean) => void;
const listeners = singleton("accessChangeListeners", () => new Set<AccessChangeListener>());

export function onAccessChange(listener: AccessChangeListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Call after the change has committed (a reader in between would cache the old grant again). */
export function announceAccessChange(change: AccessChange, { here = true }: { here?: boolean } = {}): void {
  for (const listener of listeners) listener(change, here);
}
