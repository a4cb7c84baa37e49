import { beforeEach, describe, expect, it } from "vitest";
import { getCurrentSession } from "~/auth/session.server";
import {
  CODE_INVALID,
  CODE_USED,
  IP_FAILURE_LIMIT,
  SIGN_IN_FAILED,
  addressLimitedMessage,
  codeDelayedMessage,
  confirmEnrolment,
  failedAttemptsNotice,
  pendingEnrolment,
  resetSignInLimits,
  signInDelayedMessage,
  signInWithPassword,
  verifySecondFactor,
} from "~/auth/sign-in.server";
import { FIRST_DELAY_MS, OTHER_CLIENTS, deviceTokenFrom } from "~/auth/sign-in-throttle.server";
import { base32Decode, hotp, openTotpSecret, timeStep, totpCode } from "~/auth/totp.server";
import { prisma } from "~/db.server";
import { liftSignInDelay, listUsers } from "~/models/users.server";
import { TEST_PASSWORD, TEST_TOTP_SECRET, createActor, createUser } from "../helpers/factories";

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
    const upgraded = await getCurrentSession(new Request("http://localhost/", { headers: { Cookie: cookieOf(result.cookies[0]) } }));
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
    // Told as used, not as a clock problem: the owner waits for the next code.
    expect(await verifySecondFactor(second.session, code, origin)).toEqual({ ok: false, status: 401, message: CODE_USED });
    expect(CODE_USED).toBe("This code was already used. Wait for the next code from your authenticator app and enter that one.");
    const failures = await prisma.auditEvent.findMany({ where: { action: "auth.mfa", outcome: "failure", actorId: user.id } });
    expect(failures.map((event) => (event.details as { reason: string }).reason)).toEqual(["code_already_used"]);
    // A code that is simply wrong still says to check the clock.
    expect(await verifySecondFactor(second.session, hotp(base32Decode(TEST_TOTP_SECRET), timeStep() + 5), origin)).toEqual({ ok: false, status: 401, message: CODE_INVALID });
  });

  it("accepts each recovery code once", async () => {
    const user = await createUser({ mfa: false });
    const enrol = await pendingSessionFor(user.email);
    await pendingEnrolment(enrol.session);
    const totpSecret = openTotpSecret((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).totpSecret!);
    const confirmed = await confirmEnrolment(enrol.session, totpCode(totpSecret), origin);
    if (!confirmed.ok) throw new Error(confirmed.message);
    const [recoveryCode] = confirmed.recoveryCodes;

    const first = await pendingSessionFor(user.email);
    expect((await verifySecondFactor(first.session, recoveryCode.toUpperCase(), origin)).ok).toBe(true);
    const second = await pendingSessionFor(user.email);
    expect((await verifySecondFactor(second.session, recoveryCode, origin)).ok).toBe(false);
  });

  it("holds back wrong codes progressively, telling when to retry", async () => {
    const user = await createUser();
    const { session } = await pendingSessionFor(user.email);
    const wrong = hotp(base32Decode(TEST_TOTP_SECRET), timeStep() + 5);
    for (let i = 0; i < 4; i++) expect(await verifySecondFactor(session, wrong, origin)).toMatchObject({ ok: false, status: 401, message: CODE_INVALID });
    expectHeldBack(await verifySecondFactor(session, wrong, origin), (seconds) => codeDelayedMessage(seconds, "totp"), 30);
    expect(await verifySecondFactor(session, totpCode(TEST_TOTP_SECRET), origin)).toMatchObject({ ok: false, status: 429 });
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

/** A 429 that says when to retry (at most `maxSeconds` from now), in the message and in retryAfterSeconds. */
function expectHeldBack(answer: { ok: boolean; status?: number; message?: string; retryAfterSeconds?: number }, message: (seconds: number) => string, maxSeconds: number) {
  expect(answer).toMatchObject({ ok: false, status: 429 });
  const seconds = answer.retryAfterSeconds ?? 0;
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(maxSeconds);
  expect(answer.message).toBe(message(seconds));
}

/** A code for the next time step, as the owner's app shows it 30 seconds on (the replay guard is reset for it). */
async function nextCode(userId: string): Promise<string> {
  await prisma.user.update({ where: { id: userId }, data: { totpLastStep: null } });
  return totpCode(TEST_TOTP_SECRET);
}

/** Password and code from a browser (its cb_device token, if it has one); returns the device token it then holds. */
async function signInFully(user: { id: string; email: string }, options: { deviceToken?: string | null; from?: typeof origin } = {}) {
  const from = options.from ?? origin;
  const password = await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin: from, deviceToken: options.deviceToken });
  if (!password.ok) throw new Error(`password step refused: ${password.message}`);
  const session = await getCurrentSession(new Request("http://localhost/mfa/verify", { headers: { Cookie: cookieOf(password.cookie) } }));
  const result = await verifySecondFactor(session!, await nextCode(user.id), from, options.deviceToken);
  if (!result.ok) throw new Error(`second factor refused: ${result.message}`);
  const deviceToken = options.deviceToken ?? deviceTokenFrom(result.cookies.map(cookieOf).join("; "));
  return { result, deviceToken: deviceToken! };
}

