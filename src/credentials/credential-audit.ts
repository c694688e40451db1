import type { Redis } from "ioredis";
import { z } from "zod";
import { redisKeys } from "../core/redis-keys.ts";
import { subjectSchema } from "../core/subject.ts";

/**
 * Who decrypted a credential, when and why: one entry per decrypt, appended before the plaintext is
 * handed out. Entries name the API key by its id (a prefix of its SHA-256), never the key, and hold
 * no secret. Kept in a Redis stream per credential, bounded in length and idle time, so the trail
 * outlives the credential's deletion for a while.
 */
export const credentialAccessSchema = z.object({
  /** Why the credential was opened: "storage_state" (handed to its owner), later "verify", "relogin_seed". */
  purpose: z.string(),
  apiKeyId: z.string().optional(),
  requestId: z.string().optional(),
  /** Through what the credential was used: absent for the REST API, "mcp" for the MCP server's tools. */
  via: z.literal("mcp").optional(),
  /** The MCP client: the access token's client_id, or the service key's id (key_…). */
  clientId: z.string().max(200).optional(),
  /** The name the MCP client gave itself (clientInfo): its own word, not checked. */
  clientName: z.string().max(200).optional(),
});
export type CredentialAccess = z.infer<typeof credentialAccessSchema>;

export const auditEntrySchema = credentialAccessSchema.extend({ at: z.string(), subject: subjectSchema });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export interface CredentialAudit {
  record(credentialId: string, entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(credentialId: string, limit?: number): Promise<AuditEntry[]>;
}

export function createRedisCredentialAudit(
  redis: Redis,
  options: { prefix: string; maxEntries: number; retentionSeconds: number },
): CredentialAudit {
  const key = redisKeys(options.prefix).credentialAudit;
  return {
    async record(credentialId, entry) {
      await redis
        .multi()
        .xadd(key(credentialId), "MAXLEN", "~", String(options.maxEntries), "*", "entry", JSON.stringify(entry))
        .expire(key(credentialId), options.retentionSeconds)
        .exec()
        .then((results) => {
          const failed = results?.find(([error]) => error);
          if (failed) throw failed[0];
        });
    },
    async list(credentialId, limit = 100) {
      const entries = await redis.xrevrange(key(credentialId), "+", "-", "COUNT", limit);
      return entries.map(([, fields]) => auditEntrySchema.parse(JSON.parse(fields[1] ?? "{}")));
    },
  };
}
