import type { Config } from "../config.js";
import { loadProvidersFile } from "../providers/provider-registry.js";

/** The providers file, with the bundled demo site's ports available as ${DEMO_PORT} and ${DEMO_SSO_PORT}. */
export function loadProviders(config: Config) {
  return loadProvidersFile(config.PROVIDERS_FILE, {
    DEMO_PORT: String(config.DEMO_PORT),
    DEMO_SSO_PORT: String(config.DEMO_SSO_PORT),
    ...process.env,
  });
}
