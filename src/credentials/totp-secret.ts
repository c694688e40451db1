import { Secret, TOTP, URI } from "otpauth";
import { z } from "zod";

/**
 * A TOTP secret (RFC 6238) as a browser-login credential keeps it, sealed with its captured state:
 * the key in base32 and the code's parameters. `setAt` says when the person wrote it (not secret):
 * facts the worker learns about a secret (last used, turned down) are kept in clear metadata and
 * belong to the secret written at that time.
 */
export const totpSecretSchema = z
  .object({
    secret: z.string().regex(/^[A-Z2-7]+$/),
    algorithm: z.enum(["SHA1", "SHA256", "SHA512"]).default("SHA1"),
    digits: z.number().int().min(6).max(8).default(6),
    period: z.number().int().min(5).max(300).default(30),
    setAt: z.string(),
  })
  .strict();
export type TotpSecret = z.infer<typeof totpSecretSchema>;

/** What the person may send: a base32 key as authenticator apps show it, or the otpauth:// URI of its QR code. */
export const TOTP_INPUT_MAX_LENGTH = 2048;

/** Keys shorter than 80 bits are refused (RFC 4226 asks for 128; some sites still issue 80); longer than 1024 bits is no key. */
const MIN_KEY_BYTES = 10;
const MAX_KEY_BYTES = 128;

/** A TOTP input that cannot be used; the message never quotes the input. */
export class TotpInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TotpInputError";
  }
}

/**
 * Reads a person's TOTP secret: an `otpauth://totp/…?secret=…` URI (its algorithm, digits and
 * period are kept) or a base32 key (spaces, dashes and `=` padding ignored, any case), with the
 * usual parameters (SHA-1, 6 digits, 30 s). Throws TotpInputError saying what is wrong, never what was sent.
 */
export function parseTotpInput(input: string, now = new Date()): TotpSecret {
  const text = input.trim();
  if (!text) throw new TotpInputError("The TOTP secret is empty");
  if (text.length > TOTP_INPUT_MAX_LENGTH)
    throw new TotpInputError(`The TOTP secret is longer than ${TOTP_INPUT_MAX_LENGTH} characters`);
  let totp: TOTP;
  if (/^otpauth:/i.test(text)) {
    let parsed: ReturnType<typeof URI.parse>;
    try {
      parsed = URI.parse(text);
    } catch {
      throw new TotpInputError("The otpauth:// URI could not be read (it needs a secret parameter in base32)");
    }
    if (!(parsed instanceof TOTP))
      throw new TotpInputError("The otpauth:// URI is for a counter-based code (hotp); only time-based (totp) is used");
    totp = parsed;
  } else {
    const base32 = text.replace(/[\s-]/g, "").replace(/=+$/, "").toUpperCase();
    if (!/^[A-Z2-7]+$/.test(base32))
      throw new TotpInputError("The TOTP secret is not base32 (letters A-Z and digits 2-7) nor an otpauth:// URI");
    totp = new TOTP({ secret: Secret.fromBase32(base32) });
  }
  const bytes = totp.secret.bytes.length;
  if (bytes < MIN_KEY_BYTES || bytes > MAX_KEY_BYTES)
    throw new TotpInputError(
      `The TOTP key is ${bytes * 8} bits long; between ${MIN_KEY_BYTES * 8} and ${MAX_KEY_BYTES * 8} are accepted`,
    );
  const parsed = totpSecretSchema.safeParse({
    secret: totp.secret.base32,
    algorithm: totp.algorithm.toUpperCase(),
    digits: totp.digits,
    period: totp.period,
    setAt: now.toISOString(),
  });
  if (!parsed.success)
    throw new TotpInputError(
      "The otpauth:// URI asks for parameters that are not used: algorithm SHA1, SHA256 or SHA512, 6 to 8 digits, a period of 5 to 300 seconds",
    );
  return parsed.data;
}

/** The code for the time `at`, and how long it stays the current one. */
export function totpCode(secret: TotpSecret, at = Date.now()): { code: string; step: number; validForMs: number } {
  const totp = new TOTP({
    secret: Secret.fromBase32(secret.secret),
    algorithm: secret.algorithm,
    digits: secret.digits,
    period: secret.period,
  });
  const periodMs = secret.period * 1000;
  const step = Math.floor(at / periodMs);
  return { code: totp.generate({ timestamp: at }), step, validForMs: (step + 1) * periodMs - at };
}

/** The time step a moment falls in, for a secret's period. */
export const totpStepAt = (secret: Pick<TotpSecret, "period">, at: number) => Math.floor(at / (secret.period * 1000));
