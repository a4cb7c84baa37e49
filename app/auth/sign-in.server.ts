// Signing in: the password step (no account enumeration), then the second factor (TOTP or a recovery code), or
// TOTP enrolment at a user's first sign-in. Everything audited. Wrong answers earn progressive delays per account,
// factor and client (sign-in-throttle.server.ts, decision 010), never a hard lock; a completed sign-in tells the
// owner of the failed attempts since their previous one. The per-address limit and the counters of unknown emails
// are in the limit store: shared through Redis by every app process when REDIS_URL is set, else per process.
import type { User } from "@prisma/client";
import { prisma } from "~/db.server";
import { appendAudit, recordAudit, type RequestOrigin } from "~/models/audit.server";
import { limitStore } from "~/utils/limit-store.server";
import { verifyAgainstDummy, verifyPassword } from "./password.server";
import { markSessionMfaVerified, startSession, upgradeSession, type CurrentSession } from "./session.server";
import {
  FAILURE_MEMORY_MS,
  OTHER_CLIENTS,
  clearFailures,
  clientKind,
  clientOf,
  delayAfter,
  delayedUntil,
  recordFailure,
  rememberDevice,
  secondsUntil,
  waitInWords,
  type SignInFactor,
} from "./sign-in-throttle.server";
import {
  consumeRecoveryCode,
  generateTotpSecret,
  groupSecret,
  openTotpSecret,
  remainingRecoveryCodes,
  replaceRecoveryCodes,
  sealTotpSecret,
  totpQrSvg,
  totpUri,
  verifyUserTotp,
} from "./totp.server";

/** Failed sign-in attempts from one address (any account, or none) before it is held back... */
export const IP_FAILURE_LIMIT = 20;
/** ...within this window. Successful sign-ins are not counted. */
export const IP_WINDOW_MS = 5 * 60 * 1000;

export const SIGN_IN_FAILED = "Email or password is incorrect.";
export const CODE_INVALID = "That code is not valid. Check that your device's clock is right, or use one of your recovery codes.";
export const CODE_USED = "This code was already used. Wait for the next code from your authenticator app and enter that one.";
export const RECOVERY_CODE_INVALID = "That recovery code is not valid, or it was already used.";

/** The refusal while a client is held back: how long to wait, and what still works. */
export function signInDelayedMessage(seconds: number, client: string): string {
  const wait = `Too many failed sign-in attempts. Try again in ${waitInWords(seconds)}.`;
  return client === OTHER_CLIENTS ? `${wait} Signing in from a device and browser you have used to sign in before is not held back.` : wait;
}
export function addressLimitedMessage(seconds: number): string {
  return `Too many failed sign-in attempts from this network. Try again in ${waitInWords(seconds)}.`;
}
export function codeDelayedMessage(seconds: number, factor: SignInFactor): string {
  return factor === "totp"
    ? `Too many incorrect codes. Try again in ${waitInWords(seconds)}, or use one of your recovery codes.`
    : `Too many incorrect recovery codes. Try again in ${waitInWords(seconds)}.`;
}

// The per-address limit and the runs of unknown emails live in the limit store: this process's memory, or Redis
// shared by every node when REDIS_URL is set (decision 014). Keys hold the address or the email as typed.
const IP_KEY = "sign-in:address:";
const UNKNOWN_EMAIL_KEY = "sign-in:unknown-email:";

/** Seconds until the address may fail again (0: it may now); `hit` counts one more failure first. */
async function addressWait(ipKey: string, { hit }: { hit: boolean }): Promise<number> {
  const { waitMs } = await limitStore().slidingWindow(IP_KEY + ipKey, IP_WINDOW_MS, IP_FAILURE_LIMIT, hit);
  return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
}

/** Tests only: forget the counters kept in this process's memory. */
export function resetSignInLimits() {
  limitStore().clear("sign-in:");
}

/** A refusal; `retryAfterSeconds` when the client is held back (HTTP 429 with Retry-After). */
export interface SignInRefusal {
  ok: false;
  status: 401 | 409 | 429;
  message: string;
  retryAfterSeconds?: number;
}

export type SignInResult = { ok: true; cookie: string; next: "/mfa/verify" | "/mfa/enrol" } | SignInRefusal;

/** The status and headers of a refusal's response: a held-back client is told when to retry. */
export function refusalInit(refusal: SignInRefusal): ResponseInit {
  return refusal.retryAfterSeconds ? { status: refusal.status, headers: { "Retry-After": String(refusal.retryAfterSeconds) } } : { status: refusal.status };
}

const refused = (message: string): SignInRefusal => ({ ok: false, status: 401, message });
const heldBack = (seconds: number, message: string): SignInRefusal => ({ ok: false, status: 429, message, retryAfterSeconds: seconds });

