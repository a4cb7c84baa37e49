// GET /api/v1/search?q=&category=&caseId=&handlingCode=&status=&authorId=&from=&to=
import { search } from "~/models/search.server";
import { apiRoute } from "~/utils/api.server";
import { searchQuerySchema } from "~/validation/search";

export const { loader, action } = apiRoute({ GET: (ctx) => search(ctx.actor, ctx.query(searchQuerySchema)) });
