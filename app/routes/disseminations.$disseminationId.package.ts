// GET /disseminations/{id}/package — the package exactly as sent, as a JSON file (schema: DisseminationPackage in
// /api/v1/openapi.json), for the browser; tools use GET /api/v1/disseminations/{id}.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireActor } from "~/auth/session.server";
import { getDissemination } from "~/models/disseminations.server";
import { runLoader } from "~/utils/route-errors.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const dissemination = await runLoader(() => getDissemination(actor, params.disseminationId ?? "", "json"));
  return new Response(JSON.stringify(dissemination, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="dissemination-${dissemination.id}.json"`,
      "Cache-Control": "no-store",
    },
  });
}
