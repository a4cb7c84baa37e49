import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generatePassword, hashPassword, isCommonPassword, passwordProblems, verifyPassword } from "~/auth/password.server";
import { DEMO_ACCOUNTS } from "../../prisma/seed";

describe("password policy", () => {
  it("refuses a password shorter than 12 characters", () => {
    expect(passwordProblems("Tr0ub4dor&3")).toEqual([expect.stringContaining("at least 12 characters")]);
  });

  it("refuses a password longer than 256 characters", () => {
    expect(passwordProblems("x".repeat(200) + "y".repeat(57))).toEqual([expect.stringContaining("at most 256")]);
  });

  it("refuses common passwords whatever their case", () => {
    expect(passwordProblems("password1234")).toEqual([expect.stringContaining("too common")]);
    expect(passwordProblems("QwErTyUiOp123")).toEqual([expect.stringContaining("too common")]);
    expect(isCommonPassword("1q2w3e4r5t6y")).toBe(true);
  });

  it("refuses a common word merely decorated with digits and symbols", () => {
    expect(isCommonPassword("Password2024!!")).toBe(true);
    expect(isCommonPassword("!!monkey1234567")).toBe(true);
  });

  it("ships a list of at least a thousand common passwords", () => {
    const lines = fs.readFileSync(path.join(process.cwd(), "app", "auth", "common-passwords.txt"), "utf8").split("\n");
    expect(lines.filter((line) => line.trim() && !line.startsWith("#")).length).toBeGreaterThanOrEqual(1000);
    for (const common of ["123456", "password", "qwerty", "iloveyou", "letmein", "trustno1", "sunshine", "football"]) {
      expect(isCommonPassword(common), common).toBe(true);
    }
  });

  it("refuses a password that contains the email's local part", () => {
    expect(passwordProblems("my-name-is-jdoe-and-more", "JDoe@agency.example")).toEqual([expect.stringContaining('"jdoe"')]);
  });

  it("accepts a long passphrase that is not common and not the email name", () => {
    expect(passwordProblems("violet summit ledger 63", "jdoe@agency.example")).toEqual([]);
  });

  it("accepts the generated passwords and the demo passwords", () => {
    for (let i = 0; i < 20; i++) expect(passwordProblems(generatePassword(), "someone@agency.example")).toEqual([]);
    for (const account of DEMO_ACCOUNTS) expect(passwordProblems(account.password, account.email), account.email).toEqual([]);
  });
});

describe("password hashing", () => {
  it("hashes with Argon2id and verifies only the right password", async () => {
    const stored = await hashPassword("violet summit ledger 63");
    expect(stored.startsWith("$argon2id$")).toBe(true);
    expect(await verifyPassword(stored, "violet summit ledger 63")).toBe(true);
    expect(await verifyPassword(stored, "violet summit ledger 64")).toBe(false);
  });

  it("treats a malformed stored hash as a wrong password instead of failing", async () => {
    expect(await verifyPassword("not-a-hash", "anything at all")).toBe(false);
  });
});
