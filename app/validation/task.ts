// Task input: a coordinator assigns work on a case or a lead; the assignee moves it through its statuses.
import { z } from "zod";
import { dateInputSchema, emptyToUndefined, idSchema, optionalText, requiredLine, upperEnum, versionSchema } from "./common";

export const TASK_STATUSES = ["TODO", "DOING", "BLOCKED", "DONE"] as const;
export type TaskStatusInput = (typeof TASK_STATUSES)[number];
export const TASK_STATUS_LABELS: Record<TaskStatusInput, string> = { TODO: "To do", DOING: "Doing", BLOCKED: "Blocked", DONE: "Done" };

const taskStatusSchema = upperEnum(TASK_STATUSES, "Choose a status: TODO, DOING, BLOCKED or DONE.");

function requireBlockedReason(input: { status?: TaskStatusInput; blockedReason?: string }, ctx: z.RefinementCtx) {
  if (input.status === "BLOCKED" && !input.blockedReason) {
    ctx.addIssue({ code: "custom", path: ["blockedReason"], message: "Say what the task is blocked on." });
  }
}

export const createTaskSchema = z.object({
  title: requiredLine("Title", 200),
  description: optionalText("Description", 10_000).default(""),
  assigneeId: idSchema,
  /** A task on a lead; absent for a task on the case as a whole. */
  leadId: z.preprocess(emptyToUndefined, idSchema.optional()),
  dueDate: dateInputSchema.optional(),
});
export type CreateTaskInput = z.output<typeof createTaskSchema>;

/** Coordinators may change every field; the assignee only status and blockedReason. */
export const updateTaskSchema = z
  .object({
    version: versionSchema,
    title: z.preprocess(emptyToUndefined, requiredLine("Title", 200).optional()),
    description: optionalText("Description", 10_000).optional(),
    assigneeId: z.preprocess(emptyToUndefined, idSchema.optional()),
    dueDate: dateInputSchema.optional(),
    status: z.preprocess(emptyToUndefined, taskStatusSchema.optional()),
    blockedReason: optionalText("Reason", 2_000).optional(),
  })
  .superRefine(requireBlockedReason);
export type UpdateTaskInput = z.output<typeof updateTaskSchema>;

export const taskBoardQuerySchema = z.object({
  taskforceId: z.preprocess(emptyToUndefined, idSchema.optional()),
  caseId: z.preprocess(emptyToUndefined, idSchema.optional()),
  /** One member's tasks (the taskforce overview links here). */
  assigneeId: z.preprocess(emptyToUndefined, idSchema.optional()),
  /** Only tasks past their due date and not done. */
  overdue: z.preprocess(
    (value) => (value === "" || value === undefined ? undefined : value === true || value === "true" || value === "1"),
    z.boolean({ error: "Use overdue=true or leave it out." }).optional(),
  ),
});
export type TaskBoardQuery = z.output<typeof taskBoardQuerySchema>;
