import { beforeEach, describe, expect, it } from "vitest";
import { getCurrentSession } from "~/auth/session.server";
import {
  ACCOUNT_LOCKED,
  CODE_INVALID,
  CODE_LIMITED,
  IP_ATTEMPT_LIMIT,
  IP_LIMITED,
  SIGN_IN_FAILED,
  confirmEnrolment,
  pendingEnrolment,
  resetSignInLimits,
  signInWithPassword,
  verifySecondFactor,
} from "~/auth/sign-in.server";
import { base32Decode, hotp, timeStep, totpCode } from "~/auth/totp.server";
import { prisma } from "~/db.server";
import { TEST_PASSWORD, TEST_TOTP_SECRET, createUser } from "../helpers/factories";

const origin = { ip: "192.0.2.10", userAgent: "vitest" };

beforeEach(() => resetSignInLimits());

function cookieOf(setCookie: string) {
  return setCookie.split(";")[0];
}

async function pendingSessionFor(email: string, password = TEST_PASSWORD) {
  const result = await signInWithPassword({ email, password, origin });
  if (!result.ok) throw new Error(result.message);
  const session = await getCurrentSession(new Request("http://localhost/mfa/verify", { headers: { Cookie: cookieOf(result.cookie) } }));
  return { result, session: session! };
}

describe("password step", () => {
  it("starts a password-only session and sends an enrolled user to the second factor", async () => {
    const user = await createUser();
    const { result, session } = await pendingSessionFor(user.email);
    expect(result).toMatchObject({ ok: true, next: "/mfa/verify" });
    expect(session).toMatchObject({ mfaVerified: false, totpEnabled: true, user: { id: user.id } });
  });

  it("sends a user without an authenticator to enrolment", async () => {
    const user = await createUser({ mfa: false });
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin })).toMatchObject({ ok: true, next: "/mfa/enrol" });
  });

  it("matches the email whatever its case", async () => {
    const user = await createUser();
    expect(await signInWithPassword({ email: user.email.toUpperCase(), password: TEST_PASSWORD, origin })).toMatchObject({ ok: true });
  });

  it("gives the same answer for an unknown email and a wrong password (no enumeration)", async () => {
    const user = await createUser();
    const wrongPassword = await signInWithPassword({ email: user.email, password: "not the password at all", origin });
    const unknownEmail = await signInWithPassword({ email: "nobody-here@test.local", password: "not the password at all", origin });
    expect(wrongPassword).toEqual({ ok: false, status: 401, message: SIGN_IN_FAILED });
    expect(unknownEmail).toEqual(wrongPassword);
    expect(SIGN_IN_FAILED).toBe("Email or password is incorrect.");
  });

  it("refuses pending and suspended users with the same generic message, even with the right password", async () => {
    for (const status of ["PENDING", "SUSPENDED"] as const) {
      const user = await createUser({ status });
      expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin })).toEqual({ ok: false, status: 401, message: SIGN_IN_FAILED });
      expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
    }
  });

  it("locks an account for 15 minutes after 5 failures, refusing even the right password meanwhile", async () => {
    const user = await createUser();
    for (let i = 1; i <= 4; i++) {
      expect(await signInWithPassword({ email: user.email, password: `wrong password ${i}`, origin })).toMatchObject({ message: SIGN_IN_FAILED });
    }
    expect(await signInWithPassword({ email: user.email, password: "wrong password 5", origin })).toEqual({ ok: false, status: 429, message: ACCOUNT_LOCKED });
    expect(ACCOUNT_LOCKED).toBe("Too many failed attempts. This account is locked for 15 minutes.");
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin })).toMatchObject({ ok: false, message: ACCOUNT_LOCKED });
    const locked = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(locked.lockedUntil!.getTime() - Date.now()).toBeGreaterThan(14 * 60 * 1000);
    expect(await prisma.auditEvent.count({ where: { action: "auth.lockout", actorId: user.id } })).toBe(1);

    // Once the lock has passed, the right password works and the count starts again.
    await prisma.user.update({ where: { id: user.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin })).toMatchObject({ ok: true });
  });

  it("shows the same lockout for an unknown email that reaches the limit", async () => {
    const answers = [];
    for (let i = 1; i <= 6; i++) answers.push(await signInWithPassword({ email: "ghost@test.local", password: `guess number ${i}`, origin }));
    expect(answers.slice(0, 4).every((answer) => !answer.ok && answer.message === SIGN_IN_FAILED)).toBe(true);
    expect(answers[4]).toEqual({ ok: false, status: 429, message: ACCOUNT_LOCKED });
    expect(answers[5]).toEqual({ ok: false, status: 429, message: ACCOUNT_LOCKED });
  });

  it("limits attempts per address", async () => {
    const user = await createUser();
    const from = { ip: "198.51.100.7", userAgent: "vitest" };
    for (let i = 0; i < IP_ATTEMPT_LIMIT; i++) {
      await signInWithPassword({ email: `spray-${i}@test.local`, password: "spray attempt", origin: from });
    }
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin: from })).toEqual({ ok: false, status: 429, message: IP_LIMITED });
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin })).toMatchObject({ ok: true });
  });

  it("writes audit events for success and failure, with where they came from", async () => {
    const user = await createUser();
    const before = await prisma.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
    await signInWithPassword({ email: user.email, password: "definitely wrong", origin });
    await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin });
    await signInWithPassword({ email: "unknown-person@test.local", password: "definitely wrong", origin });
    const events = await prisma.auditEvent.findMany({
      where: { action: "auth.sign_in", id: { gt: before?.id ?? 0n } },
      orderBy: { id: "asc" },
    });
    expect(events.map((event) => [event.actorId, event.outcome, (event.details as { reason?: string }).reason ?? null])).toEqual([
      [user.id, "failure", "wrong_password"],
      [user.id, "ok", null],
      [null, "failure", "unknown_email"],
    ]);
    expect(events.every((event) => event.ip === origin.ip && event.userAgent === origin.userAgent)).toBe(true);
  });
});

