// The case package's format: JSON (the default, for tools) or CSV (for spreadsheets).
import { z } from "zod";
import { emptyToUndefined } from "./common";

export const caseExportQuerySchema = z.object({
  format: z.preprocess(
    (value) => (typeof value === "string" ? emptyToUndefined(value.trim().toLowerCase()) : value),
    z.enum(["json", "csv"], { error: "Choose json or csv." }).default("json"),
  ),
});
