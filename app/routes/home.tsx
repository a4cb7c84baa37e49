// The analyst's home: their own tasks, overdue first, with buttons to move each one on.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { EmptyState } from "~/components/EmptyState";
import { TaskList } from "~/components/TaskList";
import { listMyMentions } from "~/models/comments.server";
import { listMyTasks } from "~/models/tasks.server";
import { failureOf, formatDateTime } from "~/utils/form-values";
import { readForm } from "~/utils/forms.server";
import { runAction, runLoader } from "~/utils/route-errors.server";
import { changeTaskStatus } from "~/utils/tasks.server";
import { taskLine } from "~/utils/views.server";

export const meta: MetaFunction = () => [{ title: "My tasks · Cluebridge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const [tasks, mentions] = await runLoader(() => Promise.all([listMyTasks(actor), listMyMentions(actor)]));
  const lines = tasks.map(taskLine);
  return {
    open: lines.filter((task) => task.status !== "DONE"),
    done: lines.filter((task) => task.status === "DONE"),
    mentions: mentions.map((mention) => ({ ...mention, href: `/${mention.itemType.toLowerCase()}s/${mention.itemId}`, when: formatDateTime(mention.createdAt) })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const values = await readForm(request);
  return runAction(values, async () => {
    await changeTaskStatus(actor, values);
    return redirect("/home");
  });
}

export default function HomePage() {
  const { open, done, mentions } = useLoaderData<typeof loader>();
  const failure = failureOf(useActionData<typeof action>(), "status");
  const overdue = open.filter((task) => task.overdue).length;
  return (
    <AppShell>
      <h1>My tasks</h1>
      {open.length > 0 ? (
        <p className="meta-line">
          {open.length === 1 ? "1 open task" : `${open.length} open tasks`}
          {overdue > 0 ? <span className="overdue">{overdue === 1 ? "1 overdue" : `${overdue} overdue`}</span> : null}
        </p>
      ) : null}
      {open.length === 0 ? (
        <EmptyState title="No open tasks.">
          <p>
            Your coordinator assigns tasks here. Meanwhile, open a <Link to="/cases">case</Link> to add clues or build leads.
          </p>
        </EmptyState>
      ) : (
        <TaskList tasks={open} statusButtons failure={failure} />
      )}
      {done.length > 0 ? (
        <details className="done-tasks">
          <summary>Done ({done.length})</summary>
          <TaskList tasks={done} statusButtons failure={failure} />
        </details>
      ) : null}
      <section aria-labelledby="mentions-heading">
        <h2 id="mentions-heading">Mentions</h2>
        {mentions.length === 0 ? (
          <p className="muted">No one has mentioned you yet. Colleagues mention you in a comment with @ and your email.</p>
        ) : (
          <ul className="plain-list">
            {mentions.map((mention) => (
              <li key={mention.commentId}>
                <Link to={mention.href}>{mention.itemType === "CLUE" ? "Clue" : mention.itemType === "LEAD" ? "Lead" : "Task"}</Link>{" "}
                <span className="muted">
                  {mention.author?.displayName ?? "Someone"}, {mention.when}:
                </span>{" "}
                {mention.excerpt}
              </li>
            ))}
          </ul>
        )}
      </section>
    </AppShell>
  );
}
