// `npm run db:migrate`: applies pending migrations to the configured database (embedded or DATABASE_URL).
import { migrate } from "~/db/migrate.server";
import { openCommandDatabase } from "./cli";

const db = openCommandDatabase();
try {
  const applied = await migrate(db.sql);
  console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Database is up to date.");
} finally {
  await db.close();
}
