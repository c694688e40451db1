import type { Redis } from "ioredis";
import { z } from "zod";
import { redisKeys } from "../core/redis-keys.ts";
import { subjectSchema } from "../core/subject.ts";
import { mintConnectToken, newConnectLinkId, parseConnectToken, verifyConnectToken } from "./connect-link-token.ts";

/** What a connect link lets its holder do, and for whom: kept in Redis a while past its expiry. */
export const connectLinkRecordSchema = z.object({
  subject: subjectSchema,
  /** Provider ids the page offers (and whose connections it shows); absent: every provider. */
  providers: z.array(z.string()).optional(),
  /** Where the page's "Back" link leads, and a line the page shows above the list. */
  returnUrl: z.string().optional(),
  message: z.string().optional(),
  expiresAt: z.string(),
});
type ConnectLinkRecord = z.infer<typeof connectLinkRecordSchema>;
export type ConnectLink = ConnectLinkRecord & { id: string };

export type ResolvedLink = { ok: true; link: ConnectLink } | { ok: false; reason: "invalid" | "expired" };

export interface ConnectLinks {
  /** Stores the link and returns its token (the capability: handed out once, never stored). */
  mint(
    input: Omit<ConnectLinkRecord, "expiresAt">,
    ttlMs: number,
  ): Promise<{ id: string; token: string; expiresAt: string }>;
  resolve(token: string): Promise<ResolvedLink>;
}

/** Records outlive their links by this much, so that a recently expired link is told apart from a forged one. */
const KEPT_AFTER_EXPIRY_MS = 60 * 60_000;

export function createConnectLinks(
  redis: Redis,
  options: { prefix: string; secret: Buffer; now?: () => number },
): ConnectLinks {
  const now = options.now ?? Date.now;
  const key = redisKeys(options.prefix).connectLink;
  return {
    async mint(input, ttlMs) {
      const id = newConnectLinkId();
      const expiresAtMs = now() + ttlMs;
      const record: ConnectLinkRecord = { ...input, expiresAt: new Date(expiresAtMs).toISOString() };
      await redis.set(key(id), JSON.stringify(record), "PX", ttlMs + KEPT_AFTER_EXPIRY_MS);
      return {
        id,
        token: mintConnectToken(options.secret, { id, expiresAtMs }, input.subject),
        expiresAt: record.expiresAt,
      };
    },
    async resolve(token) {
      const claimed = parseConnectToken(token);
      const stored = claimed && (await redis.get(key(claimed.id)));
      if (!claimed || !stored) return { ok: false, reason: "invalid" };
      const record = connectLinkRecordSchema.parse(JSON.parse(stored));
      if (
        !verifyConnectToken(options.secret, claimed, record.subject) ||
        Date.parse(record.expiresAt) !== claimed.expiresAtMs
      ) {
        return { ok: false, reason: "invalid" };
      }
      if (claimed.expiresAtMs <= now()) return { ok: false, reason: "expired" };
      return { ok: true, link: { id: claimed.id, ...record } };
    },
  };
}
