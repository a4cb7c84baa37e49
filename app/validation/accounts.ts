// Input schemas for sign-in, second factor, access tokens, users and taskforces: shared by forms, actions,
// model functions and the command-line scripts. Every free-text field is text-only.
import { z } from "zod";
import { dateInputSchema, upperEnum } from "./common";
import { textOnly } from "./text-only";

export const ROLES = ["ANALYST", "COORDINATOR", "LIAISON", "ADMIN"] as const;
export const VETTING_STATES = ["PENDING", "VETTED", "EXPIRED"] as const;
const ROLE_MESSAGE = "Choose a role: analyst, coordinator, liaison or admin.";
const VETTING_MESSAGE = "Choose a vetting state: pending, vetted or expired.";

const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "Use at most 254 characters.")
  .pipe(z.email("Enter an email address, such as name@agency.example."));

/** Where to go after signing in: only a path on this site ("/x", never "//host" or "https://..."). */
export function safeRedirectPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  return value.length > 1000 ? fallback : value;
}

export const signInSchema = z.object({
  email,
  // No policy at sign-in (that would tell an attacker what passwords exist); only a sane bound.
  password: z.string().min(1, "Enter your password.").max(1024, "Enter your password."),
  redirectTo: z.string().optional(),
});

/** A 6-digit authenticator code or a recovery code ("abcde-12345"). */
export const secondFactorSchema = z.object({
  code: z
    .string()
    .trim()
    .min(1, "Enter the 6-digit code from your authenticator app, or a recovery code.")
    .max(32, "That is not a code Cluebridge issues."),
  redirectTo: z.string().optional(),
});

export const enrolmentSchema = z.object({
  code: z
    .string()
    .transform((value) => value.replace(/\s/g, ""))
    .pipe(z.string().regex(/^\d{6}$/, "Enter the 6-digit code your authenticator app shows for Cluebridge.")),
  redirectTo: z.string().optional(),
});

export const newTokenSchema = z.object({
  name: textOnly(z.string().trim().min(1, "Give the token a name, such as the tool that will use it.").max(100, "Use at most 100 characters.")),
  days: z.coerce
    .number("Enter a number of days.")
    .int("Enter a whole number of days.")
    .min(1, "A token lasts at least 1 day.")
    .max(366, "A token lasts at most 366 days; create a new one when it expires.")
    .default(90),
});

const agency = textOnly(z.string().trim().min(1, "Enter the person's agency.").max(120, "Use at most 120 characters."));

/** A new account as the API creates it: no password is chosen here; the response carries a one-time password. */
export const adminNewUserSchema = z.object({
  email,
  displayName: textOnly(z.string().trim().min(1, "Enter the person's name.").max(120, "Use at most 120 characters.")),
  agency,
  role: z.enum(ROLES, ROLE_MESSAGE),
  /** Checked when the agency's vetting of this person is complete: vetting reads VETTED and the account is active at once. */
  // A form's checkbox sends "on" (or nothing); JSON sends a boolean, and anything else is refused, not read as false.
  vettingComplete: z.preprocess((value) => (typeof value === "string" ? value === "on" || value === "true" : value), z.boolean("Send true or false.")).default(false),
  /** When the vetting lapses, if it has an end date ("" or absent: none). */
  vettingExpiresAt: dateInputSchema.optional(),
});

/** A new account from the administration page, which may also set the initial password. */
export const newUserSchema = adminNewUserSchema.extend({
  /** Optional: without one, a strong password is generated and shown once. */
  password: z.string().max(256, "Use at most 256 characters.").optional(),
});

/** What an administrator changes about an account (at least one field): role, agency and vetting. */
export const userUpdateSchema = z
  .object({
    role: z.enum(ROLES, ROLE_MESSAGE).optional(),
    agency: agency.optional(),
    vettingState: upperEnum(VETTING_STATES, VETTING_MESSAGE).optional(),
    /** null or "" clears the end date. */
    vettingExpiresAt: dateInputSchema.optional(),
  })
  .refine((input) => Object.values(input).some((value) => value !== undefined), "Change at least one of role, agency, vettingState or vettingExpiresAt.");

export const roleChangeSchema = z.object({
  userId: z.string().min(1, "Choose a user."),
  role: z.enum(ROLES, ROLE_MESSAGE),
});

export const newTaskforceSchema = z.object({
  name: textOnly(z.string().trim().min(1, "Enter the taskforce's name.").max(120, "Use at most 120 characters.")),
  description: textOnly(z.string().trim().max(2000, "Use at most 2000 characters.")).default(""),
});

/** The person to add to a taskforce (the API names the taskforce in its path). */
export const newMemberSchema = z.object({ email });

export const membershipSchema = newMemberSchema.extend({
  taskforceId: z.string().min(1, "Choose a taskforce."),
});

export type NewUserInput = z.output<typeof newUserSchema>;
export type UserUpdateInput = z.output<typeof userUpdateSchema>;
export type RoleChangeInput = z.output<typeof roleChangeSchema>;
export type NewTaskforceInput = z.output<typeof newTaskforceSchema>;
export type MembershipInput = z.output<typeof membershipSchema>;
export type NewTokenInput = z.output<typeof newTokenSchema>;

/** The new password a user must choose after signing in with an administrator's one-time password. */
export const newPasswordSchema = z
  .object({
    password: z.string().min(1, "Enter a new password.").max(256, "Use at most 256 characters."),
    confirmPassword: z.string().max(256, "Use at most 256 characters."),
  })
  .refine((input) => input.password === input.confirmPassword, { error: "The two passwords are not the same.", path: ["confirmPassword"] });

export type NewPasswordInput = z.output<typeof newPasswordSchema>;
