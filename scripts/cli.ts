// What the command-line scripts share: `--name value` options with a usage line, the database a command uses
// (through the serving process when `npm start` has the embedded database open), and one job against the
// migrated database (closed afterwards; refused input printed per field).
import { parseArgs } from "node:util";
import { commandDatabaseConfig, openDatabase, type Database } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { ValidationError } from "~/utils/errors.server";
import { parseInput } from "~/utils/forms.server";
import { singleton } from "~/utils/singleton.server";

/** Parses string options; prints `usage` and exits with code 2 when one of `required` is missing. */
export function parseOptions<const Name extends string, const Required extends Name>(
  names: readonly Name[],
  required: readonly Required[],
  usage: string,
): Partial<Record<Name, string>> & Record<Required, string> {
  const { values } = parseArgs({ options: Object.fromEntries(names.map((name) => [name, { type: "string" as const }])), strict: true });
  const options = values as Partial<Record<Name, string>>;
  if (required.some((name) => !options[name])) {
    console.error(usage);
    process.exit(2);
  }
  return options as Partial<Record<Name, string>> & Record<Required, string>;
}

/**
 * The command's database, also the one every model function of this process uses: a running server's embedded
 * database is reached through it (decision 013), anything else is opened directly.
 */
export function openCommandDatabase(): Database {
  return singleton("database", () => openDatabase(commandDatabaseConfig()));
}

function printRefusal(error: ValidationError) {
  for (const [field, messages] of Object.entries(error.fields ?? {})) console.error(`${field}: ${messages.join(" ")}`);
}

/**
 * The command's input checked against its schema before any database is opened: a mistyped role is refused at
 * once, without starting (or migrating) the database. Refused input is printed per field, exit code 1.
 */
export function parseCommandInput<S extends Parameters<typeof parseInput>[0]>(schema: S, input: unknown): ReturnType<typeof parseInput<S>> {
  try {
    return parseInput(schema, input);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    printRefusal(error);
    process.exit(1);
  }
}

/** Runs `job` against the migrated database, then closes it. Refused input is printed per field, exit code 1. */
export async function withMigratedDatabase(job: () => Promise<void>): Promise<void> {
  const db = openCommandDatabase();
  try {
    await migrate(db.sql);
    await job();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    printRefusal(error);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}
