import { z } from "zod";

/** One cookie, in the shape Playwright's `storageState` uses. */
export const cookieSchema = z.object({
  name: z.string(),
  value: z.string(),
  domain: z.string(),
  path: z.string(),
  expires: z.number(),
  httpOnly: z.boolean(),
  secure: z.boolean(),
  sameSite: z.enum(["Strict", "Lax", "None"]),
});

export const storageItemSchema = z.object({ name: z.string(), value: z.string() });

export const originStateSchema = z.object({
  origin: z.string(),
  localStorage: z.array(storageItemSchema),
  /** Not part of Playwright's shape: restore it with `restoreSession` (@browser-login-capture/client/playwright). */
  sessionStorage: z.array(storageItemSchema).default([]),
  /** Playwright's own IndexedDB dump, kept as it is when a provider asks for it. */
  indexedDB: z.array(z.unknown()).optional(),
});

/**
 * What a login leaves behind in the browser. A superset of Playwright's `storageState`,
 * so it can be passed to `browser.newContext({ storageState })` unchanged.
 */
export const capturedStateSchema = z.object({
  cookies: z.array(cookieSchema),
  origins: z.array(originStateSchema),
});

export type Cookie = z.infer<typeof cookieSchema>;
export type StorageItem = z.infer<typeof storageItemSchema>;
export type OriginState = z.infer<typeof originStateSchema>;
export type CapturedState = z.infer<typeof capturedStateSchema>;

/** Non-secret facts about a captured state, kept in clear beside its ciphertext. */
export function summarizeState(state: CapturedState) {
  const expiries = state.cookies.map((c) => c.expires).filter((e) => e > 0);
  return {
    origins: state.origins.map((o) => o.origin),
    cookieCount: state.cookies.length,
    earliestExpiry: expiries.length ? new Date(Math.min(...expiries) * 1000).toISOString() : null,
  };
}
