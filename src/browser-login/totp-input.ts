import { z } from "@hono/zod-openapi";
import { parseTotpInput, TOTP_INPUT_MAX_LENGTH, TotpInputError, type TotpSecret } from "../credentials/totp-secret.ts";
import { ApiError } from "../http/errors.ts";
import type { BrowserLoginProvider } from "../providers/provider-schema.ts";

/** A TOTP secret as a person or an app sends it: base32, or an otpauth:// URI (read by credentials/totp-secret.ts). */
export const totpSecretInput = z.string().max(TOTP_INPUT_MAX_LENGTH);

/**
 * The secret a request gives for a provider, read, or the 4xx that says why not: the provider must
 * declare a code step (else the secret would never be used), and the secret must read (the answer
 * never quotes it).
 */
export function totpSecretFor(provider: BrowserLoginProvider, input: string): TotpSecret {
  if (!provider.totp)
    throw new ApiError(
      409,
      "totp_not_declared",
      `Provider ${provider.id} declares no one-time-code step: a TOTP secret would never be used`,
    );
  try {
    return parseTotpInput(input);
  } catch (error) {
    if (error instanceof TotpInputError) throw new ApiError(400, "invalid_totp_secret", error.message);
    throw error;
  }
}
