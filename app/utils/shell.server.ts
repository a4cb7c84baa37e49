// The signed-in user as a page may show them (never the whole actor: no taskforce ids in page data).
import type { Actor } from "~/auth/permissions.server";
import type { ShellUser } from "~/components/AppShell";

export function shellUser(actor: Actor): ShellUser {
  return { displayName: actor.displayName, email: actor.email, role: actor.role, agency: actor.agency };
}
