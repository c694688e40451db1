import { z } from "zod";

/**
 * An app's own values, given when it starts a session or stores a credential and handed back, exactly as
 * given, on the session, its events and its credential: small, flat and bounded.
 */
export const clientMetadataSchema = z
  .record(z.string().max(64), z.union([z.string().max(1024), z.number(), z.boolean(), z.null()]))
  .refine((m) => Object.keys(m).length <= 32, "at most 32 metadata entries");
