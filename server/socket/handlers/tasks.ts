// Tasks over the socket: coordinators assign, assignees move them along (permissions in the model).
import { createTask, updateTask } from "~/models/tasks.server";
import { jsonSafe } from "~/utils/json";
import { taskAssignEventSchema, taskUpdateEventSchema } from "~/validation/realtime";
import { handle, socketCreate } from "../handler";
import type { Realtime } from "../realtime";
import type { RealtimeSocket } from "../types";

export function registerTaskHandlers(realtime: Realtime, socket: RealtimeSocket): void {
  handle(realtime, socket, "task:assign", taskAssignEventSchema, async ({ actor }, { caseId, task, clientEventId }) => ({
    item: await createTask(actor, caseId, task, socketCreate(clientEventId)),
  }));
  handle(realtime, socket, "task:update", taskUpdateEventSchema, async ({ actor }, { taskId, changes }) => ({ item: jsonSafe(await updateTask(actor, taskId, changes)) }));
}
