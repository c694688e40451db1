import type { CapturedState } from "../../credentials/captured-state.ts";
import type { CredentialEvents } from "../../credentials/credential-events.ts";
import type { CredentialMetadata } from "../../credentials/credential-metadata-schema.ts";
import type { CredentialVault } from "../../credentials/credential-vault.ts";
import type { Device } from "../../credentials/device.ts";
import { renewInPlace } from "../../credentials/state-renewal.ts";
import type { TotpSecret } from "../../credentials/totp-secret.ts";
import type { SessionRecord } from "../sessions/session-record.ts";
import type { LoginTotp } from "./login-totp.ts";
import { Stopped } from "./run-control.ts";

/** A re-login's starting state and version: its capture is merged into it. */
export interface ReloginSeed {
  version: number;
  state: CapturedState;
}

/**
 * The state a re-login starts from: the credential it renews, decrypted (and audited) for this
 * browser only, the device it was captured on, and the person's TOTP secret it holds.
 */
export async function reloginSeed(
  vault: CredentialVault,
  record: SessionRecord,
): Promise<{ state: CapturedState; device?: Device; totp?: TotpSecret }> {
  const access = { purpose: "relogin_seed", apiKeyId: record.renews?.apiKeyId, requestId: record.renews?.requestId };
  const opened = record.credentialId ? await vault.open(record.credentialId, record.owner, access) : undefined;
  if (opened?.secret.kind !== "browser_login")
    throw new Stopped({
      status: "failed",
      error: { code: "credential_not_found", message: "The credential to renew no longer exists" },
    });
  return { state: opened.secret.state, device: opened.metadata.device, totp: opened.secret.totp };
}

/**
 * Replaces the renewed credential in place (same id, next version), merged into the state the
 * re-login started from (origins the browser did not load keep their storage), unless someone
 * else replaced it since the re-login began. Without a TOTP secret given for this session, the
 * credential keeps the one it holds (the vault carries it over).
 */
export async function renewFromRelogin(
  deps: { vault: CredentialVault; events?: CredentialEvents },
  {
    record,
    sessionId,
    origins,
    basedOn,
    state,
    suspectReason,
    usage: { visitedOrigins, ...details },
    device,
    second,
  }: {
    record: SessionRecord;
    sessionId: string;
    /** The provider's origins, which scope the merge. */
    origins: string[] | undefined;
    basedOn: ReloginSeed;
    state: CapturedState;
    suspectReason: string | undefined;
    usage: { usage: "restore" | "live"; lastAcceptedAt: string; visitedOrigins?: string[] };
    device: Device | undefined;
    second: ReturnType<LoginTotp["forCapture"]>;
  },
): Promise<CredentialMetadata> {
  const result = await renewInPlace(deps, {
    id: record.credentialId!,
    owner: record.owner,
    basedOn,
    captured: state,
    scope: { origins, visitedOrigins },
    by: "relogin",
    always: true,
    suspectReason,
    totp: second.totp,
    details: {
      ...details,
      status: "active",
      sessionId,
      lastVerifiedAt: details.lastAcceptedAt,
      ...(device ? { device } : {}),
      ...second.details,
    },
  });
  if (result.outcome !== "renewed") {
    const error =
      result.outcome === "missing"
        ? {
            code: "credential_not_found",
            message: "The credential was deleted during the re-login; nothing was kept",
          }
        : {
            code: "credential_changed",
            message: "The credential was replaced by another re-login or refresh meanwhile; this capture was not kept",
          };
    throw new Stopped({ status: "failed", error });
  }
  return result.metadata;
}