describe("second factor", () => {
  it("completes sign-in with a current code, in a new session id", async () => {
    const user = await createUser();
    const { session } = await pendingSessionFor(user.email);
    const result = await verifySecondFactor(session, totpCode(TEST_TOTP_SECRET), origin);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const upgraded = await getCurrentSession(new Request("http://localhost/", { headers: { Cookie: cookieOf(result.cookie) } }));
    expect(upgraded).toMatchObject({ mfaVerified: true, user: { id: user.id } });
    expect(upgraded!.sessionId).not.toBe(session.sessionId);
    expect(await prisma.session.findUnique({ where: { id: session.storedId } })).toBeNull();
    expect(await prisma.auditEvent.count({ where: { action: "auth.mfa", outcome: "ok", actorId: user.id } })).toBe(1);
  });

  it("refuses a code that was already used (replay), even in another sign-in", async () => {
    const user = await createUser();
    const code = totpCode(TEST_TOTP_SECRET);
    const first = await pendingSessionFor(user.email);
    expect((await verifySecondFactor(first.session, code, origin)).ok).toBe(true);
    const second = await pendingSessionFor(user.email);
    expect(await verifySecondFactor(second.session, code, origin)).toEqual({ ok: false, status: 401, message: CODE_INVALID });
    expect(await prisma.auditEvent.count({ where: { action: "auth.mfa", outcome: "failure", actorId: user.id } })).toBe(1);
  });

  it("accepts each recovery code once", async () => {
    const user = await createUser({ mfa: false });
    const enrol = await pendingSessionFor(user.email);
    await pendingEnrolment(enrol.session);
    const { totpSecret } = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    const confirmed = await confirmEnrolment(enrol.session, totpCode(totpSecret!), origin);
    if (!confirmed.ok) throw new Error(confirmed.message);
    const [recoveryCode] = confirmed.recoveryCodes;

    const first = await pendingSessionFor(user.email);
    expect((await verifySecondFactor(first.session, recoveryCode.toUpperCase(), origin)).ok).toBe(true);
    const second = await pendingSessionFor(user.email);
    expect((await verifySecondFactor(second.session, recoveryCode, origin)).ok).toBe(false);
  });

  it("limits wrong codes", async () => {
    const user = await createUser();
    const { session } = await pendingSessionFor(user.email);
    const now = Date.now();
    const wrong = hotp(base32Decode(TEST_TOTP_SECRET), timeStep(now) + 5);
    for (let i = 0; i < 5; i++) expect(await verifySecondFactor(session, wrong, origin)).toMatchObject({ ok: false, message: CODE_INVALID });
    expect(await verifySecondFactor(session, totpCode(TEST_TOTP_SECRET), origin)).toEqual({ ok: false, status: 429, message: CODE_LIMITED });
  });
});

describe("enrolment at first sign-in", () => {
  it("keeps the same pending secret across views, then enables TOTP and issues ten hashed recovery codes", async () => {
    const user = await createUser({ mfa: false });
    const { session } = await pendingSessionFor(user.email);
    const first = await pendingEnrolment(session);
    const again = await pendingEnrolment(session);
    expect(first).toEqual(again);
    expect(first!.otpauthUri).toMatch(/^otpauth:\/\/totp\/Cluebridge%3A/);
    const secret = first!.secretGrouped.replace(/ /g, "");

    expect(await confirmEnrolment(session, "000000", origin)).toMatchObject({ ok: false, status: 401 });
    const result = await confirmEnrolment(session, totpCode(secret), origin);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.recoveryCodes).toHaveLength(10);
    const stored = await prisma.recoveryCode.findMany({ where: { userId: user.id } });
    expect(stored).toHaveLength(10);
    expect(stored.map((row) => row.codeHash)).not.toContain(result.recoveryCodes[0]);
    const enrolled = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(enrolled.totpEnabledAt).not.toBeNull();
    expect((await prisma.session.findUniqueOrThrow({ where: { id: session.storedId } })).mfaVerified).toBe(true);
    expect(await prisma.auditEvent.count({ where: { action: "auth.mfa_enrol", outcome: "ok", actorId: user.id } })).toBe(1);
  });

  it("does not let a user who has an authenticator enrol a new one", async () => {
    const user = await createUser();
    const { session } = await pendingSessionFor(user.email);
    expect(await pendingEnrolment(session)).toBeNull();
    expect(await confirmEnrolment(session, totpCode(TEST_TOTP_SECRET), origin)).toMatchObject({ ok: false, status: 409 });
  });
});
