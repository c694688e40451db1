import type { Logger } from "pino";
import type { Config } from "../core/config.ts";
import type { CredentialCipher } from "./cipher.ts";
import { createEnvelopeCipher } from "./envelope-cipher.ts";
import { createKeyRing } from "./key-ring.ts";
import { loadOrCreateDevKey, parseKeyRing } from "./key-source.ts";

/** Data folders already warned about: `npm start` builds the cipher for the API and the worker. */
const warnedAbout = new Set<string>();

/** The credential cipher from ENCRYPTION_KEYS (or, in development, a key generated into the data folder). */
export function buildCipher(config: Config, logger: Logger): CredentialCipher {
  const spec = config.ENCRYPTION_KEYS ?? config.ENCRYPTION_KEY;
  if (spec) return createEnvelopeCipher(createKeyRing(parseKeyRing(spec)));
  if (config.NODE_ENV === "production") throw new Error("ENCRYPTION_KEYS is required in production");
  const dev = loadOrCreateDevKey(config.DATA_DIR);
  if (!warnedAbout.has(dev.path))
    logger.warn(
      { path: dev.path, created: dev.created },
      "No ENCRYPTION_KEYS set: using a development key from the data folder. Set ENCRYPTION_KEYS in production.",
    );
  warnedAbout.add(dev.path);
  return createEnvelopeCipher(createKeyRing(dev.entries));
}
