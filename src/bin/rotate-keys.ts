import { runKeyRotation } from "../service/key-rotation.ts";
import { loadConfigOrExit } from "../service/run-process.ts";

/**
 * `npm run rotate-keys`: rewraps every credential's data key under the current key (the first of
 * ENCRYPTION_KEYS) and upgrades format-1 records, then says which old keys can be dropped.
 * `npm run rotate-keys -- --verify`: only counts what each key protects. Both exit 1 while anything
 * still depends on an old or unconfigured key (service/key-rotation.ts).
 */
const settled = await runKeyRotation(loadConfigOrExit(), {
  verifyOnly: process.argv.includes("--verify"),
  write: (text) => process.stdout.write(text),
});
process.exit(settled ? 0 : 1);
