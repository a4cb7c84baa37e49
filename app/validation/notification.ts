// Inbox input: which notifications to list, and which to mark read.
import { z } from "zod";
import { idListSchema } from "./common";

export const listNotificationsQuerySchema = z.object({
  unread: z
    .preprocess((value) => (value === "" ? undefined : value), z.enum(["true", "false"], { error: "Use unread=true or unread=false." }).optional())
    .transform((value) => value === "true"),
});
export type ListNotificationsQuery = z.output<typeof listNotificationsQuerySchema>;

/** Notification ids are whole numbers written as text (they are 64-bit). */
const notificationIdsSchema = idListSchema.pipe(z.array(z.string().regex(/^\d{1,19}$/, "A notification id is a whole number.")));

export const markNotificationsReadSchema = z
  .object({
    ids: notificationIdsSchema.optional(),
    all: z.preprocess((value) => (value === "" ? undefined : value === "true" ? true : value === "false" ? false : value), z.boolean({ error: "Use true or false." }).optional()),
  })
  .superRefine((input, ctx) => {
    if (!input.all && !input.ids?.length) ctx.addIssue({ code: "custom", path: ["ids"], message: "Name the notifications to mark read, or send all: true." });
  });
export type MarkNotificationsReadInput = z.output<typeof markNotificationsReadSchema>;
