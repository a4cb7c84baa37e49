// The demo: one taskforce, one case with a few text clues, and a user for each role, all with fixed, printed
// passwords and TOTP secrets (`npm run demo:totp -- <email>` prints a current code). For trying Cluebridge only.
// `npm run db:seed` seeds an empty database; `npm start` does the same on first start (seedDemoIfEmpty).
import { pathToFileURL } from "node:url";
import type { Confidence, InfoAssessment, Role, SourceReliability } from "@prisma/client";
import { hashPassword } from "~/auth/password.server";
import { sealTotpSecret } from "~/auth/totp.server";
import { getDatabase, prisma } from "~/db.server";
import { migrate } from "~/db/migrate.server";
import { appendAudit } from "~/models/audit.server";
import { correlateClue } from "~/models/correlation.server";

export interface DemoAccount {
  email: string;
  displayName: string;
  role: Role;
  agency: string;
  password: string;
  totpSecret: string;
  member: boolean;
}

// Fixed on purpose, and printed: these accounts exist to be signed in to by anyone trying the demo.
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { email: "analyst@demo.local", displayName: "Alex Analyst", role: "ANALYST", agency: "Demo Agency A", password: "amber-harbour-lantern-41", totpSecret: "EGZBGJI374T4BFSGDX7UYWVOZ55G57MT", member: true },
  { email: "analyst2@demo.local", displayName: "Bea Analyst", role: "ANALYST", agency: "Demo Agency B", password: "quiet-meadow-compass-58", totpSecret: "3WQ5U4RQZGDKIYXCDVPRQQAO3CIPCYJK", member: true },
  { email: "coordinator@demo.local", displayName: "Casey Coordinator", role: "COORDINATOR", agency: "Demo Agency A", password: "copper-river-atlas-27", totpSecret: "ET43Y32I7PFT4MPFYOYGPEXOK6QV3GKH", member: true },
  { email: "liaison@demo.local", displayName: "Lee Liaison", role: "LIAISON", agency: "Europol", password: "violet-summit-ledger-63", totpSecret: "KVDYPEPVHO5TXCUJIHFMM4THGEJ3J5NN", member: true },
  { email: "admin@demo.local", displayName: "Ada Admin", role: "ADMIN", agency: "Demo Agency A", password: "granite-orchard-beacon-19", totpSecret: "EE3MHZR7H3VSRXEBDM2QGJG2SSCUWIPE", member: false },
];

export const DEMO_TASKFORCE = "Demo Taskforce";
export const DEMO_CASE_REFERENCE = "VID-DEMO-0001";

interface DemoClue {
  author: string;
  categoryKey: string;
  value: string;
  detail: string;
  confidence: Confidence;
  sourceReliability: SourceReliability;
  infoAssessment: InfoAssessment;
}

const DEMO_CLUES: readonly DemoClue[] = [
  { author: "analyst@demo.local", categoryKey: "architecture_fixture", value: "Power socket type F", detail: "Schuko socket, white, flush-mounted, low on the wall behind the bed.", confidence: "HIGH", sourceReliability: "A", infoAssessment: "I2" },
  { author: "analyst@demo.local", categoryKey: "text_language", value: "Shampoo label in Polish", detail: "Brand text partly visible; the label design was sold 2016-2019 according to the manufacturer.", confidence: "MEDIUM", sourceReliability: "B", infoAssessment: "I3" },
  { author: "analyst2@demo.local", categoryKey: "architecture_fixture", value: "Window with tilt-and-turn handle", detail: "White PVC frame, handle at mid-height: common in Central Europe.", confidence: "MEDIUM", sourceReliability: "B", infoAssessment: "I3" },
  { author: "coordinator@demo.local", categoryKey: "furniture", value: "Bunk bed, pine, flat-pack", detail: "Looks like a widely sold flat-pack model; ladder on the left end.", confidence: "LOW", sourceReliability: "C", infoAssessment: "I4" },
  { author: "analyst2@demo.local", categoryKey: "location_landscape", value: "Birch trees and a grey apartment block outside the window", detail: "Prefabricated concrete block, at least 5 storeys.", confidence: "LOW", sourceReliability: "X", infoAssessment: "I4" },
  { author: "analyst@demo.local", categoryKey: "time_indicator", value: "Wall calendar open at March", detail: "Year not legible.", confidence: "MEDIUM", sourceReliability: "B", infoAssessment: "I3" },
];

