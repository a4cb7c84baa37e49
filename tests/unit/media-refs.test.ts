import { describe, expect, it } from "vitest";
import { pseudoRandomBytes } from "../helpers/encoded-bytes";
import { MAX_MEDIA_REFS_PER_CLUE, MAX_PHOTODNA_REFS_PER_CLUE, mediaRefSchema, mediaRefsSchema } from "../../app/validation/clue";

const SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
/** The first 384 bytes of a small JPEG: header, zero-padded tables, then scan data. */
const JPEG_START = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x01, 0x00, 0x48, 0x00, 0x48, 0x00, 0x00]),
  Buffer.from([0xff, 0xdb, 0x00, 0x43, 0x00, 0x08, 0x06, 0x06, 0x07, 0x06, 0x05, 0x08, 0x07, 0x07, 0x07, 0x09, 0x09, 0x08, 0x0a, 0x0c]),
  pseudoRandomBytes(344, 5),
]).toString("hex");

const valueIssue = (ref: { algorithm: string; value: string }): string | undefined => {
  const result = mediaRefSchema.safeParse(ref);
  return result.success ? undefined : result.error.issues[0]?.message;
};

describe("media reference values are ids, not carriers", () => {
  it("accepts real-looking ids of every algorithm", () => {
    for (const ref of [
      { algorithm: "MD5", value: pseudoRandomBytes(16, 1).toString("hex") },
      { algorithm: "SHA1", value: pseudoRandomBytes(20, 2).toString("hex") },
      { algorithm: "SHA256", value: SHA256.toUpperCase() },
      { algorithm: "SHA512", value: pseudoRandomBytes(64, 3).toString("hex") },
      { algorithm: "PHOTODNA", value: pseudoRandomBytes(144, 4).toString("hex") },
      { algorithm: "AGENCY", value: "NL-2026-0042" },
      { algorithm: "agency", value: "icse-00012345" },
      { algorithm: "AGENCY", value: "NCMEC-CT-99812" },
      { algorithm: "AGENCY", value: "PL-KGP-AB12CD34-7" },
    ]) {
      expect(valueIssue(ref), `${ref.algorithm}:${ref.value}`).toBeUndefined();
    }
  });

  it("stores AGENCY ids upper-case, so a base62 payload cannot keep its case", () => {
    expect(mediaRefSchema.parse({ algorithm: "AGENCY", value: "icse-00012345" }).value).toBe("ICSE-00012345");
  });

  it("refuses AGENCY ids that carry base62 or random base36", () => {
    const base62 = "aZ9kQ2mX7pL4vB8nR3tY6wE1sD5fG0hJcUiOo";
    expect(valueIssue({ algorithm: "AGENCY", value: base62 })).toMatch(/letter prefix/);
    expect(valueIssue({ algorithm: "AGENCY", value: "X".repeat(4) + "-" + "A1".repeat(30) })).toMatch(/letter prefix/);
    expect(valueIssue({ algorithm: "AGENCY", value: "KGP-4F7Q2Z9X1M8K3B6W" })).toMatch(/does not look like a hash id/);
  });

  it("refuses a digest that opens with a file signature or holds file zero runs", () => {
    expect(valueIssue({ algorithm: "SHA512", value: JPEG_START.slice(0, 128) })).toMatch(/does not look like a hash id/);
    expect(valueIssue({ algorithm: "SHA256", value: `0000000000000000${pseudoRandomBytes(24, 9).toString("hex")}` })).toMatch(/does not look like a hash id/);
    expect(valueIssue({ algorithm: "PHOTODNA", value: JPEG_START.slice(0, 288) })).toMatch(/does not look like a hash id/);
  });
});

describe("media references per clue", () => {
  const refs = (count: number, algorithm = "SHA256", bytes = 32) =>
    Array.from({ length: count }, (_, i) => ({ algorithm, value: pseudoRandomBytes(bytes, 100 + i).toString("hex") }));

  it(`accepts up to ${MAX_MEDIA_REFS_PER_CLUE} references and refuses more, saying how many`, () => {
    expect(mediaRefsSchema.safeParse(refs(MAX_MEDIA_REFS_PER_CLUE)).success).toBe(true);
    const result = mediaRefsSchema.safeParse(refs(MAX_MEDIA_REFS_PER_CLUE + 1));
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0]?.message).toBe(`At most ${MAX_MEDIA_REFS_PER_CLUE} media references per clue; refer to a series by its AGENCY id.`);
  });

  it(`accepts ${MAX_PHOTODNA_REFS_PER_CLUE} PhotoDNA hashes and refuses more (six held a small JPEG)`, () => {
    expect(mediaRefsSchema.safeParse(refs(MAX_PHOTODNA_REFS_PER_CLUE, "PHOTODNA", 144)).success).toBe(true);
    const result = mediaRefsSchema.safeParse(refs(6, "PHOTODNA", 144));
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0]?.message).toMatch(/At most 2 PhotoDNA hashes per clue/);
  });

  it("refuses file data cut into several digests even when each alone passes", () => {
    // Quantisation tables and byte stuffing leave zero bytes through a JPEG: here one in 16, four per SHA-512.
    const fileBytes = Buffer.from(pseudoRandomBytes(256, 21).map((byte, i) => (i % 16 === 7 ? 0 : byte === 0 ? 1 : byte)));
    const pieces = [0, 1, 2, 3].map((i) => ({ algorithm: "SHA512", value: fileBytes.subarray(i * 64, (i + 1) * 64).toString("hex") }));
    for (const ref of pieces) expect(valueIssue(ref)).toBeUndefined();
    const result = mediaRefsSchema.safeParse(pieces);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0]?.message).toMatch(/does not look like a hash id/);
  });

  it("reads the references textarea, one ALGORITHM:value per line", () => {
    const lines = refs(3).map((ref) => `SHA256:${ref.value}`).join("\n");
    expect(mediaRefsSchema.parse(`${lines}\nAGENCY:NL-2026-0042`)).toHaveLength(4);
  });
});
