// A task: what to do, on which case or lead, due when; the assignee moves it through its statuses; comments.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { can } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { CommentThread } from "~/components/CommentThread";
import { TaskMeta, TaskStatusButtons } from "~/components/TaskList";
import { listComments } from "~/models/comments.server";
import { getTask } from "~/models/tasks.server";
import { commentLine, postComment } from "~/utils/comments.server";
import { failureOf, formatDateTime } from "~/utils/form-values";
import { readForm } from "~/utils/forms.server";
import { runAction, runLoader } from "~/utils/route-errors.server";
import { changeTaskStatus } from "~/utils/tasks.server";
import { taskLine } from "~/utils/views.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Task: ${data.task.title} · Cluebridge` : "Task · Cluebridge" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const taskId = params.taskId ?? "";
  return runLoader(async () => {
    const task = await getTask(actor, taskId);
    const comments = await listComments(actor, "TASK", taskId);
    const resource = { type: "task" as const, taskforceId: task.taskforceId, assigneeId: task.assigneeId, createdById: task.createdById };
    return {
      task: { ...taskLine(task), description: task.description, createdByName: task.createdBy?.displayName ?? "Unknown user", createdAt: task.createdAt },
      comments: comments.map(commentLine),
      // A task on a lead the actor can see (getTask checked it); the lead's visibility does not change "own".
      canChangeStatus: can(actor, "task:updateStatus", { ...resource, lead: null }),
      canComment: can(actor, "comment:create", { type: "comment", authorId: actor.id, parent: { ...resource, lead: null } }),
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const taskId = params.taskId ?? "";
  const values = await readForm(request);
  return runAction(values, async () => {
    if (values.intent === "comment") return postComment(actor, "TASK", taskId, values, `/tasks/${taskId}`);
    await changeTaskStatus(actor, values, taskId);
    return redirect(`/tasks/${taskId}`);
  });
}

export default function TaskPage() {
  const { task, comments, canChangeStatus, canComment } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <AppShell>
      <p>
        <Link to={`/cases/${task.caseId}`}>Back to case {task.caseReference}</Link>
      </p>
      <h1>{task.title}</h1>
      <TaskMeta task={task} showAssignee />
      {task.description ? <p className="pre-wrap">{task.description}</p> : <p className="muted">No description.</p>}
      <p className="muted">
        Assigned by {task.createdByName}, {formatDateTime(task.createdAt)}
      </p>
      {canChangeStatus ? (
        <section aria-labelledby="status-heading">
          <h2 id="status-heading">Status</h2>
          <TaskStatusButtons task={task} failure={failureOf(actionData, "status")} />
        </section>
      ) : null}
      <CommentThread comments={comments} actionData={actionData} canComment={canComment} maxLength={5_000} />
    </AppShell>
  );
}
