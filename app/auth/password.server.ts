// Password hashing (Argon2id) and the password policy: long enough, not a commonly used password, not the
// user's own email name. The common-password list ships as app/auth/common-passwords.txt.
import { randomBytes, randomInt } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { hash, verify, type Algorithm } from "@node-rs/argon2";

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

// OWASP's Argon2id baseline (19 MiB, 2 passes, 1 lane). `Algorithm` is an ambient const enum: 2 = Argon2id.
const ARGON2ID = 2 as Algorithm;
const HASH_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export async function hashPassword(password: string): Promise<string> {
  return hash(password, HASH_OPTIONS);
}

/** False for a wrong password and for a malformed hash (never throws on bad input). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Verifies against a throwaway hash so an unknown email costs as much time as a wrong password. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(24).toString("base64url"));
  await verifyPassword(await dummyHash, password);
  return false;
}

let commonPasswords: Set<string> | undefined;
function loadCommonPasswords(): Set<string> {
  if (commonPasswords) return commonPasswords;
  // Read from the source tree (like prisma/migrations): the server always runs from the project root.
  const file = path.join(process.cwd(), "app", "auth", "common-passwords.txt");
  const lines = fs.readFileSync(file, "utf8").split("\n");
  commonPasswords = new Set(lines.map((line) => line.trim().toLowerCase()).filter((line) => line && !line.startsWith("#")));
  return commonPasswords;
}

/** True when the password, or the password with digits and symbols trimmed off its ends, is on the list. */
export function isCommonPassword(password: string): boolean {
  const list = loadCommonPasswords();
  const lower = password.trim().toLowerCase();
  if (list.has(lower)) return true;
  // "Password2024!" and "!!monkey123456" are the listed word with decoration; the decoration adds little.
  const core = lower.replace(/^[^a-z]+/, "").replace(/[^a-z]+$/, "");
  return core.length >= 4 && list.has(core);
}

/** The problems with a proposed password, as messages for the user; empty when it is acceptable. */
export function passwordProblems(password: string, email?: string): string[] {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return [`Use at least ${PASSWORD_MIN_LENGTH} characters; a passphrase of several words is easiest to remember.`];
  }
  if (password.length > PASSWORD_MAX_LENGTH) return [`Use at most ${PASSWORD_MAX_LENGTH} characters.`];
  const problems: string[] = [];
  if (isCommonPassword(password)) {
    problems.push("This password is too common: it is on a list of frequently used passwords. Choose a longer, less predictable passphrase.");
  }
  const localPart = email?.split("@")[0]?.trim().toLowerCase() ?? "";
  // Very short email names ("a@b") would refuse almost everything without making anything safer.
  if (localPart.length >= 3 && password.toLowerCase().includes(localPart)) {
    problems.push(`The password must not contain your email name ("${localPart}").`);
  }
  return problems;
}

/** A strong random password for a new account (shown once): 5 groups of 5 letters and digits, about 140 bits. */
export function generatePassword(): string {
  // No look-alikes (0/O, 1/l/I) so it can be read out or typed from a printout.
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
  const groups: string[] = [];
  for (let g = 0; g < 5; g++) {
    let group = "";
    for (let i = 0; i < 5; i++) group += alphabet[randomInt(alphabet.length)];
    groups.push(group);
  }
  return groups.join("-");
}
