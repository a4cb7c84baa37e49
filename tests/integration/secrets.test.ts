// Issue 11, secrets at rest: TOTP secrets are stored encrypted, sign-in reads them, and a key rotation
// re-encrypts every one in one transaction.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { SecretKeyError, generateSecretKeyText, parseSecretKey, pendingKeyFileOf, sealSecret, sealedKeyId, secretKeys } from "~/auth/secret-box.server";
import { reloadSecretKeys, rotateSecretKey, settleStoredSecrets, installSecretKeys } from "~/auth/secret-rotation.server";
import { getCurrentSession } from "~/auth/session.server";
import { confirmEnrolment, pendingEnrolment, resetSignInLimits, signInWithPassword, verifySecondFactor } from "~/auth/sign-in.server";
import { openTotpSecret, totpCode } from "~/auth/totp.server";
import { prisma } from "~/db.server";
import { recordAudit, sealAudit, verifyAuditChain } from "~/models/audit.server";
import { TEST_PASSWORD, TEST_TOTP_SECRET, createUser } from "../helpers/factories";

const origin = { ip: "192.0.2.20", userAgent: "vitest" };
const root = fs.mkdtempSync(path.join(os.tmpdir(), "cluebridge-secrets-"));

beforeEach(() => {
  resetSignInLimits();
  // Each test starts from the environment's key (a rotation in one test leaves the process on its new key).
  reloadSecretKeys();
});
afterAll(() => {
  reloadSecretKeys();
  fs.rmSync(root, { recursive: true, force: true });
});

async function pendingSessionFor(email: string) {
  const result = await signInWithPassword({ email, password: TEST_PASSWORD, origin });
  if (!result.ok) throw new Error(result.message);
  const session = await getCurrentSession(new Request("http://localhost/mfa/verify", { headers: { Cookie: result.cookie.split(";")[0] } }));
  return session!;
}

async function signsInWith(email: string, secret: string, atMs = Date.now()) {
  return (await verifySecondFactor(await pendingSessionFor(email), totpCode(secret, atMs), origin)).ok;
}

async function storedSecret(userId: string) {
  return (await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { totpSecret: true } })).totpSecret!;
}

describe("TOTP secrets at rest", () => {
  it("stores the secret made at enrolment encrypted, never as the base32 text shown, and signs in with it", async () => {
    const user = await createUser({ mfa: false });
    const session = await pendingSessionFor(user.email);
    const enrolment = await pendingEnrolment(session);
    const secret = enrolment!.secretGrouped.replace(/ /g, "");
    const stored = await storedSecret(user.id);
    expect(stored).toMatch(/^enc1:[0-9a-f]{12}:/);
    expect(stored).not.toContain(secret);
    expect(sealedKeyId(stored)).toBe(secretKeys().current.id);
    // A reload shows the same secret, read back through the key.
    expect((await pendingEnrolment(session))!.secretGrouped).toBe(enrolment!.secretGrouped);

    expect(await confirmEnrolment(session, totpCode(secret), origin)).toMatchObject({ ok: true });
    resetSignInLimits();
    // The next step's code (still accepted): the enrolment used up this one.
    expect(await signsInWith(user.email, secret, Date.now() + 30_000)).toBe(true);
  });

  it("encrypts secrets stored as plaintext before encryption at rest, at start, and they still sign in", async () => {
    const user = await createUser();
    await prisma.user.update({ where: { id: user.id }, data: { totpSecret: TEST_TOTP_SECRET } });
    expect(await settleStoredSecrets()).toMatch(/^Encrypted [1-9]\d* stored TOTP secrets under key [0-9a-f]{12}\.$/);
    expect(await storedSecret(user.id)).toMatch(/^enc1:/);
    expect(await prisma.user.count({ where: { totpSecret: { not: null }, NOT: { totpSecret: { startsWith: "enc1:" } } } })).toBe(0);
    expect(await settleStoredSecrets()).toBeNull();
    expect(await signsInWith(user.email, TEST_TOTP_SECRET)).toBe(true);
  });
});

