import { readFileSync } from "node:fs";
import { z } from "zod";
import { type Provider, type ProviderInput, providersFileSchema } from "./provider-schema.ts";

export interface ProviderRegistry {
  get(id: string): Provider | undefined;
  list(): Provider[];
}

export function createProviderRegistry(providers: ProviderInput[]): ProviderRegistry {
  const parsed = providersFileSchema.parse({ providers });
  const byId = new Map<string, Provider>();
  for (const provider of parsed.providers) {
    if (byId.has(provider.id)) throw new Error(`Provider ${provider.id} is defined twice`);
    byId.set(provider.id, provider);
  }
  return { get: (id) => byId.get(id), list: () => [...byId.values()] };
}

/** Reads a providers file; `${NAME}` in it is replaced by the environment variable NAME. */
export function loadProvidersFile(path: string, env: NodeJS.ProcessEnv = process.env): ProviderRegistry {
  const text = readFileSync(path, "utf8").replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) throw new Error(`${path} uses \${${name}}, which is not set`);
    return value;
  });
  try {
    return createProviderRegistry(JSON.parse(text).providers);
  } catch (error) {
    const detail = error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message;
    throw new Error(`Invalid providers file ${path}:\n${detail}`);
  }
}

/** A registry that can read its providers again; callers keep the same get/list interface. */
export interface ReloadableProviderRegistry extends ProviderRegistry {
  /**
   * Loads the providers again and serves them from now on. A load that fails throws and keeps the
   * current ones. Sessions already running hold the provider object they started with.
   */
  reload(): ProviderRegistry;
}

export function createReloadableRegistry(load: () => ProviderRegistry): ReloadableProviderRegistry {
  let current = load();
  return {
    get: (id) => current.get(id),
    list: () => current.list(),
    reload() {
      current = load();
      return current;
    },
  };
}