export interface SignInAttempt {
  email: string;
  password: string;
  origin?: RequestOrigin;
  /** The browser's cb_device cookie, if it sent one. */
  deviceToken?: string | null;
}

/**
 * The password step. Unknown email, wrong password and an inactive account all get the same message after the
 * same work (an Argon2 verification), and unknown emails are held back like accounts' unknown clients. On
 * success: a session that still needs the second factor, and where to go for it.
 */
export async function signInWithPassword(input: SignInAttempt): Promise<SignInResult> {
  const { password, origin } = input;
  const email = input.email.trim().toLowerCase();
  const ipKey = origin?.ip || "unknown";
  const user = await prisma.user.findUnique({ where: { email } });
  const client = user ? await clientOf(user.id, input.deviceToken) : OTHER_CLIENTS;

  // A device the account knows is not held back by what others did from its network.
  const ipWait = client === OTHER_CLIENTS ? await addressWait(ipKey, { hit: false }) : 0;
  if (ipWait) {
    await recordAudit({ actor: user, action: "auth.sign_in", outcome: "denied", details: { email, reason: "ip_rate_limited" }, origin });
    return heldBack(ipWait, addressLimitedMessage(ipWait));
  }
  if (!user) return unknownEmailAttempt(email, password, ipKey, origin);

  const until = await delayedUntil(user.id, "password", client);
  if (until) {
    await recordAudit({ actor: user, action: "auth.sign_in", outcome: "denied", details: { reason: "delayed", client: clientKind(client), until: until.toISOString() }, origin });
    return heldBack(secondsUntil(until), signInDelayedMessage(secondsUntil(until), client));
  }
  if (!(await verifyPassword(user.passwordHash, password))) return wrongPassword(user, client, ipKey, origin);
  if (user.status !== "ACTIVE") {
    await addressWait(ipKey, { hit: true });
    await recordAudit({ actor: user, action: "auth.sign_in", outcome: "failure", details: { reason: "account_not_active", status: user.status }, origin });
    return refused(SIGN_IN_FAILED);
  }
  if (user.passwordChangeRequired && !(await consumeOneTimePassword(user))) {
    await addressWait(ipKey, { hit: true });
    await recordAudit({ actor: user, action: "auth.sign_in", outcome: "failure", details: { reason: "one_time_password_used_or_expired" }, origin });
    return refused(SIGN_IN_FAILED);
  }

  const totpEnabled = Boolean(user.totpSecret && user.totpEnabledAt);
  const cookie = await startSession(user.id, { mfaVerified: false, origin });
  await recordAudit({
    actor: user,
    action: "auth.sign_in",
    details: { step: "password", next: totpEnabled ? "mfa_verify" : "mfa_enrol", client: clientKind(client) },
    origin,
  });
  return { ok: true, cookie, next: totpEnabled ? "/mfa/verify" : "/mfa/enrol" };
}

/**
 * An administrator's one-time password works once, before it expires: the sign-in that uses it marks it used
 * (atomically, so of two racing sign-ins one wins). That session then enrols a second factor and must choose
 * a new password before anything else (requireActor).
 */
async function consumeOneTimePassword(user: User): Promise<boolean> {
  const now = new Date();
  const used = await prisma.user.updateMany({
    where: { id: user.id, passwordHash: user.passwordHash, passwordChangeRequired: true, passwordExpiresAt: { gt: now } },
    data: { passwordExpiresAt: now },
  });
  return used.count === 1;
}

/** Counts a wrong answer against the account's client; the audit record says what it earned. */
async function countFailure(user: { id: string; email: string }, factor: SignInFactor, client: string, action: string, details: Record<string, unknown>, origin?: RequestOrigin) {
  const { failures, blockedUntil } = await recordFailure(user.id, factor, client);
  await prisma.$transaction(async (tx) => {
    await appendAudit(tx, { actor: user, action, outcome: "failure", details: { ...details, client: clientKind(client), failures }, origin });
    if (blockedUntil) {
      await appendAudit(tx, { actor: user, action: "auth.sign_in_delay", details: { factor, client: clientKind(client), failures, until: blockedUntil.toISOString() }, origin });
    }
  });
  return blockedUntil;
}

async function wrongPassword(user: User, client: string, ipKey: string, origin?: RequestOrigin): Promise<SignInResult> {
  await addressWait(ipKey, { hit: true });
  const blockedUntil = await countFailure(user, "password", client, "auth.sign_in", { reason: "wrong_password" }, origin);
  if (!blockedUntil) return refused(SIGN_IN_FAILED);
  return heldBack(secondsUntil(blockedUntil), signInDelayedMessage(secondsUntil(blockedUntil), client));
}

