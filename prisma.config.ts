// Prisma CLI set-up that needs no native engine (see docs/decisions/001-prisma-without-native-engines.md):
// the JS schema engine drives migrations through the PGlite driver adapter on the embedded data directory.
import fs from "node:fs";
import path from "node:path";
import { defineConfig, type PrismaConfig } from "prisma/config";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter";

process.env.PRISMA_DATASOURCE_URL ??= "postgresql://embedded/cluebridge";

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const dataDir = process.env.PGLITE_DATA_DIR ?? path.join("data", "pglite");
    if (!dataDir.startsWith("memory://")) fs.mkdirSync(dataDir, { recursive: true });
    // The adapter is typed against an older @prisma/driver-adapter-utils; the runtime contract matches.
    const adapter = new PrismaPGlite(new PGlite({ dataDir, extensions: { pg_trgm } }));
    return adapter as unknown as Awaited<ReturnType<NonNullable<Extract<PrismaConfig, { engine: "js" }>["adapter"]>>>;
  },
});
