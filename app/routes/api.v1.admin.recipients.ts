// GET/POST /api/v1/admin/recipients — the partner contact points leads may be disseminated to (administrators only).
import { createRecipient, listRecipients } from "~/models/disseminations.server";
import { apiRoute } from "~/utils/api.server";
import { newRecipientSchema } from "~/validation/dissemination";

export const { loader, action } = apiRoute({
  GET: ({ actor }) => listRecipients(actor),
  POST: async ({ actor, body }) => createRecipient(actor, await body(newRecipientSchema)),
});
