// TLP 2.0 handling codes as their standard labels, in the TLP colours on black (styles.css .tlp-*).
import type { HandlingCode } from "@prisma/client";
import { HANDLING_CODE_LABELS } from "~/auth/handling-codes";

export { HANDLING_CODE_LABELS };

export function HandlingCodeBadge({ code }: { code: HandlingCode }) {
  return <span className={`tlp tlp-${code}`}>{HANDLING_CODE_LABELS[code]}</span>;
}
