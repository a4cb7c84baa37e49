// "/": each role has its own home page; signed-out visitors (and unfinished sign-ins) go to sign in.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getOptionalUser } from "~/auth/session.server";
import { ROLE_HOME } from "~/utils/labels";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  return redirect(user ? ROLE_HOME[user.role] : "/login");
}
