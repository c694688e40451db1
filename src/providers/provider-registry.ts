import { readFileSync } from "node:fs";
import { z } from "zod";
import { providersFileSchema, type Provider, type ProviderInput } from "./provider-schema.js";

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
