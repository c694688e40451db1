import { randomUUID } from "node:crypto";
import type { TestStack } from "./test-stack.js";
import { waitFor } from "./wait-for.js";

/** Starts a session whose login page carries a unique tag, so the scripted user finds its tab. */
export async function startTagged(stack: TestStack, providerId: string, options: { path?: string; subject?: string; org?: string; wait?: number } = {}) {
  const tag = randomUUID();
  const provider = (await stack.api("GET", "/providers")).body.providers.find((p: { id: string }) => p.id === providerId);
  if (!provider) throw new Error(`no provider ${providerId}`);
  const path = options.path ?? pathOf(providerId);
  const res = await stack.api("POST", `/browser-login/start?wait=${options.wait ?? 10_000}`, {
    body: { providerId, loginUrl: `${stack.site.appOrigin}${path}?tag=${tag}`, metadata: { tag } },
    subject: options.subject,
    org: options.org,
  });
  if (res.status !== 202) throw new Error(`start answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { tag, sessionId: res.body.sessionId as string, started: res.body };
}

function pathOf(providerId: string): string {
  if (providerId === "demo-popup") return "/popup";
  if (["demo-spa", "demo-cookie", "demo-response"].includes(providerId)) return "/spa";
  return "/login";
}

export async function waitForStatus(stack: TestStack, sessionId: string, statuses: string | string[], options: { timeoutMs?: number; subject?: string } = {}) {
  const wanted = Array.isArray(statuses) ? statuses : [statuses];
  return waitFor(
    async () => {
      const res = await stack.api("GET", `/browser-login/${sessionId}`, { subject: options.subject });
      return wanted.includes(res.body?.status) ? res.body : undefined;
    },
    { timeoutMs: options.timeoutMs ?? 15_000, what: `session ${sessionId} to reach ${wanted.join("|")}` },
  );
}
