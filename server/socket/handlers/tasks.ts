// Tasks over the socket: coordinators assign, assignees move them along (permissions in the model).
import { createTask, updateTask } from "~/models/tasks.server";
import { jsonSafe } from "~/models/workspace.server";
import { taskAssignEventSchema, taskUpdateEventSchema } from "~/validation/realtime";
import { handle } from "../handler";
import type { Realtime } from "../realtime";
import type { RealtimeSocket } from "../types";

export function registerTaskHandlers(realtime: Realtime, socket: RealtimeSocket): void {
  handle(realtime, socket, "task:assign", taskAssignEventSchema, async ({ actor }, { caseId }, raw) => ({ item: jsonSafe(await createTask(actor, caseId, raw.task)) }));
  handle(realtime, socket, "task:update", taskUpdateEventSchema, async ({ actor }, { taskId }, raw) => ({ item: jsonSafe(await updateTask(actor, taskId, raw.changes)) }));
}
