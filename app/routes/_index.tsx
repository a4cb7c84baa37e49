import { redirect } from "@remix-run/node";

// The home page is per role; signed-out visitors go to sign in.
export async function loader() {
  return redirect("/login");
}
