// `npm run user:create -- --role admin --email a@agency.example --name "Ada Admin" --agency "Agency" [--password P]`
// Creates an ACTIVE account (vetting is done by whoever runs this with database rights); the user enrols an
// authenticator at first sign-in. Without --password a strong one is generated and printed once.
import { createUserAccount } from "~/models/users.server";
import { newUserSchema } from "~/validation/accounts";
import { parseCommandInput, parseOptions, withMigratedDatabase } from "./cli";

const USAGE = 'Usage: npm run user:create -- --role <analyst|coordinator|liaison|admin> --email <email> --name "<name>" --agency "<agency>" [--password <password>]';

const values = parseOptions(["role", "email", "name", "agency", "password"], ["role", "email", "name", "agency"], USAGE);

const input = parseCommandInput(newUserSchema, {
  email: values.email,
  displayName: values.name,
  agency: values.agency,
  role: values.role.toUpperCase(),
  vettingComplete: true,
  password: values.password,
});

await withMigratedDatabase(async () => {
  const { user, generatedPassword } = await createUserAccount(input, { actor: null });
  console.log(`Created ${user.role.toLowerCase()} ${user.email} (${user.agency}), status ${user.status}.`);
  if (generatedPassword) console.log(`Initial password (shown only now): ${generatedPassword}`);
  console.log("At first sign-in they set up an authenticator app (TOTP) and receive recovery codes.");
});
