// `npm run user:create -- --role admin --email a@agency.example --name "Ada Admin" --agency "Agency" [--password P]`
// Creates an ACTIVE account (vetting is done by whoever runs this with database rights); the user enrols an
// authenticator at first sign-in. Without --password a strong one is generated and printed once.
import { parseArgs } from "node:util";
import { getDatabase } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { createUserAccount } from "~/models/users.server";
import { ValidationError } from "~/utils/errors.server";

const USAGE = 'Usage: npm run user:create -- --role <analyst|coordinator|liaison|admin> --email <email> --name "<name>" --agency "<agency>" [--password <password>]';

const { values } = parseArgs({
  options: {
    role: { type: "string" },
    email: { type: "string" },
    name: { type: "string" },
    agency: { type: "string" },
    password: { type: "string" },
  },
  strict: true,
});

if (!values.role || !values.email || !values.name || !values.agency) {
  console.error(USAGE);
  process.exit(2);
}

const db = getDatabase();
try {
  await migrate(db.sql);
  const { user, generatedPassword } = await createUserAccount(
    {
      email: values.email,
      displayName: values.name,
      agency: values.agency,
      role: values.role.toUpperCase() as "ANALYST",
      vettingComplete: true,
      password: values.password,
    },
    { actor: null },
  );
  console.log(`Created ${user.role.toLowerCase()} ${user.email} (${user.agency}), status ${user.status}.`);
  if (generatedPassword) console.log(`Initial password (shown only now): ${generatedPassword}`);
  console.log("At first sign-in they set up an authenticator app (TOTP) and receive recovery codes.");
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  for (const [field, messages] of Object.entries(error.fields ?? {})) console.error(`${field}: ${messages.join(" ")}`);
  process.exitCode = 1;
} finally {
  await db.close();
}
