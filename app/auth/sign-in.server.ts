// Signing in: password step (no account enumeration, per-account lockout, per-IP limit), then the second
// factor (TOTP or a recovery code, limited too), or TOTP enrolment at a user's first sign-in. Everything audited.
// The attempt counters for unknown emails, IPs and codes are in memory, per process: behind several app
// processes each keeps its own count (the per-account lockout of real accounts is in the database).
import type { User } from "@prisma/client";
import { prisma } from "~/db.server";
import { appendAudit, recordAudit, type RequestOrigin } from "~/models/audit.server";
import { singleton } from "~/utils/singleton.server";
import { verifyAgainstDummy, verifyPassword } from "./password.server";
import { markSessionMfaVerified, startSession, upgradeSession, type CurrentSession } from "./session.server";
import {
  consumeRecoveryCode,
  generateTotpSecret,
  groupSecret,
  remainingRecoveryCodes,
  replaceRecoveryCodes,
  totpUri,
  verifyUserTotp,
} from "./totp.server";

export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;
export const IP_ATTEMPT_LIMIT = 20;
export const IP_WINDOW_MS = 5 * 60 * 1000;
export const CODE_FAILURE_LIMIT = 5;
export const CODE_WINDOW_MS = 15 * 60 * 1000;

export const SIGN_IN_FAILED = "Email or password is incorrect.";
export const ACCOUNT_LOCKED = "Too many failed attempts. This account is locked for 15 minutes.";
export const IP_LIMITED = "Too many sign-in attempts from this network. Wait 5 minutes and try again.";
export const CODE_INVALID = "That code is not valid. Check that your device's clock is right, or use one of your recovery codes.";
export const CODE_LIMITED = "Too many incorrect codes. Wait 15 minutes and try again.";

/** Counts events per key inside a sliding time window. */
class WindowCounter {
  private hits = new Map<string, number[]>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  private recent(key: string, now: number): number[] {
    const kept = (this.hits.get(key) ?? []).filter((at) => now - at < this.windowMs);
    if (kept.length) this.hits.set(key, kept);
    else this.hits.delete(key);
    return kept;
  }

  isOver(key: string, now = Date.now()): boolean {
    return this.recent(key, now).length >= this.limit;
  }

  /** Records one event; returns how many there are now in the window. */
  hit(key: string, now = Date.now()): number {
    const kept = this.recent(key, now);
    kept.push(now);
    this.hits.set(key, kept);
    return kept.length;
  }

  clear(key: string) {
    this.hits.delete(key);
  }
}

// Shared by the Remix build and the server's own modules (one process, two module graphs).
const limits = singleton("signInLimits", () => ({
  ip: new WindowCounter(IP_ATTEMPT_LIMIT, IP_WINDOW_MS),
  /** Failed attempts against emails that are not accounts: they lock like real accounts, so both look alike. */
  unknownEmail: new WindowCounter(LOCKOUT_THRESHOLD, LOCKOUT_MS),
  codes: new WindowCounter(CODE_FAILURE_LIMIT, CODE_WINDOW_MS),
}));

/** Tests only: forget the in-memory counters. */
export function resetSignInLimits() {
  limits.ip = new WindowCounter(IP_ATTEMPT_LIMIT, IP_WINDOW_MS);
  limits.unknownEmail = new WindowCounter(LOCKOUT_THRESHOLD, LOCKOUT_MS);
  limits.codes = new WindowCounter(CODE_FAILURE_LIMIT, CODE_WINDOW_MS);
}

export type SignInResult =
  | { ok: true; cookie: string; next: "/mfa/verify" | "/mfa/enrol" }
  | { ok: false; status: 401 | 429; message: string };

const refused = (status: 401 | 429, message: string): SignInResult => ({ ok: false, status, message });

/**
 * The password step. Unknown email, wrong password and an inactive account all get the same message after the
 * same work (an Argon2 verification); a locked account and an unknown email that hit the limit both get the
 * lockout message. On success: a session that still needs the second factor, and where to go for it.
 */
