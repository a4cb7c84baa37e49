// Progressive sign-in delays (a soft lockout, OWASP ASVS V2.2.1) and the devices an account knows. Failures are
// counted per account and factor, separately for each device that has completed sign-in for the account and for
// all other clients together, so an attacker's failures delay only clients the owner has never signed in from.
// A delay is a refusal with a time to retry, never a sleeping request. Policy and numbers: decision 010.
import { createHash, randomBytes } from "node:crypto";
import { prisma, type Tx } from "~/db.server";
import { isUniqueViolation } from "~/db/errors.server";
import { cookieSecure } from "./session.server";

/** Failures in a row that cost nothing; the next one starts the first delay. */
export const FREE_FAILURES = 4;
/** The first delay; each further failure doubles it... */
export const FIRST_DELAY_MS = 30 * 1000;
/** ...up to this. */
export const MAX_DELAY_MS = 15 * 60 * 1000;
/** A run of failures is forgotten this long after its last one. */
export const FAILURE_MEMORY_MS = 24 * 60 * 60 * 1000;

export const DEVICE_COOKIE_NAME = "cb_device";
/** A device not used to sign in for this long is a stranger again. */
export const DEVICE_LIFETIME_MS = 180 * 24 * 60 * 60 * 1000;

export type SignInFactor = "password" | "totp" | "recovery_code";
/** The client key of every client the account does not know. */
export const OTHER_CLIENTS = "*";

/** The delay earned by this many failures in a row: none for the first FREE_FAILURES, then 30 s doubling to 15 min. */
export function delayAfter(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** (failures - FREE_FAILURES - 1), MAX_DELAY_MS);
}

/** Whole seconds until `until` (at least 1), for Retry-After and the message. */
export function secondsUntil(until: Date, now = Date.now()): number {
  return Math.max(1, Math.ceil((until.getTime() - now) / 1000));
}

/** "30 seconds", "1 minute", "15 minutes": how long to wait, in words. */
export function waitInWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

function hashDeviceToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The device token in a Cookie header, if it has one of the right form. */
export function deviceTokenFrom(cookieHeader: string | null | undefined): string | null {
  const match = /(?:^|;\s*)cb_device=([A-Za-z0-9_-]{43})(?:;|$)/.exec(cookieHeader ?? "");
  return match ? match[1] : null;
}

/** Which counter a request from this device counts against for the user: the device's own if the account knows it. */
export async function clientOf(userId: string, deviceToken: string | null | undefined): Promise<string> {
  if (!deviceToken) return OTHER_CLIENTS;
  const tokenHash = hashDeviceToken(deviceToken);
  const known = await prisma.knownDevice.findUnique({ where: { tokenHash_userId: { tokenHash, userId } }, select: { lastUsedAt: true } });
  return known && Date.now() - known.lastUsedAt.getTime() < DEVICE_LIFETIME_MS ? tokenHash : OTHER_CLIENTS;
}

/** "known_device" or "other_clients", for audit records (never the hash itself). */
export function clientKind(client: string): "known_device" | "other_clients" {
  return client === OTHER_CLIENTS ? "other_clients" : "known_device";
}

/** When this client may try this factor for the account again, if it is being held back now. */
export async function delayedUntil(userId: string, factor: SignInFactor, client: string, now = Date.now()): Promise<Date | null> {
  const row = await prisma.signInThrottle.findUnique({ where: { userId_factor_client: { userId, factor, client } }, select: { blockedUntil: true } });
  return row?.blockedUntil && row.blockedUntil.getTime() > now ? row.blockedUntil : null;
}

/** Counts one failure; returns how many there are in a row now, and the delay they earned (null: none). */
export async function recordFailure(userId: string, factor: SignInFactor, client: string, now = Date.now()): Promise<{ failures: number; blockedUntil: Date | null }> {
  const key = { userId_factor_client: { userId, factor, client } };
  // A run of failures older than FAILURE_MEMORY_MS starts again from one.
  await prisma.signInThrottle.updateMany({ where: { userId, factor, client, lastFailureAt: { lt: new Date(now - FAILURE_MEMORY_MS) } }, data: { failures: 0 } });
  const increment = () =>
    prisma.signInThrottle.upsert({
      where: key,
      create: { userId, factor, client, failures: 1, lastFailureAt: new Date(now) },
      update: { failures: { increment: 1 }, lastFailureAt: new Date(now) },
      select: { failures: true },
    });
  let failures: number;
  try {
    ({ failures } = await increment());
  } catch (error) {
    // Two first failures at once: one created the row, the other now increments it.
    if (!isUniqueViolation(error)) throw error;
    ({ failures } = await increment());
  }
  const delay = delayAfter(failures);
  if (delay === 0) return { failures, blockedUntil: null };
  const blockedUntil = new Date(now + delay);
  await prisma.signInThrottle.update({ where: key, data: { blockedUntil } });
  return { failures, blockedUntil };
}

/** A completed sign-in from this client: its failures, every factor, are forgotten. */
export async function clearFailures(userId: string, client: string): Promise<void> {
  await prisma.signInThrottle.deleteMany({ where: { userId, client } });
}

/** An administrator lifts every delay of the account (inside their transaction); returns how many counters went. */
export async function liftSignInDelays(tx: Tx, userId: string): Promise<number> {
  return (await tx.signInThrottle.deleteMany({ where: { userId } })).count;
}

/** The latest time until which some client of each account is held back, for accounts held back now. */
export async function signInDelays(userIds: string[], now = Date.now()): Promise<Map<string, Date>> {
  const rows = await prisma.signInThrottle.groupBy({
    by: ["userId"],
    where: { userId: { in: userIds }, blockedUntil: { gt: new Date(now) } },
    _max: { blockedUntil: true },
  });
  return new Map(rows.flatMap((row) => (row._max.blockedUntil ? [[row.userId, row._max.blockedUntil] as const] : [])));
}

/**
 * The browser completed sign-in for the user: it becomes (or stays) a device the account knows. Returns the
 * Set-Cookie value when the browser had no device token yet (one token per browser, known to each of its users).
 */
export async function rememberDevice(userId: string, deviceToken: string | null | undefined): Promise<string | null> {
  const token = deviceToken ?? randomBytes(32).toString("base64url");
  const tokenHash = hashDeviceToken(token);
  const now = new Date();
  try {
    await prisma.knownDevice.upsert({
      where: { tokenHash_userId: { tokenHash, userId } },
      create: { tokenHash, userId, lastUsedAt: now },
      update: { lastUsedAt: now },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  return deviceToken ? null : deviceCookie(token);
}

function deviceCookie(token: string): string {
  const parts = [`${DEVICE_COOKIE_NAME}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${Math.floor(DEVICE_LIFETIME_MS / 1000)}`];
  if (cookieSecure()) parts.push("Secure");
  return parts.join("; ");
}