const attacker = { ip: "203.0.113.66", userAgent: "curl" };

async function wrongPasswords(email: string, count: number, from = attacker) {
  const answers = [];
  for (let i = 1; i <= count; i++) answers.push(await signInWithPassword({ email, password: `wrong password ${i}`, origin: from }));
  return answers;
}

describe("delays after failed sign-in attempts (no hard lock)", () => {
  it("holds back the account's other clients from the 5th wrong password, saying when to retry, and doubles the delay", async () => {
    const user = await createUser();
    const answers = await wrongPasswords(user.email, 5);
    expect(answers.slice(0, 4).every((answer) => !answer.ok && answer.status === 401 && answer.message === SIGN_IN_FAILED)).toBe(true);
    expectHeldBack(answers[4], (seconds) => signInDelayedMessage(seconds, OTHER_CLIENTS), 30);
    expect(signInDelayedMessage(30, OTHER_CLIENTS)).toBe(
      "Too many failed sign-in attempts. Try again in 30 seconds. Signing in from a device and browser you have used to sign in before is not held back.",
    );
    // Held back, the right password is not even checked.
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin })).toMatchObject({ ok: false, status: 429 });
    const throttle = await prisma.signInThrottle.findUniqueOrThrow({ where: { userId_factor_client: { userId: user.id, factor: "password", client: OTHER_CLIENTS } } });
    expect(throttle.blockedUntil!.getTime() - throttle.lastFailureAt.getTime()).toBe(FIRST_DELAY_MS);

    // Once the delay has passed, one more failure earns twice the delay; the right password works after it.
    await prisma.signInThrottle.updateMany({ where: { userId: user.id }, data: { blockedUntil: new Date(Date.now() - 1000) } });
    await wrongPasswords(user.email, 1);
    const doubled = await prisma.signInThrottle.findUniqueOrThrow({ where: { userId_factor_client: { userId: user.id, factor: "password", client: OTHER_CLIENTS } } });
    expect(doubled.blockedUntil!.getTime() - doubled.lastFailureAt.getTime()).toBe(2 * FIRST_DELAY_MS);
    await prisma.signInThrottle.updateMany({ where: { userId: user.id }, data: { blockedUntil: new Date(Date.now() - 1000) } });
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin })).toMatchObject({ ok: true });
    expect(await prisma.auditEvent.count({ where: { action: "auth.sign_in_delay", actorId: user.id } })).toBe(2);
  });

  it("lets the owner's known device in with the right password and code while an attacker's failures hold back everyone else", async () => {
    const user = await createUser();
    const { deviceToken } = await signInFully(user);
    const attack = await wrongPasswords(user.email, 12);
    expect(attack.at(-1)).toMatchObject({ ok: false, status: 429 });
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin: attacker })).toMatchObject({ ok: false, status: 429 });

    const owner = await signInFully(user, { deviceToken });
    expect(owner.result.ok).toBe(true);
    // The attacker's clients are still held back after the owner's sign-in.
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin: attacker })).toMatchObject({ ok: false, status: 429 });
  });

  it("holds back a known device only for its own failures", async () => {
    const user = await createUser();
    const { deviceToken } = await signInFully(user);
    for (let i = 0; i < 5; i++) await signInWithPassword({ email: user.email, password: `typo ${i}`, origin, deviceToken });
    // The device is told when to retry, without the hint about other devices.
    expectHeldBack(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin, deviceToken }), (seconds) => signInDelayedMessage(seconds, deviceToken), 30);
    // Another browser of the owner's is not held back by the device's typos.
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin })).toMatchObject({ ok: true });
  });

  it("holds back an unknown email exactly like an account's other clients (no enumeration)", async () => {
    const user = await createUser();
    const real = await wrongPasswords(user.email, 6);
    const ghost = await wrongPasswords(`ghost-${Date.now()}@test.local`, 6);
    expect(ghost.map((answer) => (answer.ok ? null : [answer.status, answer.message]))).toEqual(real.map((answer) => (answer.ok ? null : [answer.status, answer.message])));
  });

  it("counts only failures per address: successes never hold an address back", async () => {
    const user = await createUser();
    const office = { ip: "198.51.100.7", userAgent: "vitest" };
    for (let i = 0; i < IP_FAILURE_LIMIT + 5; i++) {
      expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin: office }), `sign-in ${i + 1}`).toMatchObject({ ok: true });
    }
    // Failures do: spraying unknown emails from the address holds it back, with when to retry.
    for (let i = 0; i < IP_FAILURE_LIMIT; i++) await signInWithPassword({ email: `spray-${i}@test.local`, password: "spray attempt", origin: office });
    expectHeldBack(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin: office }), addressLimitedMessage, 5 * 60);
    // Another address is not held back.
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin })).toMatchObject({ ok: true });
  });

  it("does not hold back the owner's known device for what others did from its network", async () => {
    const user = await createUser();
    const office = { ip: "198.51.100.8", userAgent: "vitest" };
    const { deviceToken } = await signInFully(user, { from: office });
    for (let i = 0; i < IP_FAILURE_LIMIT; i++) await signInWithPassword({ email: `spray-${i}@test.local`, password: "spray attempt", origin: office });
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin: office })).toMatchObject({ ok: false, status: 429 });
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin: office, deviceToken })).toMatchObject({ ok: true });
  });

  it("keeps recovery codes working after wrong TOTP codes (they have their own counter)", async () => {
    const user = await createUser({ mfa: false });
    const enrol = await pendingSessionFor(user.email);
    await pendingEnrolment(enrol.session);
    const totpSecret = openTotpSecret((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).totpSecret!);
    const confirmed = await confirmEnrolment(enrol.session, totpCode(totpSecret), origin);
    if (!confirmed.ok) throw new Error(confirmed.message);

    const { session } = await pendingSessionFor(user.email);
    const wrong = hotp(base32Decode(totpSecret), timeStep() + 5);
    for (let i = 0; i < 8; i++) await verifySecondFactor(session, wrong, origin);
    expect(await verifySecondFactor(session, wrong, origin)).toMatchObject({ ok: false, status: 429 });
    const recovered = await verifySecondFactor(session, confirmed.recoveryCodes[0], origin);
    expect(recovered.ok).toBe(true);
  });

  it("lets an administrator see and lift a delay, audited; the owner can sign in at once", async () => {
    const user = await createUser();
    const admin = await createActor({ role: "ADMIN" });
    await wrongPasswords(user.email, 10);
    expect((await listUsers(admin)).find((row) => row.id === user.id)?.signInDelayedUntil).toBeInstanceOf(Date);
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin })).toMatchObject({ ok: false, status: 429 });

    const lifted = await liftSignInDelay(admin, user.id);
    expect(lifted.signInDelayedUntil).toBeNull();
    expect(await prisma.auditEvent.count({ where: { action: "user.sign_in_delay_lift", itemId: user.id, actorId: admin.id } })).toBe(1);
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD, origin })).toMatchObject({ ok: true });
  });

  it("refuses the lift to anyone but an administrator", async () => {
    const user = await createUser();
    const coordinator = await createActor({ role: "COORDINATOR" });
    await expect(liftSignInDelay(coordinator, user.id)).rejects.toThrow();
    expect(await prisma.auditEvent.count({ where: { action: "user.sign_in_delay_lift", itemId: user.id } })).toBe(0);
  });

  it("tells the owner, at their next sign-in, of the failed attempts since their previous one, and audits that", async () => {
    const user = await createUser();
    const { deviceToken } = await signInFully(user);
    await wrongPasswords(user.email, 3);
    const next = await signInFully(user, { deviceToken });
    expect(next.result.ok && next.result.failedAttempts).toMatchObject({ count: 3, lastIp: attacker.ip });
    expect(await failedAttemptsNotice(user.id)).toMatchObject({ count: 3, lastIp: attacker.ip });
    const reported = await prisma.auditEvent.findMany({ where: { action: "auth.failed_attempts_reported", actorId: user.id } });
    expect(reported.map((event) => (event.details as { count: number }).count)).toEqual([3]);

    // Told once: the sign-in after that has nothing new to report.
    const later = await signInFully(user, { deviceToken });
    expect(later.result.ok && later.result.failedAttempts).toBeNull();
    expect(await failedAttemptsNotice(user.id)).toBeNull();
  });
});
