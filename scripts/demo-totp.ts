// `npm run demo:totp -- analyst@demo.local`: the current 6-digit code of a seeded demo account. Works from the
// fixed demo secrets (no database, so it runs beside a server that holds the embedded database). Demo accounts only.
import { totpCode, TOTP_STEP_SECONDS } from "~/auth/totp.server";
import { DEMO_ACCOUNTS } from "../prisma/seed";

const email = process.argv[2]?.trim().toLowerCase();
const account = DEMO_ACCOUNTS.find((candidate) => candidate.email === email);
if (!account) {
  console.error(`Usage: npm run demo:totp -- <demo email>. Only the seeded demo accounts: ${DEMO_ACCOUNTS.map((a) => a.email).join(", ")}.`);
  process.exit(1);
}
const secondsLeft = TOTP_STEP_SECONDS - (Math.floor(Date.now() / 1000) % TOTP_STEP_SECONDS);
console.log(totpCode(account.totpSecret));
console.error(`(valid for about ${secondsLeft} more seconds)`);
