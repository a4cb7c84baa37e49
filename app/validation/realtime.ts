// Socket event payloads (docs/realtime-protocol.md). The item parts reuse the same schemas as the forms and
// the API, so a clue written over the socket is checked exactly like one posted from the page.
import { z } from "zod";
import { createClueSchema, updateClueSchema } from "./clue";
import { createCommentSchema } from "./comment";
import { idempotencyKeySchema, idSchema, optionalText } from "./common";
import { createLeadSchema, updateLeadSchema } from "./lead";
import { decideReviewSchema, reviewItemTypeSchema } from "./review";
import { createTaskSchema, updateTaskSchema } from "./task";

const object = <T extends z.ZodRawShape>(shape: T) => z.object(shape, { error: "Send an object with the event's fields." });

export const roomJoinSchema = object({
  taskforceId: idSchema,
  lastEventId: z
    .number({ error: "lastEventId is the seq of the last event you received (a whole number)." })
    .int("lastEventId must be a whole number.")
    .min(0, "lastEventId must be 0 or more.")
    .optional(),
});

export const roomLeaveSchema = object({ taskforceId: idSchema });

export const presenceViewingSchema = object({ taskforceId: idSchema, leadId: idSchema.nullable() });

/**
 * The idempotency key of a write that creates something (docs/realtime-protocol.md, "Retrying safely"): made
 * once per user action (a UUID fits) and sent again unchanged with every retry of that action.
 */
export const clientEventIdSchema = idempotencyKeySchema("clientEventId");

export const leadShareSchema = object({ leadId: idSchema, note: optionalText("Note", 2_000).optional(), clientEventId: clientEventIdSchema.optional() });
export const leadClaimSchema = object({ leadId: idSchema });
export const leadReassignClaimSchema = object({ leadId: idSchema, toUserId: idSchema.nullable() });

export const clueCreateEventSchema = object({ caseId: idSchema, clue: createClueSchema, clientEventId: clientEventIdSchema.optional() });
export const clueUpdateEventSchema = object({ clueId: idSchema, changes: updateClueSchema });
export const leadCreateEventSchema = object({ caseId: idSchema, lead: createLeadSchema, clientEventId: clientEventIdSchema.optional() });
export const leadUpdateEventSchema = object({ leadId: idSchema, changes: updateLeadSchema });
export const taskAssignEventSchema = object({ caseId: idSchema, task: createTaskSchema, clientEventId: clientEventIdSchema.optional() });
export const taskUpdateEventSchema = object({ taskId: idSchema, changes: updateTaskSchema });
export const commentCreateEventSchema = createCommentSchema.extend({ clientEventId: clientEventIdSchema.optional() });
export const reviewDecideEventSchema = z.intersection(object({ itemType: reviewItemTypeSchema, itemId: idSchema }), decideReviewSchema);
