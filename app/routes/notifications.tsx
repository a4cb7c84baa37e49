// The inbox: what the user was told about (tasks, mentions, shares, reviews), newest first, read and unread; only
// about items they may still see.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { EmptyState } from "~/components/EmptyState";
import { FormErrors } from "~/components/FormErrors";
import { NOTIFICATION_KIND_LABELS, listNotifications, markNotificationsRead } from "~/models/notifications.server";
import { failureOf, formatDateTime } from "~/utils/form-values";
import { parseInput, readForm } from "~/utils/forms.server";
import { runAction, runLoader } from "~/utils/route-errors.server";
import { markNotificationsReadSchema } from "~/validation/notification";

export const meta: MetaFunction = () => [{ title: "Inbox · Cluebridge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const notifications = await runLoader(() => listNotifications(actor));
  return {
    notifications: notifications.map((notification) => ({
      ...notification,
      kindLabel: NOTIFICATION_KIND_LABELS[notification.kind] ?? notification.kind,
      when: formatDateTime(notification.createdAt),
      unread: notification.readAt === null,
    })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const values = await readForm(request);
  return runAction(values, async () => {
    await markNotificationsRead(actor, parseInput(markNotificationsReadSchema, values));
    return redirect("/notifications");
  });
}

export default function InboxPage() {
  const { notifications } = useLoaderData<typeof loader>();
  const failure = failureOf(useActionData<typeof action>());
  const unread = notifications.filter((notification) => notification.unread).length;
  return (
    <AppShell>
      <h1>Inbox</h1>
      <FormErrors failure={failure} />
      {notifications.length === 0 ? (
        <EmptyState title="No notifications you can see.">
          <p>Tasks assigned to you, mentions, leads shared in your rooms and review requests and decisions appear here.</p>
        </EmptyState>
      ) : (
        <>
          <p className="meta-line">
            <span>{unread === 0 ? "Everything is read." : `${unread} unread`}</span>
            {unread > 0 ? (
              <Form method="post">
                <input type="hidden" name="all" value="true" />
                <button type="submit" className="secondary small">
                  Mark all read
                </button>
              </Form>
            ) : null}
          </p>
          <ul className="item-list notification-list">
            {notifications.map((notification) => (
              <li key={notification.id} className={notification.unread ? "unread" : "read"} data-testid="notification">
                <div className="meta-line">
                  <span className="pill">{notification.kindLabel}</span>
                  <span>{notification.unread ? <strong>Unread</strong> : "Read"}</span>
                  <span>{notification.when}</span>
                </div>
                <p>{notification.href ? <Link to={notification.href}>{notification.text}</Link> : notification.text}</p>
                {notification.unread ? (
                  <Form method="post">
                    <input type="hidden" name="ids" value={notification.id} />
                    <button type="submit" className="secondary small">
                      Mark read<span className="sr-only">: {notification.text}</span>
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </AppShell>
  );
}
