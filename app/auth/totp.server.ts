// Second factor: RFC 6238 TOTP (HMAC-SHA-1, 6 digits, 30-second steps, ±1 step) with replay protection, and
// single-use recovery codes (stored as SHA-256). Secrets are stored encrypted (secret-box.server.ts). Enrolment
// shows the secret as text and its otpauth:// URI as a QR code drawn here as SVG markup: vector shapes, no image.
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import QRCode from "qrcode";
import { prisma, type Tx } from "~/db.server";
import { openSecret, sealSecret, type SecretKey } from "./secret-box.server";

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of now that are still accepted (clock drift). */
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
const ISSUER = "Cluebridge";

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 ignoring case, spaces, hyphens and padding; throws on any other character. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=-]/g, "").toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) throw new Error(`Not a base32 character: ${JSON.stringify(char)}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new 160-bit secret (the RFC 4226 recommended length), base32. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/** The secret in groups of four, as people type it into an authenticator app. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

export function totpUri(secret: string, accountName: string): string {
  const label = encodeURIComponent(`${ISSUER}:${accountName}`);
  return `otpauth://totp/${label}?secret=${secret}&issuer=${ISSUER}&algorithm=SHA1&digits=${TOTP_DIGITS}&period=${TOTP_STEP_SECONDS}`;
}

/**
 * The URI as a QR code in SVG markup, for an authenticator app's camera: the encoder's output is paths with
 * presentation attributes only (no style attribute, no script, no image), so the page's CSP needs no change.
 */
export async function totpQrSvg(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 4 });
  return svg.replace(/^<svg /, '<svg role="img" aria-label="QR code of the setup URI: scan it with your authenticator app" class="totp-qr" ');
}

/** The stored form of a secret: encrypted under the server's key. */
export function sealTotpSecret(secret: string, key?: SecretKey): string {
  return sealSecret(secret, "User.totpSecret", key);
}

/** The base32 secret of a stored (encrypted) value. */
export function openTotpSecret(stored: string, keys?: readonly SecretKey[]): string {
  return openSecret(stored, "User.totpSecret", keys);
}

export function timeStep(atMs = Date.now()): number {
  return Math.floor(atMs / 1000 / TOTP_STEP_SECONDS);
}

/** RFC 4226 HOTP of one counter value (RFC 6238 uses the time step as the counter). */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS, algorithm: "sha1" | "sha256" | "sha512" = "sha1"): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return binary.toString().padStart(digits, "0");
}

/** The code for a base32 secret at a time (default now). */
export function totpCode(secret: string, atMs = Date.now()): string {
  return hotp(base32Decode(secret), timeStep(atMs));
}

/**
 * The time step a code matches within ±TOTP_WINDOW of now and later than `lastStep`, or null.
 * Checking every candidate step (no early exit) keeps the timing independent of which one matched.
 */
export function matchTotp(secret: string, code: string, options: { atMs?: number; lastStep?: number | null } = {}): number | null {
  const candidate = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(candidate)) return null;
  const key = base32Decode(secret);
  const now = timeStep(options.atMs);
  let matched: number | null = null;
  for (let step = now - TOTP_WINDOW; step <= now + TOTP_WINDOW; step++) {
    const equal = timingSafeEqual(Buffer.from(hotp(key, step)), Buffer.from(candidate));
    if (equal && matched === null && (options.lastStep == null || step > options.lastStep)) matched = step;
  }
  return matched;
}

/** What a code was: accepted (and now used up), one of the current codes already used, or not a current code. */
export type TotpVerdict = "accepted" | "used" | "invalid";

/**
 * Checks a code against the user's stored secret and records its step, atomically: of two requests racing
 * with the same code, only one wins (the other is told the code was used). Also used at enrolment, when the
 * stored secret is not yet confirmed.
 */
export async function verifyUserTotp(userId: string, code: string, atMs = Date.now()): Promise<TotpVerdict> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { totpSecret: true, totpLastStep: true } });
  if (!user?.totpSecret) return "invalid";
  const secret = openTotpSecret(user.totpSecret);
  const step = matchTotp(secret, code, { atMs, lastStep: user.totpLastStep });
  if (step === null) return matchTotp(secret, code, { atMs }) === null ? "invalid" : "used";
  const claimed = await prisma.user.updateMany({
    where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
    data: { totpLastStep: step },
  });
  return claimed.count === 1 ? "accepted" : "used";
}

function normaliseRecoveryCode(code: string): string {
  return code.replace(/[\s-]/g, "").toLowerCase();
}

export function hashRecoveryCode(code: string): string {
  return createHash("sha256").update(normaliseRecoveryCode(code)).digest("hex");
}

/** Ten codes like "k7fq2-m9x4d" (50 random bits each: high entropy, so a plain SHA-256 is enough to store them). */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
  return Array.from({ length: count }, () => {
    let code = "";
    for (let i = 0; i < 10; i++) code += alphabet[randomInt(alphabet.length)];
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

/** Replaces the user's recovery codes with new ones; returns the plaintext codes (to show once). */
export async function replaceRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = generateRecoveryCodes();
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashRecoveryCode(code) })) });
  return codes;
}

/** Uses up one recovery code; false if it is unknown or already used. */
export async function consumeRecoveryCode(userId: string, code: string): Promise<boolean> {
  if (normaliseRecoveryCode(code).length !== 10) return false;
  const used = await prisma.recoveryCode.updateMany({
    where: { userId, codeHash: hashRecoveryCode(code), usedAt: null },
    data: { usedAt: new Date() },
  });
  return used.count === 1;
}

export async function remainingRecoveryCodes(userId: string): Promise<number> {
  return prisma.recoveryCode.count({ where: { userId, usedAt: null } });
}

/**
 * Takes the user's second factor away inside the caller's transaction (an administrator's reset): the secret,
 * its replay step and every recovery code go, so the next sign-in enrols a new authenticator. Returns how many
 * recovery codes were deleted.
 */
export async function clearSecondFactor(tx: Tx, userId: string): Promise<number> {
  await tx.user.update({ where: { id: userId }, data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null } });
  return (await tx.recoveryCode.deleteMany({ where: { userId } })).count;
}
