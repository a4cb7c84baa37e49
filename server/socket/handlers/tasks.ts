// Tasks over the socket: coordinators assign, assignees move them along (permissions in the model).
import { createTask, updateTask } from "~/models/tasks.server";
import { jsonSafe } from "~/utils/json";
import { taskAssignEventSchema, taskUpdateEventSchema } from "~/validation/realtime";
import { type SocketHandlers, socketCreate } from "../handler";

export function registerTaskHandlers(handlers: SocketHandlers): void {
  handlers.on("task:assign", taskAssignEventSchema, async ({ actor }, { caseId, task, clientEventId }) => ({
    item: await createTask(actor, caseId, task, socketCreate(clientEventId)),
  }));
  handlers.on("task:update", taskUpdateEventSchema, async ({ actor }, { taskId, changes }) => ({ item: jsonSafe(await updateTask(actor, taskId, changes)) }));
}
