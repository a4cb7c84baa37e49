import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";
import stylesHref from "./styles.css?url";
import { useNonce } from "./utils/nonce";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesHref }];
export const meta: MetaFunction = () => [{ title: "Cluebridge" }];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
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

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const title = isRouteErrorResponse(error) ? `${error.status} ${error.status === 404 ? "Not found" : error.statusText}` : "Something went wrong";
  return (
    <main className="page narrow">
      <h1>{title}</h1>
      <p>{isRouteErrorResponse(error) && error.status === 404 ? "There is nothing here you have access to." : "The error has been logged. Try again, or go back."}</p>
      <p>
        <a href="/">Back to Cluebridge</a>
      </p>
    </main>
  );
}
