// Tasks over the socket: coordinators assign, assignees move them along (permissions in the model).
import { itemOf, oncePerClientEvent } from "~/models/client-events.server";
import { createTask, updateTask } from "~/models/tasks.server";
import { jsonSafe } from "~/models/workspace.server";
import { taskAssignEventSchema, taskUpdateEventSchema } from "~/validation/realtime";
import { handle } from "../handler";
import type { Realtime } from "../realtime";
import type { RealtimeSocket } from "../types";

export function registerTaskHandlers(realtime: Realtime, socket: RealtimeSocket): void {
  handle(realtime, socket, "task:assign", taskAssignEventSchema, async ({ actor }, { caseId, clientEventId }, raw) => ({
    item: await oncePerClientEvent(actor, clientEventId, { type: "task.assigned" }, async () => jsonSafe(await createTask(actor, caseId, raw.task, { clientEventId })), itemOf),
  }));
  handle(realtime, socket, "task:update", taskUpdateEventSchema, async ({ actor }, { taskId }, raw) => ({ item: jsonSafe(await updateTask(actor, taskId, raw.changes)) }));
}
