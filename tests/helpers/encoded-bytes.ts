// Test data for the text-only guard: bytes that look like compressed media or digests, and ascii85 of them.

/** Deterministic pseudo-random bytes: compressed image data and real digests look like this. */
export function pseudoRandomBytes(length: number, seed = 20240512): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = (x >>> 16) & 0xff;
  }
  return out;
}

/** ascii85 of the bytes without the "<~ ~>" delimiters (groups of four bytes as five characters from "!"). */
export function ascii85Body(bytes: Buffer): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4) {
    let value = 0;
    for (let j = 0; j < 4; j++) value = value * 256 + (bytes[i + j] ?? 0);
    const group: string[] = [];
    for (let j = 0; j < 5; j++) {
      group.unshift(String.fromCharCode(33 + (value % 85)));
      value = Math.floor(value / 85);
    }
    out += group.join("");
  }
  return out;
}