export async function signInWithPassword(input: { email: string; password: string; origin?: RequestOrigin }): Promise<SignInResult> {
  const { password, origin } = input;
  const email = input.email.trim().toLowerCase();
  const ipKey = origin?.ip || "unknown";
  if (limits.ip.hit(ipKey) > IP_ATTEMPT_LIMIT) {
    await recordAudit({ action: "auth.sign_in", outcome: "denied", details: { email, reason: "ip_rate_limited" }, origin });
    return refused(429, IP_LIMITED);
  }

  const user = await prisma.user.findUnique({ where: { email } });
  if (!user) return unknownEmailAttempt(email, password, origin);

  if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
    await recordAudit({ actor: user, action: "auth.sign_in", outcome: "denied", details: { reason: "locked" }, origin });
    return refused(429, ACCOUNT_LOCKED);
  }
  if (!(await verifyPassword(user.passwordHash, password))) return wrongPassword(user, origin);
  if (user.status !== "ACTIVE") {
    await recordAudit({ actor: user, action: "auth.sign_in", outcome: "failure", details: { reason: "account_not_active", status: user.status }, origin });
    return refused(401, SIGN_IN_FAILED);
  }

  const totpEnabled = Boolean(user.totpSecret && user.totpEnabledAt);
  await prisma.user.update({ where: { id: user.id }, data: { failedLoginCount: 0, lockedUntil: null } });
  const cookie = await startSession(user.id, { mfaVerified: false, origin });
  await recordAudit({
    actor: user,
    action: "auth.sign_in",
    details: { step: "password", next: totpEnabled ? "mfa_verify" : "mfa_enrol" },
    origin,
  });
  return { ok: true, cookie, next: totpEnabled ? "/mfa/verify" : "/mfa/enrol" };
}

async function wrongPassword(user: User, origin?: RequestOrigin): Promise<SignInResult> {
  const { failedLoginCount } = await prisma.user.update({
    where: { id: user.id },
    data: { failedLoginCount: { increment: 1 } },
    select: { failedLoginCount: true },
  });
  if (failedLoginCount < LOCKOUT_THRESHOLD) {
    await recordAudit({ actor: user, action: "auth.sign_in", outcome: "failure", details: { reason: "wrong_password", failedLoginCount }, origin });
    return refused(401, SIGN_IN_FAILED);
  }
  const lockedUntil = new Date(Date.now() + LOCKOUT_MS);
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { failedLoginCount: 0, lockedUntil } });
    await appendAudit(tx, { actor: user, action: "auth.sign_in", outcome: "failure", details: { reason: "wrong_password", failedLoginCount }, origin });
    await appendAudit(tx, { actor: user, action: "auth.lockout", details: { lockedUntil: lockedUntil.toISOString() }, origin });
  });
  return refused(429, ACCOUNT_LOCKED);
}

async function unknownEmailAttempt(email: string, password: string, origin?: RequestOrigin): Promise<SignInResult> {
  if (limits.unknownEmail.isOver(email)) {
    await recordAudit({ action: "auth.sign_in", outcome: "denied", details: { email, reason: "locked" }, origin });
    return refused(429, ACCOUNT_LOCKED);
  }
  await verifyAgainstDummy(password);
  const failures = limits.unknownEmail.hit(email);
  await recordAudit({ action: "auth.sign_in", outcome: "failure", details: { email, reason: "unknown_email" }, origin });
  if (failures < LOCKOUT_THRESHOLD) return refused(401, SIGN_IN_FAILED);
  await recordAudit({ action: "auth.lockout", details: { email, unknownEmail: true }, origin });
  return refused(429, ACCOUNT_LOCKED);
}

export type SecondFactorResult = { ok: true; cookie: string } | { ok: false; status: 401 | 429; message: string };

