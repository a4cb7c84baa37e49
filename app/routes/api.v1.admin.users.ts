// GET/POST /api/v1/admin/users (administrators only: anyone else is answered 404, see mayReachApiPath)
import { createUser, listUsers } from "~/models/users.server";
import { apiRoute } from "~/utils/api.server";
import { adminNewUserSchema } from "~/validation/accounts";

export const { loader, action } = apiRoute({
  GET: ({ actor }) => listUsers(actor),
  POST: async ({ actor, body }) => {
    const { user, generatedPassword, generatedPasswordExpiresAt } = await createUser(actor, await body(adminNewUserSchema), { oneTimePassword: true });
    return { user, oneTimePassword: generatedPassword, expiresAt: generatedPasswordExpiresAt };
  },
});
