// Keeping stored secrets under the current key: encrypting plaintext left from before encryption (at start),
// and rotating to a new key (`npm run secrets:rotate`). Decision 012.
import fs from "node:fs";
import { prisma } from "~/db.server";
import { appendAudit, insertAuditCheckpoint } from "~/models/audit.server";
import { forgetSingleton, singleton } from "~/utils/singleton.server";
import { SECRET_KEY_ENV, SecretKeyError, isSealedSecret, knownSecretKeys, parseSecretKey, pendingKeyFileOf, resolveSecretKeys, secretKeys, type ResolvedSecretKeys, type SecretKey } from "./secret-box.server";
import { openTotpSecret, sealTotpSecret } from "./totp.server";

export interface RotationResult {
  /** Secrets now under the new key. */
  reencrypted: number;
  /** Of those, how many were stored as plaintext before. */
  wasPlaintext: number;
  key: SecretKey;
}

/**
 * Re-encrypts every stored TOTP secret under `newKey` in one transaction (any known key, or plaintext, before),
 * records it in the audit trail and signs a checkpoint with the new key in the same transaction. Run it with
 * the server stopped: a server still holding the old key would write new secrets under it.
 */
export async function reencryptSecrets(newKey: SecretKey, known: readonly SecretKey[] = knownSecretKeys()): Promise<RotationResult> {
  const keys = [...known, newKey];
  return prisma.$transaction(
    async (tx) => {
      // FOR UPDATE: an enrolment racing the rotation waits for it instead of being overwritten.
      const users = await tx.$queryRawUnsafe<{ id: string; totpSecret: string }[]>(`SELECT id, "totpSecret" FROM "User" WHERE "totpSecret" IS NOT NULL ORDER BY id FOR UPDATE`);
      let wasPlaintext = 0;
      for (const user of users) {
        const sealed = isSealedSecret(user.totpSecret);
        if (!sealed) wasPlaintext += 1;
        const secret = sealed ? openTotpSecret(user.totpSecret, keys) : user.totpSecret;
        await tx.user.update({ where: { id: user.id }, data: { totpSecret: sealTotpSecret(secret, newKey) } });
      }
      const previous = known[0]?.id ?? null;
      if (previous !== newKey.id || wasPlaintext > 0) {
        await appendAudit(tx, { action: "secrets.rotate", details: { fromKey: previous, toKey: newKey.id, secrets: users.length, wasPlaintext } });
      }
      // Checkpoints signed from now on use the new key; this one covers the chain as it stands at the change.
      await insertAuditCheckpoint(tx, newKey);
      return { reencrypted: users.length, wasPlaintext, key: newKey };
    },
    { maxWait: 10_000, timeout: 120_000 },
  );
}

/** Encrypts TOTP secrets stored as plaintext (written before encryption at rest) under the current key. */
export async function encryptPlaintextSecrets(): Promise<number> {
  const plaintext = await prisma.user.count({ where: { totpSecret: { not: null }, NOT: { totpSecret: { startsWith: "enc1:" } } } });
  if (plaintext === 0) return 0;
  const result = await reencryptSecrets(secretKeys().current);
  return result.wasPlaintext;
}

/**
 * At start: finishes a rotation a crash interrupted (its new key file is still beside the old one: everything is
 * re-encrypted under it and the file renamed), then encrypts any plaintext secrets. Returns a line to print, or
 * null. Refuses (SecretKeyError) when stored secrets are under a key this process does not have: a server
 * started with the wrong key would fail every second-factor sign-in.
 */
export async function settleStoredSecrets(): Promise<string | null> {
  const resolved = secretKeys();
  const known = new Set(knownSecretKeys().map((key) => key.id));
  const stored = await prisma.$queryRawUnsafe<{ keyId: string; count: bigint }[]>(
    `SELECT split_part("totpSecret", ':', 2) AS "keyId", count(*) AS count FROM "User" WHERE "totpSecret" LIKE 'enc1:%' GROUP BY 1 ORDER BY 1`,
  );
  const unknown = stored.filter((row) => !known.has(row.keyId));
  if (unknown.length > 0) {
    const which = unknown.map((row) => `${row.count} under key ${row.keyId}`).join(", ");
    throw new SecretKeyError(`Stored TOTP secrets are encrypted with another key (${which}) than the one given (key ${resolved.current.id}): set ${SECRET_KEY_ENV} to the key they were encrypted with.`);
  }
  const [pendingKey] = resolved.pending;
  if (pendingKey && resolved.source.file) {
    const result = await reencryptSecrets(pendingKey);
    fs.renameSync(pendingKeyFileOf(resolved.source.file), resolved.source.file);
    installSecretKeys({ ...resolved, current: pendingKey, pending: [] });
    return `Finished an interrupted key rotation: ${result.reencrypted} secrets under key ${pendingKey.id}.`;
  }
  const encrypted = await encryptPlaintextSecrets();
  return encrypted > 0 ? `Encrypted ${encrypted} stored TOTP secrets under key ${resolved.current.id}.` : null;
}

export interface KeyRotation extends RotationResult {
  /** Where the new key must go: the environment (print it) or the key file (already written). */
  source: ResolvedSecretKeys["source"];
  keyText: string;
}

/**
 * Rotates to a new key (base64 text). With a key file, the new key is written beside it first and renamed over
 * it after the transaction commits, so a crash in between leaves both keys readable (settleStoredSecrets ends it).
 * `beforeCommit` runs first: the command prints an environment key there, so it is never lost.
 */
export async function rotateSecretKey(keyText: string, beforeCommit: (key: SecretKey) => void = () => {}): Promise<KeyRotation> {
  const newKey = parseSecretKey(keyText, "--new-key");
  const resolved = secretKeys();
  const file = resolved.source.kind === "file" ? resolved.source.file : undefined;
  if (file) fs.writeFileSync(pendingKeyFileOf(file), `${keyText.trim()}\n`, { mode: 0o600 });
  beforeCommit(newKey);
  const result = await reencryptSecrets(newKey);
  if (file) fs.renameSync(pendingKeyFileOf(file), file);
  installSecretKeys({ ...resolved, current: newKey, pending: [] });
  return { ...result, source: resolved.source, keyText: keyText.trim() };
}

/** Makes these the process's keys (after a rotation; tests). */
export function installSecretKeys(keys: ResolvedSecretKeys): void {
  forgetSingleton("secretKeys");
  singleton("secretKeys", () => keys);
}

/** Resolves the keys afresh from the environment (tests). */
export function reloadSecretKeys(env: NodeJS.ProcessEnv = process.env): ResolvedSecretKeys {
  const keys = resolveSecretKeys(env);
  installSecretKeys(keys);
  return keys;
}
