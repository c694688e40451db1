import { randomBytes } from "node:crypto";
import {
  CredentialRejected,
  createServiceClient,
  isAuthRequired,
  type UsableCredential,
} from "@browser-login-capture/client";
import { type ApiKeyService, startApiKeyService } from "./api-key-service.ts";
import type { ModelTurn, PromptView } from "./scripted-model.ts";
import { startTestStack, type TestStack } from "./test-stack.ts";

/**
 * The agent-tool examples' world (test/client/): a stack without a worker whose `acme-api` provider
 * takes an API key that the Acme service checks, and the key the user will enter.
 */
export interface AcmeToolStack {
  stack: TestStack;
  acme: ApiKeyService;
  acmeKey: string;
  /** The app server's client, acting for `userId`. */
  clientFor(userId: string): ReturnType<typeof createServiceClient>;
  close(): Promise<void>;
}

export async function startAcmeToolStack(): Promise<AcmeToolStack> {
  const acmeKey = `sk_live_${randomBytes(12).toString("hex")}`;
  const acme = await startApiKeyService(acmeKey);
  const stack = await startTestStack({ withWorker: false, extraProviders: [acmeKeyProvider(acme)] }).catch(
    async (error) => {
      await acme.close();
      throw error;
    },
  );
  return {
    stack,
    acme,
    acmeKey,
    clientFor: (userId) => createServiceClient({ baseUrl: stack.baseUrl, apiKey: stack.apiKey, subject: { userId } }),
    close: async () => {
      await stack.close();
      await acme.close();
    },
  };
}

/** The `acme-api` provider: one API key, validated against the Acme service's `/v1/me`. */
export function acmeKeyProvider(acme: ApiKeyService) {
  return {
    kind: "api_key" as const,
    id: "acme-api",
    name: "Acme",
    fields: [{ name: "apiKey", label: "API key" }],
    validation: { url: `${acme.url}/v1/me`, headers: { Authorization: "Bearer {{apiKey}}" } },
  };
}

/** The tools' work: the user's Acme account, asked with the key the service handed over. */
export async function acmeAccount(acme: ApiKeyService, credential: UsableCredential) {
  if (credential.authMethod !== "api_key") throw new Error("Acme takes an API key");
  const response = await fetch(`${acme.url}/v1/me`, {
    headers: { authorization: `Bearer ${credential.fields.apiKey}` },
  });
  if (response.status === 401) throw new CredentialRejected();
  return (await response.json()) as { id: string; name: string };
}

/**
 * The scripted model's part: asked something, it calls `tool`; told the user must connect, it says
 * so; given the account, it says who the user is.
 */
export function acmeTurns(tool: string) {
  return ({ last, lastToolOutput }: PromptView): ModelTurn => {
    if (last === "user") return { toolCall: { name: tool, input: {} } };
    if (isAuthRequired(lastToolOutput)) return { text: `Please connect ${lastToolOutput.providerName} first.` };
    return { text: `You are ${(lastToolOutput as { name: string }).name} on Acme.` };
  };
}
