// The server's secret key and what is derived from it: AES-256-GCM encryption of secrets at rest (TOTP secrets)
// and the HMAC key that signs audit checkpoints. Where the key comes from and how it rotates: decision 012.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { databaseConfigFromEnv } from "~/db.server";
import { singleton } from "~/utils/singleton.server";

export const SECRET_KEY_ENV = "CLUEBRIDGE_SECRET_KEY";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Stored values look like `enc1:<key id>:<base64url of iv | ciphertext | tag>`; anything else is not ours. */
const BOX_PREFIX = "enc1";

/** A refusal an operator can act on: printed as is by the commands, never a stack trace. */
export class SecretKeyError extends Error {
  override name = "SecretKeyError";
}

export interface SecretKey {
  /** Names the key in stored values and checkpoints (not secret: derived one-way from the key). */
  id: string;
  /** Encrypts and decrypts secrets at rest. */
  encryptionKey: Buffer;
  /** Signs audit checkpoints: derived apart from the encryption key, so one never serves as the other. */
  checkpointKey: Buffer;
}

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), `cluebridge ${purpose}`, KEY_BYTES));
}

/** Parses a key as given in the environment: base64 (or base64url) of exactly 32 bytes. */
export function parseSecretKey(text: string, source = SECRET_KEY_ENV): SecretKey {
  const trimmed = text.trim();
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, "base64") : Buffer.alloc(0);
  if (bytes.length !== KEY_BYTES) {
    throw new SecretKeyError(
      `${source} must be 32 random bytes in base64 (44 characters, e.g. from \`openssl rand -base64 32\`); the value given is ${bytes.length === 0 ? "not base64" : `${bytes.length} bytes`}.`,
    );
  }
  return secretKeyOf(bytes);
}

export function secretKeyOf(master: Buffer): SecretKey {
  return {
    id: createHash("sha256").update(derive(master, "key id")).digest("hex").slice(0, 12),
    encryptionKey: derive(master, "secret box aes-256-gcm"),
    checkpointKey: derive(master, "audit checkpoint hmac-sha256"),
  };
}

/** A new key in the form the environment takes. */
export function generateSecretKeyText(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}

/** Binds a ciphertext to what it is for, so a value cannot be moved into another column's place. */
type Purpose = "User.totpSecret";

export function isSealedSecret(stored: string): boolean {
  return stored.startsWith(`${BOX_PREFIX}:`);
}

/** The key id a stored value was sealed under, or null for a value that is not sealed (plaintext). */
export function sealedKeyId(stored: string): string | null {
  return isSealedSecret(stored) ? (stored.split(":")[1] ?? null) : null;
}

export function sealSecret(plaintext: string, purpose: Purpose, key: SecretKey = currentSecretKey()): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.encryptionKey, iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${BOX_PREFIX}:${key.id}:${body.toString("base64url")}`;
}

/** Decrypts a sealed value with whichever known key sealed it; throws if it is not sealed, unknown or altered. */
export function openSecret(stored: string, purpose: Purpose, keys: readonly SecretKey[] = knownSecretKeys()): string {
  const [prefix, keyId, encoded, ...rest] = stored.split(":");
  if (prefix !== BOX_PREFIX || !keyId || !encoded || rest.length > 0) throw new SecretKeyError("The stored secret is not encrypted (run the server once, or `npm run secrets:rotate`, to encrypt it).");
  const key = keys.find((candidate) => candidate.id === keyId);
  if (!key) {
    throw new SecretKeyError(
      `A stored secret is encrypted with key ${keyId}, but the key in use is ${keys[0]?.id}: set ${SECRET_KEY_ENV} to the key it was encrypted with.`,
    );
  }
  const body = Buffer.from(encoded, "base64url");
  if (body.length < IV_BYTES + TAG_BYTES) throw new SecretKeyError("A stored secret is damaged (too short).");
  const decipher = createDecipheriv("aes-256-gcm", key.encryptionKey, body.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretKeyError("A stored secret was altered or damaged: it does not decrypt under its key.");
  }
}

/** An HMAC-SHA256 signature (hex) of a message under the key's checkpoint key. */
export function signWithKey(key: SecretKey, message: string): string {
  return createHmac("sha256", key.checkpointKey).update(message).digest("hex");
}

// ---- where the key comes from -----------------------------------------------------------------------------

export interface SecretKeySource {
  kind: "environment" | "file" | "memory";
  /** The key file, for an embedded database without the environment variable. */
  file?: string;
}

export interface ResolvedSecretKeys {
  source: SecretKeySource;
  /** Encrypts and signs. */
  current: SecretKey;
  /** Also accepted for decryption: a rotation that committed but did not finish renaming its key file. */
  pending: SecretKey[];
}

/** The key file of an embedded database: beside its data directory (not inside, so a copy of the database alone holds no key). */
export function secretKeyFileFor(pgliteDataDir: string): string {
  return path.join(path.dirname(path.resolve(pgliteDataDir)), "secret-key");
}

/** A rotation writes the new key here first and renames it over the key file once its transaction committed. */
export function pendingKeyFileOf(file: string): string {
  return `${file}.next`;
}

function readKeyFile(file: string): SecretKey {
  return parseSecretKey(fs.readFileSync(file, "utf8"), file);
}

/**
 * The key from `CLUEBRIDGE_SECRET_KEY`; else, for the embedded database, from its key file, generated on first
 * use (mode 0600, one line printed); an in-memory database gets a key for the life of the process. A
 * PostgreSQL server without the variable is refused: several processes must share one key, so it is never made up.
 */
export function resolveSecretKeys(env: NodeJS.ProcessEnv = process.env): ResolvedSecretKeys {
  const fromEnv = env[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return { source: { kind: "environment" }, current: parseSecretKey(fromEnv), pending: [] };
  const config = databaseConfigFromEnv(env);
  if (config.url) {
    throw new SecretKeyError(
      `${SECRET_KEY_ENV} is not set. With a PostgreSQL server (DATABASE_URL) every process needs the same key: generate one with \`openssl rand -base64 32\`, keep it apart from database backups, and set it in the environment of every Cluebridge process.`,
    );
  }
  const dataDir = config.dataDir ?? "memory://";
  if (dataDir.startsWith("memory://")) return { source: { kind: "memory" }, current: secretKeyOf(randomBytes(KEY_BYTES)), pending: [] };
  const file = secretKeyFileFor(dataDir);
  const pendingFile = pendingKeyFileOf(file);
  const pending = fs.existsSync(pendingFile) ? [readKeyFile(pendingFile)] : [];
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${generateSecretKeyText()}\n`, { mode: 0o600, flag: "wx" });
    console.log(`Generated the secret key for TOTP secrets and audit checkpoints in ${file} (mode 0600): back it up apart from the database, or set ${SECRET_KEY_ENV} instead.`);
  }
  return { source: { kind: "file", file }, current: readKeyFile(file), pending };
}

/** This process's keys, resolved once (the Remix and Express module graphs share them). */
export function secretKeys(): ResolvedSecretKeys {
  return singleton("secretKeys", () => resolveSecretKeys());
}

export function currentSecretKey(): SecretKey {
  return secretKeys().current;
}

/** The current key first, then any a half-finished rotation left. */
export function knownSecretKeys(): SecretKey[] {
  const { current, pending } = secretKeys();
  return [current, ...pending];
}
