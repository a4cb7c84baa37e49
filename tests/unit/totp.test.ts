import { describe, expect, it } from "vitest";
import {
  base32Decode,
  base32Encode,
  generateRecoveryCodes,
  generateTotpSecret,
  groupSecret,
  hashRecoveryCode,
  hotp,
  matchTotp,
  timeStep,
  totpCode,
  totpUri,
} from "~/auth/totp.server";

// RFC 6238 appendix B: the seeds, and the 8-digit codes at each time for SHA-1, SHA-256 and SHA-512.
const SEEDS = {
  sha1: Buffer.from("12345678901234567890"),
  sha256: Buffer.from("12345678901234567890123456789012"),
  sha512: Buffer.from("1234567890123456789012345678901234567890123456789012345678901234"),
};
const VECTORS: [number, string, string, string][] = [
  [59, "94287082", "46119246", "90693936"],
  [1111111109, "07081804", "68084774", "25091201"],
  [1111111111, "14050471", "67062674", "99943326"],
  [1234567890, "89005924", "91819424", "93441116"],
  [2000000000, "69279037", "90698825", "38618901"],
  [20000000000, "65353130", "77737706", "47863826"],
];

describe("TOTP (RFC 6238)", () => {
  it.each(VECTORS)("matches the RFC 6238 test vectors at T=%i", (seconds, sha1, sha256, sha512) => {
    const step = timeStep(seconds * 1000);
    expect(hotp(SEEDS.sha1, step, 8, "sha1")).toBe(sha1);
    expect(hotp(SEEDS.sha256, step, 8, "sha256")).toBe(sha256);
    expect(hotp(SEEDS.sha512, step, 8, "sha512")).toBe(sha512);
  });

  it("gives the 6-digit SHA-1 code for a base32 secret (the last six digits of the RFC value)", () => {
    const secret = base32Encode(SEEDS.sha1);
    expect(secret).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    for (const [seconds, sha1] of VECTORS) expect(totpCode(secret, seconds * 1000)).toBe(sha1.slice(-6));
  });

  it("accepts the codes of one step either side of now, and no further", () => {
    const secret = base32Encode(SEEDS.sha1);
    const now = 1_111_111_111_000;
    const step = timeStep(now);
    expect(matchTotp(secret, totpCode(secret, now), { atMs: now })).toBe(step);
    expect(matchTotp(secret, totpCode(secret, now - 30_000), { atMs: now })).toBe(step - 1);
    expect(matchTotp(secret, totpCode(secret, now + 30_000), { atMs: now })).toBe(step + 1);
    expect(matchTotp(secret, totpCode(secret, now - 60_000), { atMs: now })).toBeNull();
    expect(matchTotp(secret, totpCode(secret, now + 60_000), { atMs: now })).toBeNull();
  });

  it("refuses a code for a step already used, or an earlier one (replay)", () => {
    const secret = base32Encode(SEEDS.sha1);
    const now = 1_234_567_890_000;
    const step = timeStep(now);
    expect(matchTotp(secret, totpCode(secret, now), { atMs: now, lastStep: step })).toBeNull();
    expect(matchTotp(secret, totpCode(secret, now - 30_000), { atMs: now, lastStep: step })).toBeNull();
    expect(matchTotp(secret, totpCode(secret, now + 30_000), { atMs: now, lastStep: step })).toBe(step + 1);
  });

  it("refuses anything that is not six digits", () => {
    const secret = generateTotpSecret();
    expect(matchTotp(secret, "")).toBeNull();
    expect(matchTotp(secret, "12345")).toBeNull();
    expect(matchTotp(secret, "abcdef")).toBeNull();
  });

  it("round-trips base32, ignoring case, spaces and padding", () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Encode(base32Decode(groupSecret(secret).toLowerCase()))).toBe(secret);
    expect(() => base32Decode("ABC1")).toThrow();
  });

  it("shows the secret grouped for typing and an otpauth:// URI as text", () => {
    expect(groupSecret("ABCDEFGHIJKL")).toBe("ABCD EFGH IJKL");
    expect(totpUri("GEZDGNBV", "a@b.example")).toBe(
      "otpauth://totp/Cluebridge%3Aa%40b.example?secret=GEZDGNBV&issuer=Cluebridge&algorithm=SHA1&digits=6&period=30",
    );
  });
});

describe("recovery codes", () => {
  it("issues ten distinct high-entropy codes", () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
  });

  it("hashes a code the same however it is typed", () => {
    expect(hashRecoveryCode("ABCDE-23456")).toBe(hashRecoveryCode(" abcde 23456 "));
    expect(hashRecoveryCode("abcde-23456")).toMatch(/^[0-9a-f]{64}$/);
  });
});