/** Seeds the demo into a database that has no users yet; prints the credentials. Does nothing otherwise. */
export async function seedDemoIfEmpty(): Promise<void> {
  if ((await prisma.user.count()) > 0) return;
  await seedDemo();
}

/** Creates the demo taskforce, case, clues and accounts, then prints how to sign in. */
export async function seedDemo(): Promise<void> {
  // Hashing is slow on purpose: do it before the transaction, not inside it.
  const hashes = await Promise.all(DEMO_ACCOUNTS.map((account) => hashPassword(account.password)));
  await prisma.$transaction(async (tx) => {
    const taskforce = await tx.taskforce.create({ data: { name: DEMO_TASKFORCE, description: "Demonstration data. Not a real investigation." } });
    const users = new Map<string, { id: string; agency: string }>();
    for (const [index, account] of DEMO_ACCOUNTS.entries()) {
      const user = await tx.user.create({
        data: {
          email: account.email,
          displayName: account.displayName,
          agency: account.agency,
          role: account.role,
          status: "ACTIVE",
          passwordHash: hashes[index],
          totpSecret: sealTotpSecret(account.totpSecret),
          totpEnabledAt: new Date(),
          memberships: account.member ? { create: { taskforceId: taskforce.id } } : undefined,
        },
      });
      users.set(account.email, { id: user.id, agency: user.agency });
    }
    const coordinator = users.get("coordinator@demo.local")!;
    const kase = await tx.case.create({
      data: {
        taskforceId: taskforce.id,
        reference: DEMO_CASE_REFERENCE,
        title: "Demo series",
        summary: "A demonstration case: every clue here is invented.",
        defaultHandlingCode: "AMBER",
        originKind: "OTHER",
        originText: "Demonstration data",
        createdById: coordinator.id,
      },
    });
    for (const clue of DEMO_CLUES) {
      const author = users.get(clue.author)!;
      const created = await tx.clue.create({
        data: {
          caseId: kase.id,
          taskforceId: taskforce.id,
          authorId: author.id,
          authorAgency: author.agency,
          categoryKey: clue.categoryKey,
          value: clue.value,
          detail: clue.detail,
          confidence: clue.confidence,
          handlingCode: "AMBER",
          sourceReliability: clue.sourceReliability,
          infoAssessment: clue.infoAssessment,
        },
      });
      const changes = Object.fromEntries(
        (["categoryKey", "value", "detail", "confidence", "handlingCode", "sourceReliability", "infoAssessment"] as const).map((field) => [
          field,
          { from: null, to: created[field] },
        ]),
      );
      await tx.clueVersion.create({ data: { clueId: created.id, version: 1, editorId: author.id, changes, handlingCode: created.handlingCode, recipientIds: [], reviewState: created.reviewState } });
      // Its correlation keys, as a save writes them: a clue recorded later in another case links to it.
      await correlateClue({ tx, audit: (entry) => appendAudit(tx, entry), afterCommit: () => {} }, { ...created, mediaRefs: [] }, { replace: false });
    }
    await appendAudit(tx, {
      action: "demo.seed",
      taskforceId: taskforce.id,
      caseId: kase.id,
      details: { users: DEMO_ACCOUNTS.map((account) => account.email), clues: DEMO_CLUES.length, via: "seed" },
    });
  });
  printDemoAccounts();
}

export function printDemoAccounts() {
  const rows = [["Email", "Role", "Password", "TOTP secret"], ...DEMO_ACCOUNTS.map((a) => [a.email, a.role, a.password, a.totpSecret])];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column])).join("  ");
  console.log(`\nDemo data seeded: taskforce "${DEMO_TASKFORCE}", case ${DEMO_CASE_REFERENCE}. Demo accounts (for trying Cluebridge only):\n`);
  console.log(line(rows[0]));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log(`\nEach account has TOTP set up with the secret shown. A current 6-digit code: npm run demo:totp -- analyst@demo.local\n`);
}

// Run as a script: `npm run db:seed`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const db = getDatabase();
  try {
    await migrate(db.sql);
    if ((await prisma.user.count()) > 0) {
      console.log("The database already has users: the demo is only seeded into an empty database.");
    } else {
      await seedDemo();
    }
  } finally {
    await db.close();
  }
}
