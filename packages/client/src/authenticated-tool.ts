import {
  type AuthRequired,
  authRequired,
  isAuthRequired,
  requireCredential,
  type UsableCredential,
} from "./require-credential.ts";
import { type ServiceClient, ServiceError } from "./service-client.ts";

/**
 * Thrown by a tool's `execute` when the service it called refused the credential (a 401 from the
 * API the key is for, a logged-out page): the wrapper answers `auth_required` (reason `rejected`)
 * so the user can connect again, instead of the agent seeing a failure.
 */
export class CredentialRejected extends Error {
  constructor(message = "The service refused the credential") {
    super(message);
    this.name = "CredentialRejected";
  }
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. Plain timers: the package runs wherever fetch does. */
function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface AuthenticatedToolOptions<I, O> {
  client: ServiceClient;
  providerId: string;
  /** The tool itself, given a usable credential for the provider (narrow on `credential.authMethod`). */
  execute(input: I, credential: UsableCredential): Promise<O>;
}

export interface WhenConnectedOptions {
  /** How long to wait for the user to connect (default 10 minutes, a browser login's default timeout). */
  timeoutMs?: number;
  /** How often to look for the credential (default 1 s). */
  intervalMs?: number;
  signal?: AbortSignal;
}

/**
 * An agent tool that needs a credential. Calling it runs `execute` with the credential, or answers
 * `auth_required` (what the app's UI needs to start the connection) instead of failing; once the app
 * has shown that to the user, `whenConnected(input)` waits for the credential and executes then.
 * Framework-agnostic: hand `tool` to any agent framework as the tool's function, and branch on
 * `isAuthRequired(result)` where the app renders tool results.
 */
export interface AuthenticatedTool<I, O> {
  (input: I): Promise<O | AuthRequired>;
  whenConnected(input: I, options?: WhenConnectedOptions): Promise<O | AuthRequired>;
  readonly providerId: string;
}

export function createAuthenticatedTool<I, O>({
  client,
  providerId,
  execute,
}: AuthenticatedToolOptions<I, O>): AuthenticatedTool<I, O> {
  async function rejected(): Promise<AuthRequired> {
    const provider = (await client.providers()).find((p) => p.id === providerId);
    if (!provider) throw new ServiceError(404, "provider_not_found", `No provider ${providerId}`);
    return authRequired(provider, "rejected");
  }

  /** Runs the tool once; `refused`: the credential version the service already refused (not tried again). */
  async function attempt(input: I, refused?: string): Promise<{ result: O | AuthRequired; used?: string }> {
    const credential = await requireCredential(client, providerId);
    if (isAuthRequired(credential)) return { result: credential };
    const used = `${credential.credentialId}@${credential.version}`;
    if (used === refused) return { result: await rejected(), used };
    try {
      return { result: await execute(input, credential), used };
    } catch (error) {
      if (!(error instanceof CredentialRejected)) throw error;
      return { result: await rejected(), used };
    }
  }

  async function whenConnected(
    input: I,
    { timeoutMs = 600_000, intervalMs = 1_000, signal }: WhenConnectedOptions = {},
  ): Promise<O | AuthRequired> {
    const deadline = Date.now() + timeoutMs;
    let refused: string | undefined;
    for (;;) {
      signal?.throwIfAborted();
      const { result, used } = await attempt(input, refused);
      if (!isAuthRequired(result) || Date.now() >= deadline) return result;
      // A refused credential is not tried again until the user replaces it (a new version or a new credential).
      if (result.reason === "rejected") refused = used;
      await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())), signal);
    }
  }

  const tool = async (input: I) => (await attempt(input)).result;
  return Object.assign(tool, { whenConnected, providerId });
}
