import { randomUUID } from "node:crypto";
import type { TestStack } from "./test-stack.ts";
import { waitFor } from "./wait-for.ts";

/** Starts a session whose login page carries a unique tag, so the scripted user finds its tab. */
export async function startTagged(
  stack: TestStack,
  providerId: string,
  options: { path?: string; subject?: string; org?: string; wait?: number } = {},
) {
  const tag = randomUUID();
  const api = stack.client({ userId: options.subject ?? "user-1", orgId: options.org });
  const provider = (await api.GET("/providers")).data?.providers.find((p) => p.id === providerId);
  if (!provider) throw new Error(`no provider ${providerId}`);
  const path = options.path ?? pathOf(providerId);
  const { data, error, response } = await api.POST("/browser-login/start", {
    params: { query: { wait: options.wait ?? 10_000 } },
    body: {
      providerId,
      loginUrl: `${stack.site.appOrigin}${path}${path.includes("?") ? "&" : "?"}tag=${tag}`,
      metadata: { tag },
    },
  });
  if (!data) throw new Error(`start answered ${response.status}: ${JSON.stringify(error)}`);
  return { tag, sessionId: data.sessionId, started: data };
}

function pathOf(providerId: string): string {
  if (providerId === "demo-popup") return "/popup";
  if (["demo-spa", "demo-cookie", "demo-response"].includes(providerId)) return "/spa";
  return "/login";
}

export async function waitForStatus(
  stack: TestStack,
  sessionId: string,
  statuses: string | string[],
  options: { timeoutMs?: number; subject?: string } = {},
) {
  const wanted = Array.isArray(statuses) ? statuses : [statuses];
  return waitFor(
    async () => {
      const { data } = await stack
        .client(options.subject)
        .GET("/browser-login/{id}", { params: { path: { id: sessionId } } });
      return data && wanted.includes(data.status) ? data : undefined;
    },
    { timeoutMs: options.timeoutMs ?? 15_000, what: `session ${sessionId} to reach ${wanted.join("|")}` },
  );
}