describe("key rotation", () => {
  it("re-encrypts every secret under the new key in one transaction, and sign-in goes on working", async () => {
    const users = await Promise.all([createUser(), createUser(), createUser()]);
    const oldKey = secretKeys().current;
    const before = await Promise.all(users.map((user) => storedSecret(user.id)));
    const newKeyText = generateSecretKeyText();
    const newKey = parseSecretKey(newKeyText);
    await recordAudit({ action: "test.before_rotation" });
    await sealAudit();
    const head = await prisma.auditEvent.findFirstOrThrow({ where: { chainSeq: { not: null } }, orderBy: { chainSeq: "desc" } });

    const rotation = await rotateSecretKey(newKeyText);
    expect(rotation).toMatchObject({ key: { id: newKey.id }, source: { kind: "environment" }, wasPlaintext: 0 });
    expect(rotation.reencrypted).toBe(await prisma.user.count({ where: { totpSecret: { not: null } } }));
    const after = await Promise.all(users.map((user) => storedSecret(user.id)));
    for (const [index, stored] of after.entries()) {
      expect(stored).not.toBe(before[index]);
      expect(sealedKeyId(stored)).toBe(newKey.id);
      expect(openTotpSecret(stored, [newKey])).toBe(TEST_TOTP_SECRET);
      expect(() => openTotpSecret(stored, [oldKey])).toThrow(SecretKeyError);
    }
    expect(await prisma.user.count({ where: { totpSecret: { startsWith: `enc1:${oldKey.id}:` } } })).toBe(0);
    expect(await signsInWith(users[0].email, TEST_TOTP_SECRET)).toBe(true);

    const recorded = await prisma.auditEvent.findFirstOrThrow({ where: { action: "secrets.rotate" }, orderBy: { id: "desc" } });
    expect(recorded.details).toMatchObject({ fromKey: oldKey.id, toKey: newKey.id });
    // The rotation signs the chain's head with the new key; checkpoints are signed with it from now on.
    const checkpoints = await prisma.auditCheckpoint.findMany({ where: { keyId: newKey.id } });
    expect(checkpoints.map((checkpoint) => [checkpoint.chainSeq, checkpoint.headHash])).toEqual([[head.chainSeq, head.hash]]);
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checkpoints: { newest: { chainSeq: head.chainSeq } } });

    // And back to the environment's key, which the other tests use.
    expect((await rotateSecretKey(process.env.CLUEBRIDGE_SECRET_KEY!)).key.id).toBe(oldKey.id);
    expect(await signsInWith(users[1].email, TEST_TOTP_SECRET)).toBe(true);
  });

  it("changes nothing when one secret cannot be read (it was sealed under an unknown key)", async () => {
    const [readable, unreadable] = await Promise.all([createUser(), createUser()]);
    const stray = parseSecretKey(generateSecretKeyText());
    await prisma.user.update({ where: { id: unreadable.id }, data: { totpSecret: sealSecret(TEST_TOTP_SECRET, "User.totpSecret", stray) } });
    const before = await storedSecret(readable.id);
    await expect(rotateSecretKey(generateSecretKeyText())).rejects.toThrow(`A stored secret is encrypted with key ${stray.id}`);
    expect(await storedSecret(readable.id)).toBe(before);
    // A server started with a key that does not open the stored secrets refuses to start, saying which keys.
    await expect(settleStoredSecrets()).rejects.toThrow(
      new SecretKeyError(`Stored TOTP secrets are encrypted with another key (1 under key ${stray.id}) than the one given (key ${secretKeys().current.id}): set CLUEBRIDGE_SECRET_KEY to the key they were encrypted with.`),
    );
    await prisma.user.update({ where: { id: unreadable.id }, data: { totpSecret: null, totpEnabledAt: null } });
  });

  it("with a key file, writes the new key beside it first and renames it over the file once committed", async () => {
    const file = path.join(root, "secret-key");
    const current = secretKeys().current;
    fs.writeFileSync(file, `${process.env.CLUEBRIDGE_SECRET_KEY}\n`, { mode: 0o600 });
    installSecretKeys({ source: { kind: "file", file }, current, pending: [] });
    const user = await createUser();
    const newKeyText = generateSecretKeyText();
    let pendingAtCommit: string | undefined;
    await rotateSecretKey(newKeyText, () => {
      pendingAtCommit = fs.readFileSync(pendingKeyFileOf(file), "utf8");
    });
    expect(pendingAtCommit).toBe(`${newKeyText}\n`);
    expect(fs.readFileSync(file, "utf8")).toBe(`${newKeyText}\n`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(pendingKeyFileOf(file))).toBe(false);
    expect(sealedKeyId(await storedSecret(user.id))).toBe(parseSecretKey(newKeyText).id);
    await rotateSecretKey(process.env.CLUEBRIDGE_SECRET_KEY!);
    expect(fs.readFileSync(file, "utf8")).toBe(`${process.env.CLUEBRIDGE_SECRET_KEY}\n`);
  });
});
