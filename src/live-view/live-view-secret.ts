import { hkdfSync } from "node:crypto";
import type { Config } from "../core/config.ts";
import { loadOrCreateDevKey, parseKeyRing } from "../crypto/key-source.ts";

/**
 * The key that signs viewer links and the API-to-worker hop. API and workers already share
 * ENCRYPTION_KEYS, so by default it is derived from its first key (HKDF, its own label: the
 * encryption key itself is never used for anything else). LIVE_VIEW_SECRET overrides it; rotating
 * either invalidates the links of sessions running at the time.
 */
export function liveViewSecret(config: Config): Buffer {
  if (config.LIVE_VIEW_SECRET) return Buffer.from(config.LIVE_VIEW_SECRET, "utf8");
  const spec = config.ENCRYPTION_KEYS ?? config.ENCRYPTION_KEY;
  const first = spec ? parseKeyRing(spec)[0]! : loadOrCreateDevKey(config.DATA_DIR).entries[0]!;
  return Buffer.from(hkdfSync("sha256", first.key, Buffer.alloc(0), "browser-login-capture live view v1", 32));
}
