// `npm run token:create -- --email <user> [--name N] [--days 90]`: a personal access token for a tool, printed once.
// The tool then acts as that user, with exactly their permissions.
import { parseArgs } from "node:util";
import { getDatabase, prisma } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { issueAccessToken } from "~/models/tokens.server";
import { ValidationError } from "~/utils/errors.server";

const { values } = parseArgs({
  options: { email: { type: "string" }, name: { type: "string" }, days: { type: "string" } },
  strict: true,
});

if (!values.email) {
  console.error("Usage: npm run token:create -- --email <user> [--name <name>] [--days 90]");
  process.exit(2);
}

const db = getDatabase();
try {
  await migrate(db.sql);
  const owner = await prisma.user.findUnique({ where: { email: values.email.trim().toLowerCase() } });
  if (!owner) {
    console.error(`There is no account with the email ${values.email}.`);
    process.exitCode = 1;
  } else {
    const { token, summary } = await issueAccessToken(owner, { name: values.name ?? "Command-line token", days: values.days }, { actor: null });
    console.log(`Token "${summary.name}" for ${owner.email}, valid until ${summary.expiresAt.toISOString()} (shown only now):`);
    console.log(token);
    if (owner.status !== "ACTIVE") console.log(`Note: the account is ${owner.status.toLowerCase()}; the token works only while it is active.`);
  }
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  for (const [field, messages] of Object.entries(error.fields ?? {})) console.error(`${field}: ${messages.join(" ")}`);
  process.exitCode = 1;
} finally {
  await db.close();
}
