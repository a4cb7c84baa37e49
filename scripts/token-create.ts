// `npm run token:create -- --email <user> [--name N] [--days 90]`: a personal access token for a tool, printed once.
// The tool then acts as that user, with exactly their permissions.
import { prisma } from "~/db.server";
import { issueAccessToken } from "~/models/tokens.server";
import { newTokenSchema } from "~/validation/accounts";
import { parseCommandInput, parseOptions, withMigratedDatabase } from "./cli";

const values = parseOptions(["email", "name", "days"], ["email"], "Usage: npm run token:create -- --email <user> [--name <name>] [--days 90]");

const input = parseCommandInput(newTokenSchema, { name: values.name ?? "Command-line token", days: values.days });

await withMigratedDatabase(async () => {
  const owner = await prisma.user.findUnique({ where: { email: values.email.trim().toLowerCase() } });
  if (!owner) {
    console.error(`There is no account with the email ${values.email}.`);
    process.exitCode = 1;
  } else {
    const { token, summary } = await issueAccessToken(owner, input, { actor: null });
    console.log(`Token "${summary.name}" for ${owner.email}, valid until ${summary.expiresAt.toISOString()} (shown only now):`);
    console.log(token);
    if (owner.status !== "ACTIVE") console.log(`Note: the account is ${owner.status.toLowerCase()}; the token works only while it is active.`);
  }
});
