import { randomUUID } from "node:crypto";
import type { ApiSchemas } from "@browser-login-capture/client";
import { timed } from "./api-client.ts";
import type { BenchStack } from "./stack.ts";
import { sleep } from "./stats.ts";

/**
 * A pause between a service run and a bare one: enough for the worker to close a context and make
 * its next spare on this kind of machine, so neither side is timed while the other's browser works.
 */
export const SETTLE_MS = 800;

export const FINAL = new Set(["completed", "failed", "expired", "cancelled"]);

/** The session as GET /browser-login/:id shows it. */
export type SessionView = ApiSchemas["LoginSession"];

/**
 * POST /browser-login/start for a login URL carrying a unique tag, so the scripted user can find
 * the session's tab among all the others. `waitMs` is passed as ?wait=.
 */
export async function startSession(
  stack: BenchStack,
  providerId: string,
  loginUrl: string,
  waitMs: number,
  person: { locale?: string; timeZone?: string } = {},
) {
  const tag = randomUUID();
  const res = await timed(() =>
    stack.api.POST("/browser-login/start", {
      params: { query: { wait: waitMs } },
      body: { providerId, loginUrl: `${loginUrl}?tag=${tag}`, ...person },
    }),
  );
  if (!res.data) throw new Error(`start answered ${res.response.status}: ${JSON.stringify(res.error)}`);
  return { tag, view: res.data, ms: res.ms };
}

/**
 * Polls GET /browser-login/:id every `intervalMs` (start to start) until `wanted` holds; returns the
 * view and the Date.now() at which the answer that showed it arrived.
 */
export async function pollUntil(
  stack: BenchStack,
  id: string,
  wanted: (v: SessionView) => boolean,
  { intervalMs = 20, timeoutMs = 30_000 } = {},
): Promise<{ view: SessionView; seenAt: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const started = performance.now();
    const res = await stack.api.GET("/browser-login/{id}", { params: { path: { id } } });
    if (!res.data) throw new Error(`GET ${id} answered ${res.response.status}: ${JSON.stringify(res.error)}`);
    const view = res.data;
    if (wanted(view)) return { view, seenAt: Date.now() };
    if (FINAL.has(view.status))
      throw new Error(`session ${id} ended as ${view.status} (${view.error?.code ?? "no error"}) while waiting`);
    if (Date.now() > deadline) throw new Error(`session ${id} still ${view.status} after ${timeoutMs} ms`);
    await sleep(Math.max(0, intervalMs - (performance.now() - started)));
  }
}

/** Milliseconds between two statuses of a session's timeline. */
export function span(view: SessionView, from: string, to: string): number {
  const a = view.timeline[from];
  const b = view.timeline[to];
  if (!a || !b) throw new Error(`session ${view.sessionId} has no ${a ? to : from} in its timeline`);
  return Date.parse(b) - Date.parse(a);
}

export async function cancel(stack: BenchStack, id: string) {
  await stack.api.POST("/browser-login/{id}/cancel", { params: { path: { id } } });
}
