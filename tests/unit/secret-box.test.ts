import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  SecretKeyError,
  generateSecretKeyText,
  openSecret,
  parseSecretKey,
  pendingKeyFileOf,
  resolveSecretKeys,
  sealSecret,
  sealedKeyId,
  secretKeyFileFor,
  signWithKey,
} from "~/auth/secret-box.server";

const SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const keyA = parseSecretKey(generateSecretKeyText());
const keyB = parseSecretKey(generateSecretKeyText());
const root = fs.mkdtempSync(path.join(os.tmpdir(), "cluebridge-secret-box-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const envOf = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

describe("secret box", () => {
  it("round-trips a secret, names its key, and never stores the plaintext or the same ciphertext twice", () => {
    const first = sealSecret(SECRET, "User.totpSecret", keyA);
    const second = sealSecret(SECRET, "User.totpSecret", keyA);
    expect(first).toMatch(/^enc1:[0-9a-f]{12}:[A-Za-z0-9_-]+$/);
    expect(first).not.toContain(SECRET);
    expect(first).not.toBe(second);
    expect(sealedKeyId(first)).toBe(keyA.id);
    expect(openSecret(first, "User.totpSecret", [keyA])).toBe(SECRET);
    expect(openSecret(second, "User.totpSecret", [keyA])).toBe(SECRET);
  });

  it("refuses to open a value under another key, naming both keys", () => {
    const sealed = sealSecret(SECRET, "User.totpSecret", keyA);
    expect(() => openSecret(sealed, "User.totpSecret", [keyB])).toThrow(new SecretKeyError(`A stored secret is encrypted with key ${keyA.id}, but the key in use is ${keyB.id}: set CLUEBRIDGE_SECRET_KEY to the key it was encrypted with.`));
    // Same id, different key material (a forged prefix): the tag does not verify.
    const forgedId = sealed.replace(keyA.id, keyB.id);
    expect(() => openSecret(forgedId, "User.totpSecret", [keyB])).toThrow(/altered or damaged/);
  });

  it("refuses a tampered ciphertext, a truncated one, and plaintext", () => {
    const sealed = sealSecret(SECRET, "User.totpSecret", keyA);
    const [prefix, id, body] = sealed.split(":");
    const bytes = Buffer.from(body, "base64url");
    bytes[14] ^= 0x01;
    expect(() => openSecret(`${prefix}:${id}:${bytes.toString("base64url")}`, "User.totpSecret", [keyA])).toThrow(/altered or damaged/);
    expect(() => openSecret(`${prefix}:${id}:${body.slice(0, 20)}`, "User.totpSecret", [keyA])).toThrow(SecretKeyError);
    expect(() => openSecret(SECRET, "User.totpSecret", [keyA])).toThrow(/not encrypted/);
  });

  it("opens a value sealed under any key it is given (a rotation reads the old key, writes the new)", () => {
    const underA = sealSecret(SECRET, "User.totpSecret", keyA);
    const rotated = sealSecret(openSecret(underA, "User.totpSecret", [keyB, keyA]), "User.totpSecret", keyB);
    expect(sealedKeyId(rotated)).toBe(keyB.id);
    expect(openSecret(rotated, "User.totpSecret", [keyB])).toBe(SECRET);
    expect(() => openSecret(rotated, "User.totpSecret", [keyA])).toThrow(SecretKeyError);
  });

  it("derives the checkpoint signing key apart from the encryption key", () => {
    expect(keyA.checkpointKey.equals(keyA.encryptionKey)).toBe(false);
    expect(signWithKey(keyA, "head")).toMatch(/^[0-9a-f]{64}$/);
    expect(signWithKey(keyA, "head")).not.toBe(signWithKey(keyB, "head"));
  });

  it("refuses a malformed key with a message saying what a key is", () => {
    expect(() => parseSecretKey("too short")).toThrow(/CLUEBRIDGE_SECRET_KEY must be 32 random bytes in base64.*not base64/);
    expect(() => parseSecretKey(Buffer.alloc(16).toString("base64"))).toThrow(/the value given is 16 bytes/);
    expect(parseSecretKey(` ${Buffer.alloc(32, 7).toString("base64")}\n`).id).toBe(parseSecretKey(Buffer.alloc(32, 7).toString("base64")).id);
  });
});

describe("where the key comes from", () => {
  it("takes CLUEBRIDGE_SECRET_KEY first, and refuses a PostgreSQL server without it", () => {
    const text = generateSecretKeyText();
    expect(resolveSecretKeys(envOf({ CLUEBRIDGE_SECRET_KEY: text, DATABASE_URL: "postgresql://db/x" }))).toMatchObject({ source: { kind: "environment" }, current: { id: parseSecretKey(text).id } });
    expect(() => resolveSecretKeys(envOf({ DATABASE_URL: "postgresql://db/x" }))).toThrow(/CLUEBRIDGE_SECRET_KEY is not set. With a PostgreSQL server/);
    expect(() => resolveSecretKeys(envOf({ CLUEBRIDGE_SECRET_KEY: "nope" }))).toThrow(SecretKeyError);
  });

  it("generates a key file beside an embedded database once (mode 0600, one line printed) and reads it after", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const env = envOf({ PGLITE_DATA_DIR: path.join(root, "data", "pglite") });
    const first = resolveSecretKeys(env);
    const file = secretKeyFileFor(env.PGLITE_DATA_DIR!);
    expect(first.source).toEqual({ kind: "file", file });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toMatch(/^Generated the secret key for TOTP secrets and audit checkpoints in .*secret-key \(mode 0600\)/);
    const again = resolveSecretKeys(env);
    expect(again.current.id).toBe(first.current.id);
    expect(log).toHaveBeenCalledTimes(1);
    // A rotation's new key left beside it is also accepted for reading.
    const next = generateSecretKeyText();
    fs.writeFileSync(pendingKeyFileOf(file), next, { mode: 0o600 });
    expect(resolveSecretKeys(env).pending.map((key) => key.id)).toEqual([parseSecretKey(next).id]);
  });

  it("gives an in-memory database a key for the life of the process", () => {
    expect(resolveSecretKeys(envOf({ PGLITE_DATA_DIR: "memory://" })).source).toEqual({ kind: "memory" });
  });
});
