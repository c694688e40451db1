/**
 * `npm run generate:client`: writes packages/client/src/api-types.ts, the TypeScript types of /openapi.json
 * (openapi-typescript), which the client package's api-client.ts is typed with. A test regenerates them from a
 * running API and fails when the committed file differs, so they cannot fall behind the routes.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";
import pino from "pino";
import { type ApiParts, createApiApp } from "../src/service/api-app.ts";

export const API_TYPES_FILE = new URL("../packages/client/src/api-types.ts", import.meta.url);

const HEADER =
  "// Generated from GET /openapi.json by `npm run generate:client` (scripts/generate-client.ts). Do not edit.\n\n";

export async function generateApiTypes(document: unknown): Promise<string> {
  return HEADER + astToString(await openapiTS(document as OpenAPI3));
}

/**
 * The document as the API serves it. Building it calls none of the app's dependencies, so they are
 * stand-ins here: no Redis, no worker.
 */
export async function apiDocument(): Promise<unknown> {
  const unused = {} as never;
  // Every optional feature the API process turns on by default: their routes are in the document.
  const parts: ApiParts = {
    logger: pino({ level: "silent" }),
    serviceKeys: ["document-only"],
    resolveSubject: unused,
    ready: unused,
    providers: unused,
    vault: unused,
    audit: unused,
    credentialEvents: unused,
    browserLogin: unused,
    events: unused,
    checks: unused,
    apiKeys: unused,
    webhooks: unused,
    oauth2: { flow: unused, clients: unused, tokens: unused },
    liveView: { links: unused, secret: Buffer.alloc(32), frameAncestors: [] },
    keepAlive: { sessions: unused, secret: Buffer.alloc(32), publicUrl: unused },
    connect: {
      links: unused,
      linkTtlMs: 0,
      publicUrl: unused,
      frameAncestors: [],
      returnSchemes: [],
      componentOrigins: [],
    },
  };
  return (await createApiApp(parts).request("/openapi.json")).json();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  writeFileSync(API_TYPES_FILE, await generateApiTypes(await apiDocument()));
  console.log(`wrote ${API_TYPES_FILE.pathname}`);
}
