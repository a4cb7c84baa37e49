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

/** A registered symbol: the server's module graph and the Remix build's each have their own JsonText class. */
const JSON_TEXT_MARK: unique symbol = Symbol.for("cluebridge.jsonText") as never;

/**
 * JSON already written, by PostgreSQL (decision 027): the API sends its text as it is, never parsed into objects
 * and stringified again. Anything else that stringifies it (a Remix Response.json) gets the same value.
 */
export class JsonText {
  readonly [JSON_TEXT_MARK] = true;

  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** The text of a JsonText (from either module graph), or null for any other value. */
export function jsonTextOf(value: unknown): string | null {
  return typeof value === "object" && value !== null && (value as Partial<JsonText>)[JSON_TEXT_MARK] === true ? (value as JsonText).text : null;
}
