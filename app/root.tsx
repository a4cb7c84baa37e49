import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { Role } from "@prisma/client";
import { Form, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useLoaderData, useMatches, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";
import { loadActor } from "./auth/permissions.server";
import { getOptionalUser } from "./auth/session.server";
import { NotificationBadge } from "./components/NotificationBadge";
import { unreadCount } from "./models/notifications.server";
import stylesHref from "./styles.css?url";
import { ROLE_HOME, ROLE_LABELS } from "./utils/labels";
import { useNonce } from "./utils/nonce";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesHref }];
export const meta: MetaFunction = () => [{ title: "Cluebridge" }];

/** The signed-in user for the top bar (only what it shows, with their unread notifications), or null. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  if (!user) return { user: null };
  const unread = user.role === "ADMIN" ? 0 : await unreadCount(await loadActor(user));
  return { user: { id: user.id, displayName: user.displayName, role: user.role, unread, unreadAt: Date.now() } };
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* "same-origin", not "no-referrer": the latter makes browsers send `Origin: null` on form posts (CSRF check). */}
        <meta name="referrer" content="same-origin" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function navLinksFor(role: Role): { to: string; label: string }[] {
  if (role === "ADMIN") {
    return [
      { to: "/admin", label: "Admin" },
      { to: "/admin/taskforces", label: "Taskforces" },
      { to: "/audit", label: "Audit" },
      { to: "/admin/recipients", label: "Contact points" },
      { to: "/admin/correlation", label: "Correlation" },
      { to: "/account", label: "Account" },
    ];
  }
  return [
    { to: ROLE_HOME[role], label: "Home" },
    // A coordinator's home is the board; their own assigned tasks are one click away.
    ...(role === "COORDINATOR" ? [{ to: "/home", label: "My tasks" }] : []),
    { to: "/cases", label: "Cases" },
    { to: "/search", label: "Search" },
    { to: "/rooms", label: "Rooms" },
    { to: "/disseminations", label: "Disseminations" },
    ...(role === "LIAISON" ? [{ to: "/appeals/queue", label: "Appeals" }] : []),
    // Oversight of their taskforces: the overview's counts and the audit trail.
    ...(role === "COORDINATOR" ? [{ to: "/overview", label: "Overview" }, { to: "/audit", label: "Audit" }] : []),
    ...(role === "COORDINATOR" || role === "LIAISON" ? [{ to: "/deconfliction", label: "De-confliction" }] : []),
  ];
}

function TopBar({ user }: { user: { id: string; displayName: string; role: Role; unread: number; unreadAt: number } }) {
  return (
    <header className="topbar">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <strong>Cluebridge</strong>
      <nav aria-label="Main">
        {navLinksFor(user.role).map((link) => (
          <NavLink key={link.to} to={link.to} end={link.to === "/admin"}>
            {link.label}
          </NavLink>
        ))}
        {user.role === "ADMIN" ? null : <NotificationBadge userId={user.id} unread={user.unread} asOf={user.unreadAt} />}
        {user.role === "ADMIN" ? null : <NavLink to="/account">Account</NavLink>}
      </nav>
      <div className="topbar-user">
        <span>
          {user.displayName} <span className="topbar-role">({ROLE_LABELS[user.role]})</span>
        </span>
        <Form method="post" action="/logout">
          <button type="submit" className="secondary small">
            Sign out
          </button>
        </Form>
      </div>
    </header>
  );
}

export default function App() {
  const { user } = useLoaderData<typeof loader>();
  // A page that draws its own frame (handle = { shell: "own" }) gets no second top bar.
  const ownShell = useMatches().some((match) => (match.handle as { shell?: string } | undefined)?.shell === "own");
  return (
    <>
      {user && !ownShell ? <TopBar user={user} /> : null}
      <Outlet />
    </>
  );
}

/** What a refused request (a thrown 4xx Response) says, for the page: its own message when it has one. */
function refusalMessage(status: number, data: unknown): string {
  if (status === 404) return "There is nothing here you have access to.";
  const message = typeof data === "string" ? data : (data as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === "string" && message ? message : "The error has been logged. Try again, or go back.";
}

export function ErrorBoundary() {
  const error = useRouteError();
  const title = isRouteErrorResponse(error) ? `${error.status} ${error.status === 404 ? "Not found" : error.statusText}` : "Something went wrong";
  return (
    <main className="page narrow">
      <h1>{title}</h1>
      <p>{isRouteErrorResponse(error) ? refusalMessage(error.status, error.data) : "The error has been logged. Try again, or go back."}</p>
      <p>
        <a href="/">Back to Cluebridge</a>
      </p>
    </main>
  );
}