/** Second factor on a password-only session: a 6-digit TOTP code, or a recovery code (each usable once). */
export async function verifySecondFactor(pending: CurrentSession, code: string, origin?: RequestOrigin): Promise<SecondFactorResult> {
  const { user } = pending;
  if (limits.codes.isOver(user.id)) {
    await recordAudit({ actor: user, action: "auth.mfa", outcome: "denied", details: { reason: "rate_limited" }, origin });
    return { ok: false, status: 429, message: CODE_LIMITED };
  }
  const isTotp = /^\d{6}$/.test(code.replace(/\s/g, ""));
  const method = isTotp ? "totp" : "recovery_code";
  const accepted = pending.totpEnabled && (isTotp ? await verifyUserTotp(user.id, code) : await consumeRecoveryCode(user.id, code));
  if (!accepted) {
    limits.codes.hit(user.id);
    await recordAudit({ actor: user, action: "auth.mfa", outcome: "failure", details: { method }, origin });
    return { ok: false, status: 401, message: CODE_INVALID };
  }
  limits.codes.clear(user.id);
  const details: Record<string, unknown> = { method };
  if (!isTotp) details.recoveryCodesLeft = await remainingRecoveryCodes(user.id);
  await recordAudit({ actor: user, action: "auth.mfa", details, origin });
  return { ok: true, cookie: await upgradeSession(pending, origin) };
}

export interface EnrolmentDetails {
  /** Base32, grouped in fours for typing. */
  secretGrouped: string;
  otpauthUri: string;
}

/**
 * The secret to enrol, created on first view and kept (unconfirmed) until a code from it is confirmed, so a
 * reload shows the same one. Null when the user has already enrolled.
 */
export async function pendingEnrolment(pending: CurrentSession): Promise<EnrolmentDetails | null> {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: pending.user.id }, select: { email: true, totpSecret: true, totpEnabledAt: true } });
  if (user.totpEnabledAt) return null;
  let secret = user.totpSecret;
  if (!secret) {
    secret = generateTotpSecret();
    await prisma.user.updateMany({ where: { id: pending.user.id, totpEnabledAt: null }, data: { totpSecret: secret, totpLastStep: null } });
  }
  return { secretGrouped: groupSecret(secret), otpauthUri: totpUri(secret, user.email) };
}

export type EnrolmentResult = { ok: true; recoveryCodes: string[] } | { ok: false; status: 401 | 409 | 429; message: string };

/** Confirms enrolment with a code from the new secret: TOTP is on, ten recovery codes are issued (shown once). */
export async function confirmEnrolment(pending: CurrentSession, code: string, origin?: RequestOrigin): Promise<EnrolmentResult> {
  const { user } = pending;
  if (pending.totpEnabled) return { ok: false, status: 409, message: "Your authenticator is already set up. Sign in with a code from it." };
  if (limits.codes.isOver(user.id)) {
    await recordAudit({ actor: user, action: "auth.mfa_enrol", outcome: "denied", details: { reason: "rate_limited" }, origin });
    return { ok: false, status: 429, message: CODE_LIMITED };
  }
  if (!(await verifyUserTotp(user.id, code))) {
    limits.codes.hit(user.id);
    await recordAudit({ actor: user, action: "auth.mfa_enrol", outcome: "failure", origin });
    return {
      ok: false,
      status: 401,
      message: "That code does not match. Check that you entered the secret exactly as shown and that your device's clock is right.",
    };
  }
  limits.codes.clear(user.id);
  const recoveryCodes = await prisma.$transaction(async (tx) => {
    const enabled = await tx.user.updateMany({ where: { id: user.id, totpEnabledAt: null }, data: { totpEnabledAt: new Date() } });
    if (enabled.count === 0) return null;
    const codes = await replaceRecoveryCodes(tx, user.id);
    await appendAudit(tx, { actor: user, action: "auth.mfa_enrol", details: { recoveryCodes: codes.length }, origin });
    await markSessionMfaVerified(pending, tx);
    return codes;
  });
  if (!recoveryCodes) return { ok: false, status: 409, message: "Your authenticator is already set up. Sign in with a code from it." };
  return { ok: true, recoveryCodes };
}
