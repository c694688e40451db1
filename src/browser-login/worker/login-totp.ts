import type { Logger } from "pino";
import type { CredentialMetadata } from "../../credentials/credential-metadata-schema.ts";
import type { CredentialVault } from "../../credentials/credential-vault.ts";
import type { PendingTotpSecrets } from "../../credentials/pending-totp.ts";
import type { TotpSecret } from "../../credentials/totp-secret.ts";
import type { SessionRecord } from "../sessions/session-record.ts";
import { usableTotp } from "./site-signals.ts";

/**
 * Where a login session's TOTP secret comes from, and what is written about it. A secret given with
 * the start (or on the connect page) wins, and the capture seals it into the credential; a re-login
 * otherwise uses the secret its credential holds (which the renewed credential keeps). The facts
 * the worker learns (a code typed, a code turned down) go on the credential's clear metadata, so
 * that no later run types the same code, or any code from a secret the site refused.
 */
export interface LoginTotp {
  /** What the code step may fill from (nothing: the step is the person's). */
  readonly forStep: { secret?: TotpSecret; lastUsedAt?: string };
  /** A code was typed at `at`. */
  filled(at: number): Promise<void>;
  /** The site turned the typed code down. */
  rejected(): Promise<void>;
  /** What the capture seals with the captured state: a secret given for this session, and its facts. */
  forCapture(): { totp?: TotpSecret; details: Partial<CredentialMetadata> };
}

export async function loginTotpOf(
  record: SessionRecord,
  stepDeclared: boolean,
  renewed: { totp?: TotpSecret } | undefined,
  deps: { vault: CredentialVault; pendingTotp?: PendingTotpSecrets; logger: Logger },
): Promise<LoginTotp> {
  // Only a provider with a code step can have been given a secret (the start refuses one otherwise).
  const pending = stepDeclared
    ? await deps.pendingTotp
        ?.get({ sessionId: record.id, owner: record.owner, providerId: record.providerId })
        .catch(() => undefined)
    : undefined;
  const credentialId = record.renews ? record.credentialId : undefined;
  const facts =
    credentialId && renewed?.totp ? (await deps.vault.describe(credentialId, record.owner))?.secondFactor : undefined;
  const secret = pending ?? renewed?.totp;
  const forStep = pending ? { secret: pending } : usableTotp(renewed?.totp, facts);
  let lastUsedAt: string | undefined;

  /** Facts about the credential's own secret go on its metadata at once; a given secret's go with the capture. */
  const note = async (change: { lastUsedAt?: string; rejectedAt?: string }) => {
    if (pending || !credentialId || !secret) return;
    await deps.vault
      .updateMetadata(
        credentialId,
        (m) => (m.secondFactor?.setAt === secret.setAt ? { secondFactor: { ...m.secondFactor, ...change } } : {}),
        record.owner,
      )
      .catch((error) =>
        deps.logger.warn({ err: { message: (error as Error).message } }, "could not record the one-time code's use"),
      );
  };

  return {
    forStep,
    async filled(at) {
      lastUsedAt = new Date(at).toISOString();
      await note({ lastUsedAt });
    },
    async rejected() {
      await note({ rejectedAt: new Date().toISOString() });
    },
    forCapture() {
      if (!pending) return { details: {} };
      const secondFactor = { kind: "totp" as const, setAt: pending.setAt, ...(lastUsedAt ? { lastUsedAt } : {}) };
      return { totp: pending, details: { secondFactor } };
    },
  };
}