async function unknownEmailAttempt(email: string, password: string, ipKey: string, origin?: RequestOrigin): Promise<SignInResult> {
  const heldForMs = await limitStore().failureRunWait(UNKNOWN_EMAIL_KEY + email);
  if (heldForMs > 0) {
    await recordAudit({ action: "auth.sign_in", outcome: "denied", details: { email, reason: "delayed" }, origin });
    const seconds = secondsUntil(new Date(Date.now() + heldForMs));
    return heldBack(seconds, signInDelayedMessage(seconds, OTHER_CLIENTS));
  }
  await verifyAgainstDummy(password);
  await addressWait(ipKey, { hit: true });
  const { blockedForMs } = await limitStore().failureRunAdd(UNKNOWN_EMAIL_KEY + email, FAILURE_MEMORY_MS, delayAfter);
  await recordAudit({ action: "auth.sign_in", outcome: "failure", details: { email, reason: "unknown_email" }, origin });
  if (!blockedForMs) return refused(SIGN_IN_FAILED);
  const seconds = secondsUntil(new Date(Date.now() + blockedForMs));
  return heldBack(seconds, signInDelayedMessage(seconds, OTHER_CLIENTS));
}

/** Failed sign-in attempts against the account since the owner's previous completed sign-in. */
export interface FailedAttemptsNotice {
  count: number;
  lastAt: Date;
  lastIp: string | null;
  since: Date | null;
}

/** Failed and held-back attempts (password or code) against the account after `since` (all of them when null). */
export async function failedAttemptsSince(userId: string, since: Date | null): Promise<FailedAttemptsNotice | null> {
  const where = {
    actorId: userId,
    action: { in: ["auth.sign_in", "auth.mfa"] },
    outcome: { in: ["failure", "denied"] },
    ...(since ? { at: { gt: since } } : {}),
  };
  const [count, last] = await Promise.all([
    prisma.auditEvent.count({ where }),
    prisma.auditEvent.findFirst({ where, orderBy: { id: "desc" }, select: { at: true, ip: true } }),
  ]);
  return count && last ? { count, lastAt: last.at, lastIp: last.ip, since } : null;
}

/** What the owner's account page reports: the failed attempts since the sign-in before this one. */
export async function failedAttemptsNotice(userId: string): Promise<FailedAttemptsNotice | null> {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { previousSignInAt: true, lastSignInAt: true } });
  return user.lastSignInAt ? failedAttemptsSince(userId, user.previousSignInAt) : null;
}

export type SecondFactorResult =
  | { ok: true; cookies: string[]; failedAttempts: FailedAttemptsNotice | null }
  | SignInRefusal;

/** Second factor on a password-only session: a 6-digit TOTP code, or a recovery code (each usable once). */
export async function verifySecondFactor(pending: CurrentSession, code: string, origin?: RequestOrigin, deviceToken?: string | null): Promise<SecondFactorResult> {
  const { user } = pending;
  const isTotp = /^\d{6}$/.test(code.replace(/\s/g, ""));
  // Recovery codes have their own counter: wrong TOTP codes never stand in the way of a recovery code.
  const factor: SignInFactor = isTotp ? "totp" : "recovery_code";
  const client = await clientOf(user.id, deviceToken);
  const until = await delayedUntil(user.id, factor, client);
  if (until) {
    await recordAudit({ actor: user, action: "auth.mfa", outcome: "denied", details: { method: factor, reason: "delayed", client: clientKind(client), until: until.toISOString() }, origin });
    return heldBack(secondsUntil(until), codeDelayedMessage(secondsUntil(until), factor));
  }
  const verdict = !pending.totpEnabled ? "invalid" : isTotp ? await verifyUserTotp(user.id, code) : (await consumeRecoveryCode(user.id, code)) ? "accepted" : "invalid";
  if (verdict !== "accepted") {
    const blockedUntil = await countFailure(user, factor, client, "auth.mfa", { method: factor, reason: verdict === "used" ? "code_already_used" : "wrong_code" }, origin);
    if (blockedUntil) return heldBack(secondsUntil(blockedUntil), codeDelayedMessage(secondsUntil(blockedUntil), factor));
    return refused(verdict === "used" ? CODE_USED : isTotp ? CODE_INVALID : RECOVERY_CODE_INVALID);
  }
  const details: Record<string, unknown> = { method: factor, client: clientKind(client) };
  if (!isTotp) details.recoveryCodesLeft = await remainingRecoveryCodes(user.id);
  await recordAudit({ actor: user, action: "auth.mfa", details, origin });
  const done = await finishSignIn(user, client, deviceToken, origin);
  return { ok: true, cookies: [await upgradeSession(pending, origin), ...(done.deviceCookie ? [done.deviceCookie] : [])], failedAttempts: done.failedAttempts };
}

