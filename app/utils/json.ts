// Values as clients receive them over JSON (HTTP bodies, socket acks, stored room-event payloads).

/** The JSON form of T: dates become ISO strings, everything else keeps its shape. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

/** Rows as clients receive them: dates as ISO strings. */
export function jsonSafe<T>(value: T): Jsonified<T> {
  return JSON.parse(JSON.stringify(value)) as Jsonified<T>;
}
