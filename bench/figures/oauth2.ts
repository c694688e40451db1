import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as oidc from "openid-client";
import { freePort } from "../../test/helpers/free-port.ts";
import { startOidcServer } from "../../test/helpers/oidc-server.ts";
import { spawnService } from "../../test/helpers/service-process.ts";
import type { Resources } from "../lib/resources.ts";
import type { BenchStack } from "../lib/stack.ts";
import { summarize } from "../lib/stats.ts";

const CLIENT = { clientId: "bench-app", clientSecret: "bench-client-secret-0123456789abcdef" };

/**
 * Figure 9: GET /credentials/:id/access-token latency, fresh (a decrypt and an audit entry) and when
 * every call needs a refresh (lock, refresh request, re-seal, event), against a direct refresh-token
 * request to the same oidc-provider in the same run. The API is its own process on the bench's Redis;
 * the connection is made once through the real consent pages in the bench's Chromium.
 */
export async function measureOAuth2(stack: BenchStack, resources: Resources, reps: number) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await startOidcServer({ clients: [{ ...CLIENT, redirectUris: [`${base}/oauth2/callback`] }] });
  resources.add("oidc-provider", server.close);
  const providersFile = join(mkdtempSync(join(tmpdir(), "blc-bench-oauth2-")), "providers.json");
  const provider = {
    kind: "oauth2",
    id: "bench-idp",
    name: "Bench IdP",
    issuer: server.issuer,
    scopes: ["openid", "api"],
    ...CLIENT,
  };
  writeFileSync(providersFile, JSON.stringify({ providers: [provider] }));
  const api = spawnService("src/bin/api.ts", {
    NODE_ENV: "test",
    REDIS_URL: stack.redis.url,
    API_KEYS: stack.apiKey,
    ENCRYPTION_KEYS: stack.encryptionKeys,
    DATA_DIR: mkdtempSync(join(tmpdir(), "blc-bench-oauth2-api-")),
    HOST: "127.0.0.1",
    PORT: String(port),
    PROVIDERS_FILE: providersFile,
    OAUTH2_REFRESH_SKEW_SECONDS: "60",
  });
  resources.add("oauth2 api", async () => api.kill());
  await api.waitForOutput("API listening", 30_000);
  const headers = { authorization: `Bearer ${stack.apiKey}`, "x-subject-user-id": "bench-oauth2" };

  /** One connection through the server's own login and consent pages; its credential id. */
  async function connect(): Promise<string> {
    const start = await fetch(`${base}/oauth2/start`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ providerId: "bench-idp" }),
    }).then((r) => r.json());
    const context = await stack.bare.newContext();
    try {
      await context.route(/^https:\/\//, (route) => route.abort());
      const page = await context.newPage();
      await page.goto(start.authorizationUrl);
      await page.fill('input[name="login"]', "bench-user");
      await page.fill('input[name="password"]', "any");
      await page.click('button:has-text("Sign-in")');
      await page.click('button:has-text("Continue")');
      await page.waitForURL(/\/oauth2\/callback/);
      const listed = await fetch(`${base}/credentials`, { headers }).then((r) => r.json());
      return listed.credentials.at(-1).id;
    } finally {
      await context.close();
    }
  }

  const timeCall = async (call: () => Promise<Response>) => {
    const t0 = performance.now();
    const response = await call();
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`access-token answered ${response.status}`);
    return performance.now() - t0;
  };
  const accessToken = (id: string) => () => fetch(`${base}/credentials/${id}/access-token`, { headers });

  server.setAccessTokenTtl(3600);
  const id = await connect();
  const fresh: number[] = [];
  for (let i = 0; i < reps + 3; i++) fresh.push(await timeCall(accessToken(id)));

  // Tokens living 1 s, inside the 60 s skew: once the stored one is such a token, every call refreshes.
  server.setAccessTokenTtl(1);
  await timeCall(() => fetch(`${base}/credentials/${id}/refresh`, { method: "POST", headers }));
  const refreshesBefore = server.refreshRequests();
  const refreshing: number[] = [];
  for (let i = 0; i < reps + 3; i++) refreshing.push(await timeCall(accessToken(id)));
  const refreshesSeen = server.refreshRequests() - refreshesBefore;

  // The same server, asked directly by a client with its own grant (rotated on each use, like ours).
  server.setAccessTokenTtl(3600);
  await connect();
  let refreshToken = server.issued.refreshTokens.at(-1)!;
  const config = await oidc.discovery(
    new URL(server.issuer),
    CLIENT.clientId,
    undefined,
    oidc.ClientSecretPost(CLIENT.clientSecret),
    { execute: [oidc.allowInsecureRequests] },
  );
  const direct: number[] = [];
  for (let i = 0; i < reps + 3; i++) {
    const t0 = performance.now();
    const response = await oidc.refreshTokenGrant(config, refreshToken);
    direct.push(performance.now() - t0);
    refreshToken = response.refresh_token ?? refreshToken;
  }
  // The first three of each are warm-up (connections, JIT, discovery).
  return {
    fresh: summarize(fresh.slice(3)),
    refreshing: summarize(refreshing.slice(3)),
    direct: summarize(direct.slice(3)),
    refreshesSeen,
    reps,
  };
}
