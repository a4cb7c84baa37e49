// The case's narrowing as page data, for the room to fetch again when a clue changes (issue 14). A resource route:
// the same view the case page shows, from the clues the caller may see.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireActor } from "~/auth/session.server";
import { narrowCase } from "~/models/narrowing.server";
import { narrowingView } from "~/utils/narrowing-view.server";
import { runLoader } from "~/utils/route-errors.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  return runLoader(async () => narrowingView(await narrowCase(actor, params.caseId ?? ""), "room-country-"));
}