/**
 * What completes every sign-in (second factor or enrolment): the browser becomes a device the account knows, this
 * client's failures are forgotten, and the owner learns of the failed attempts since their previous sign-in.
 */
async function finishSignIn(user: { id: string; email: string }, client: string, deviceToken: string | null | undefined, origin?: RequestOrigin) {
  const { lastSignInAt } = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { lastSignInAt: true } });
  const failedAttempts = await failedAttemptsSince(user.id, lastSignInAt);
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { previousSignInAt: lastSignInAt, lastSignInAt: new Date() } });
    if (failedAttempts) {
      await appendAudit(tx, {
        actor: user,
        action: "auth.failed_attempts_reported",
        details: { count: failedAttempts.count, lastAt: failedAttempts.lastAt.toISOString(), lastIp: failedAttempts.lastIp },
        origin,
      });
    }
  });
  await clearFailures(user.id, client);
  return { deviceCookie: await rememberDevice(user.id, deviceToken), failedAttempts };
}

export interface EnrolmentDetails {
  /** Base32, grouped in fours for typing. */
  secretGrouped: string;
  otpauthUri: string;
  /** The URI as a QR code, SVG markup drawn on the server (totpQrSvg). */
  qrSvg: string;
}

/**
 * The secret to enrol, created on first view and kept (unconfirmed) until a code from it is confirmed, so a
 * reload shows the same one. Null when the user has already enrolled.
 */
export async function pendingEnrolment(pending: CurrentSession): Promise<EnrolmentDetails | null> {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: pending.user.id }, select: { email: true, totpSecret: true, totpEnabledAt: true } });
  if (user.totpEnabledAt) return null;
  let secret = user.totpSecret ? openTotpSecret(user.totpSecret) : null;
  if (!secret) {
    secret = generateTotpSecret();
    await prisma.user.updateMany({ where: { id: pending.user.id, totpEnabledAt: null }, data: { totpSecret: sealTotpSecret(secret), totpLastStep: null } });
  }
  const otpauthUri = totpUri(secret, user.email);
  return { secretGrouped: groupSecret(secret), otpauthUri, qrSvg: await totpQrSvg(otpauthUri) };
}

export type EnrolmentResult = { ok: true; recoveryCodes: string[]; deviceCookie: string | null } | SignInRefusal;

const ALREADY_ENROLLED: SignInRefusal = { ok: false, status: 409, message: "Your authenticator is already set up. Sign in with a code from it." };

/** Confirms enrolment with a code from the new secret: TOTP is on, ten recovery codes are issued (shown once). */
export async function confirmEnrolment(pending: CurrentSession, code: string, origin?: RequestOrigin, deviceToken?: string | null): Promise<EnrolmentResult> {
  const { user } = pending;
  if (pending.totpEnabled) return ALREADY_ENROLLED;
  const client = await clientOf(user.id, deviceToken);
  const until = await delayedUntil(user.id, "totp", client);
  if (until) {
    await recordAudit({ actor: user, action: "auth.mfa_enrol", outcome: "denied", details: { reason: "delayed", client: clientKind(client), until: until.toISOString() }, origin });
    return heldBack(secondsUntil(until), codeDelayedMessage(secondsUntil(until), "totp").replace(", or use one of your recovery codes", ""));
  }
  const verdict = await verifyUserTotp(user.id, code);
  if (verdict !== "accepted") {
    const blockedUntil = await countFailure(user, "totp", client, "auth.mfa_enrol", { reason: verdict === "used" ? "code_already_used" : "wrong_code" }, origin);
    if (blockedUntil) return heldBack(secondsUntil(blockedUntil), codeDelayedMessage(secondsUntil(blockedUntil), "totp").replace(", or use one of your recovery codes", ""));
    return refused(
      verdict === "used"
        ? CODE_USED
        : "That code does not match. Check that you entered the secret exactly as shown and that your device's clock is right.",
    );
  }
  const recoveryCodes = await prisma.$transaction(async (tx) => {
    const enabled = await tx.user.updateMany({ where: { id: user.id, totpEnabledAt: null }, data: { totpEnabledAt: new Date() } });
    if (enabled.count === 0) return null;
    const codes = await replaceRecoveryCodes(tx, user.id);
    await appendAudit(tx, { actor: user, action: "auth.mfa_enrol", details: { recoveryCodes: codes.length }, origin });
    await markSessionMfaVerified(pending, tx);
    return codes;
  });
  if (!recoveryCodes) return ALREADY_ENROLLED;
  const { deviceCookie } = await finishSignIn(user, client, deviceToken, origin);
  return { ok: true, recoveryCodes, deviceCookie };
}
