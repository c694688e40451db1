import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import { redisKeys } from "../core/redis-keys.ts";
import { subjectSchema } from "../core/subject.ts";

/**
 * What an authorization request is bound to, kept under its `state` until the browser comes back.
 * The PKCE verifier is a one-time secret of this flow only (useless without the code the provider
 * sends to our callback); it lives in Redis for at most the state's lifetime.
 */
export const pendingAuthorizationSchema = z.object({
  subject: subjectSchema,
  providerId: z.string(),
  /** Which client started it: the organisation's own, or the provider's from the environment. */
  clientSource: z.enum(["org", "provider"]),
  codeVerifier: z.string().optional(),
  redirectUri: z.string(),
  returnOrigin: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  expiresAt: z.string(),
});
export type PendingAuthorization = z.infer<typeof pendingAuthorizationSchema>;

/** Single-use `state` nonces with a short lifetime (CSRF and replay defence for the callback). */
export interface OAuth2States {
  /** Stores the flow under a new random state (256 bits) and returns it. */
  create(flow: Omit<PendingAuthorization, "expiresAt">): Promise<{ state: string; expiresAt: string }>;
  /** The flow, removed in the same command: a second callback with the same state finds nothing. */
  consume(state: string): Promise<PendingAuthorization | undefined>;
}

export function createOAuth2States(
  redis: Redis,
  { prefix, ttlSeconds }: { prefix: string; ttlSeconds: number },
): OAuth2States {
  const key = redisKeys(prefix).oauth2State;
  return {
    async create(flow) {
      const state = randomBytes(32).toString("base64url");
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000).toISOString();
      await redis.set(key(state), JSON.stringify({ ...flow, expiresAt }), "EX", ttlSeconds);
      return { state, expiresAt };
    },
    async consume(state) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(state)) return undefined;
      const json = await redis.getdel(key(state));
      return json ? pendingAuthorizationSchema.parse(JSON.parse(json)) : undefined;
    },
  };
}
