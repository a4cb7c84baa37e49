// Sign out (POST only: a link or an image elsewhere must not be able to sign anyone out).
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { signOut } from "~/auth/session.server";

export async function action({ request }: ActionFunctionArgs) {
  return redirect("/login?signedOut=1", { headers: { "Set-Cookie": await signOut(request) } });
}

export async function loader() {
  return redirect("/");
}
