// One shared instance of a small immutable value that many long-lived objects hold: every open socket keeps its
// actor's taskforce ids and the names of the rooms it is in, and a thousand sockets of one taskforce held a
// thousand equal copies of each (idle-1000, bench/README.md).
export class InternPool<T> {
  private readonly values = new Map<string, T>();

  constructor(private readonly max: number) {}

  /** The value kept under `key`, made (and kept) the first time. */
  get(key: string, make: () => T): T {
    let value = this.values.get(key);
    if (value === undefined) {
      // Bounded: past the limit the pool starts afresh; values already handed out stay valid, only unshared.
      if (this.values.size >= this.max) this.values.clear();
      value = make();
      this.values.set(key, value);
    }
    return value;
  }
}

const strings = new InternPool<string>(50_000);

/** The one kept copy of a string built again and again (a room name). */
export function internString(value: string): string {
  return strings.get(value, () => value);
}
