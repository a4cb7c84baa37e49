// Words people read for stored enum values, and option lists for forms (browser-safe: no Prisma at runtime).
// Labels the validation modules already define are re-exported from there, not copied.
import type { Confidence, HandlingCode, Priority, ReviewState, Role } from "@prisma/client";
import type { Option } from "~/components/Field";
import { CASE_STATUS_LABELS } from "~/validation/case";
import { LEAD_STATUS_LABELS } from "~/validation/lead";
import { TASK_STATUS_LABELS } from "~/validation/task";

export { CASE_STATUS_LABELS, LEAD_STATUS_LABELS, TASK_STATUS_LABELS };

function options<K extends string>(labels: Record<K, string>): Option[] {
  return (Object.keys(labels) as K[]).map((value) => ({ value, label: labels[value] }));
}

/** Handling codes with who may see an item under each, strictest first (the order of the enum). */
const HANDLING_CODE_NAMES: Record<HandlingCode, string> = {
  RED: "TLP:RED (you and the members you name)",
  AMBER_STRICT: "TLP:AMBER+STRICT (your agency in this taskforce)",
  AMBER: "TLP:AMBER (this taskforce)",
  GREEN: "TLP:GREEN (community, after review)",
  CLEAR: "TLP:CLEAR (no limit, after review)",
};
export const HANDLING_CODE_OPTIONS = options(HANDLING_CODE_NAMES);

export const CONFIDENCE_LABELS: Record<Confidence, string> = { LOW: "Low", MEDIUM: "Medium", HIGH: "High" };
export const CONFIDENCE_OPTIONS = options(CONFIDENCE_LABELS);

export const PRIORITY_LABELS: Record<Priority, string> = { LOW: "Low", MEDIUM: "Medium", HIGH: "High", URGENT: "Urgent" };
export const PRIORITY_OPTIONS = options(PRIORITY_LABELS);

export const REVIEW_STATE_LABELS: Record<ReviewState, string> = {
  NONE: "Not submitted",
  REQUESTED: "Review requested",
  APPROVED: "Approved for dissemination",
  REJECTED: "Rejected",
  RETURNED: "Returned to the author",
};

export const ROLE_LABELS: Record<Role, string> = { ANALYST: "Analyst", COORDINATOR: "Coordinator", LIAISON: "Liaison", ADMIN: "Administrator" };

/** Each role's home page. */
export const ROLE_HOME: Record<Role, string> = { ANALYST: "/home", COORDINATOR: "/board", LIAISON: "/reviews", ADMIN: "/admin" };
