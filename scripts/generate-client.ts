/**
 * `npm run generate:client`: writes src/client/api-types.ts, the TypeScript types of /openapi.json
 * (openapi-typescript), which src/client/api-client.ts is typed with. A test regenerates them from a
 * running API and fails when the committed file differs, so they cannot fall behind the routes.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";
import pino from "pino";
import { createApp, type AppDeps } from "../src/api/app.ts";
import { apiKeyConnectKind } from "../src/connect/api-key-connect.ts";
import { oauth2ConnectKind } from "../src/connect/oauth2-connect.ts";

export const API_TYPES_FILE = new URL("../src/client/api-types.ts", import.meta.url);

const HEADER = "// Generated from GET /openapi.json by `npm run generate:client` (scripts/generate-client.ts). Do not edit.\n\n";

export async function generateApiTypes(document: unknown): Promise<string> {
  return HEADER + astToString(await openapiTS(document as OpenAPI3));
}

/**
 * The document as the API serves it. Building it calls none of the app's dependencies, so they are
 * stand-ins here: no Redis, no worker.
 */
export async function apiDocument(): Promise<unknown> {
  const unused = {} as never;
  const deps: AppDeps = {
    apiKeys: ["document-only"],
    logger: pino({ level: "silent" }),
    webhooks: unused,
    liveView: { links: unused, secret: Buffer.alloc(32), frameAncestors: [] },
    // Every kind services.ts registers: their routes are in the document.
    connect: { links: unused, linkTtlMs: 0, publicUrl: unused, frameAncestors: [], kinds: [oauth2ConnectKind(unused), apiKeyConnectKind(unused)] },
    checks: unused,
    oauth2: { flow: unused, clients: unused, tokens: unused },
    sessions: unused,
    events: unused,
    eventLog: unused,
    eventTail: unused,
    sseHeartbeatMs: 0,
    queue: unused,
    vault: unused,
    audit: unused,
    providers: unused,
    resolveSubject: unused,
    loginUrlPolicy: unused,
    validateApiKey: unused,
    sessionTimeoutMs: 0,
  };
  return (await createApp(deps).request("/openapi.json")).json();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  writeFileSync(API_TYPES_FILE, await generateApiTypes(await apiDocument()));
  console.log(`wrote ${API_TYPES_FILE.pathname}`);
}
