// Tasks as a list, overdue ones marked; optionally with the assignee's status buttons (intent "status").
import { Form, Link } from "@remix-run/react";
import { formatDate, keptText } from "~/utils/form-values";
import type { ActionFailure } from "~/utils/route-errors.server";
import { TASK_STATUS_LABELS } from "~/utils/labels";
import type { TaskStatus } from "@prisma/client";
import { FormErrors } from "./FormErrors";
import { TextField } from "./Field";

export interface TaskItem {
  id: string;
  title: string;
  status: TaskStatus;
  blockedReason: string;
  version: number;
  dueDate: Date | string | null;
  overdue: boolean;
  caseId: string;
  caseReference: string;
  leadId: string | null;
  leadTitle: string | null;
  assigneeName: string;
}

const STATUS_ORDER: TaskStatus[] = ["TODO", "DOING", "BLOCKED", "DONE"];

export function TaskMeta({ task, showAssignee, hideStatus }: { task: TaskItem; showAssignee?: boolean; hideStatus?: boolean }) {
  return (
    <div className="meta-line">
      {hideStatus ? null : <span className="pill">{TASK_STATUS_LABELS[task.status]}</span>}
      {task.dueDate ? <span className={task.overdue ? "overdue" : undefined}>{task.overdue ? `Overdue: was due ${formatDate(task.dueDate)}` : `Due ${formatDate(task.dueDate)}`}</span> : <span>No due date</span>}
      <span>
        Case <Link to={`/cases/${task.caseId}`}>{task.caseReference}</Link>
      </span>
      {task.leadId ? (
        <span>
          Lead <Link to={`/leads/${task.leadId}`}>{task.leadTitle ?? "(untitled)"}</Link>
        </span>
      ) : null}
      {showAssignee ? <span>Assigned to {task.assigneeName}</span> : null}
      {task.status === "BLOCKED" && task.blockedReason ? <span>Blocked on: {task.blockedReason}</span> : null}
    </div>
  );
}

/** Buttons to move a task to each other status; "Blocked" needs a reason, so it has its own small form. */
export function TaskStatusButtons({ task, failure }: { task: TaskItem; failure: ActionFailure | undefined }) {
  const mine = failure && failure.values.taskId === task.id ? failure : undefined;
  const reasonId = `blocked-reason-${task.id}`;
  return (
    <div className="status-buttons">
      {STATUS_ORDER.filter((status) => status !== task.status && status !== "BLOCKED").map((status) => (
        <Form method="post" key={status}>
          <input type="hidden" name="intent" value="status" />
          <input type="hidden" name="taskId" value={task.id} />
          <input type="hidden" name="version" value={task.version} />
          <input type="hidden" name="status" value={status} />
          <button type="submit" className="secondary small">
            {status === "DONE" ? "Mark done" : `Move to ${TASK_STATUS_LABELS[status].toLowerCase()}`}
            <span className="sr-only">: {task.title}</span>
          </button>
        </Form>
      ))}
      {task.status !== "BLOCKED" ? (
        <Form method="post" className="inline-form" noValidate>
          <input type="hidden" name="intent" value="status" />
          <input type="hidden" name="taskId" value={task.id} />
          <input type="hidden" name="version" value={task.version} />
          <input type="hidden" name="status" value="BLOCKED" />
          <FormErrors failure={mine} />
          <TextField name="blockedReason" id={reasonId} label="Blocked on" errors={mine?.fields} defaultValue={keptText(mine, "blockedReason")} maxLength={2_000} />
          <button type="submit" className="secondary small">
            Mark blocked<span className="sr-only">: {task.title}</span>
          </button>
        </Form>
      ) : null}
      {mine?.conflict ? <p className="field-error">This task changed since you loaded the page; it now shows the newer version. Try again.</p> : null}
    </div>
  );
}

export function TaskList({
  tasks,
  showAssignee,
  statusButtons,
  failure,
}: {
  tasks: readonly TaskItem[];
  showAssignee?: boolean;
  statusButtons?: boolean;
  failure?: ActionFailure;
}) {
  return (
    <ul className="item-list">
      {tasks.map((task) => (
        <li key={task.id} className={task.overdue ? "task-card is-overdue" : "task-card"}>
          <Link className="item-title" to={`/tasks/${task.id}`}>
            {task.title}
          </Link>
          <TaskMeta task={task} showAssignee={showAssignee} />
          {statusButtons ? <TaskStatusButtons task={task} failure={failure} /> : null}
        </li>
      ))}
    </ul>
  );
}
