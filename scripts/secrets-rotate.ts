// `npm run secrets:rotate [-- --new-key <base64 of 32 bytes>]`: re-encrypts every stored TOTP secret under a new
// key (generated unless given) in one transaction and says where the key goes. Stop the server first. Decision 012.
import { SecretKeyError, generateSecretKeyText, secretKeys, SECRET_KEY_ENV } from "~/auth/secret-box.server";
import { rotateSecretKey } from "~/auth/secret-rotation.server";
import { parseOptions, withMigratedDatabase } from "./cli";

const values = parseOptions(["new-key"], [], "Usage: npm run secrets:rotate [-- --new-key <base64 of 32 random bytes>]");

await withMigratedDatabase(async () => {
  try {
    const keyText = values["new-key"] ?? generateSecretKeyText();
    const from = secretKeys().current.id;
    const rotation = await rotateSecretKey(keyText, (key) => {
      // Printed before the commit, so an environment key is never lost to a crash after it.
      if (secretKeys().source.kind !== "file") {
        console.log(`New key ${key.id}. Put this in the environment of every Cluebridge process, then start them:\n${SECRET_KEY_ENV}=${keyText.trim()}`);
      }
    });
    console.log(`Re-encrypted ${rotation.reencrypted} TOTP secrets (${rotation.wasPlaintext} were plaintext) from key ${from} to key ${rotation.key.id}; audit checkpoints are signed with it from now on.`);
    if (rotation.source.kind === "file") console.log(`The new key is in ${rotation.source.file} (mode 0600); back it up apart from the database.`);
  } catch (error) {
    if (!(error instanceof SecretKeyError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
});
