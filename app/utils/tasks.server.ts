// The task status form (intent "status") shared by My tasks, the task board and the task page.
import type { Actor } from "~/auth/permissions.server";
import { updateTask } from "~/models/tasks.server";
import { parseInput } from "~/utils/forms.server";
import { idSchema } from "~/validation/common";
import { updateTaskSchema } from "~/validation/task";

export async function changeTaskStatus(actor: Actor, values: Record<string, unknown>, taskId?: string) {
  const id = taskId ?? parseInput(idSchema, values.taskId);
  const { version, status, blockedReason } = parseInput(updateTaskSchema, values);
  return updateTask(actor, id, { version, status, blockedReason });
}
