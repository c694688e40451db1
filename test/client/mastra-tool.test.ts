import { createMastraTool } from "@browser-login-capture/client/mastra";
import { Agent } from "@mastra/core/agent";
import type { MastraModelConfig } from "@mastra/core/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type AcmeToolStack, acmeAccount, acmeTurns, startAcmeToolStack } from "../helpers/acme-key-tool.ts";
import { scriptedModel } from "../helpers/scripted-model.ts";

/**
 * The Mastra example: an Agent (with a scripted model, the AI SDK's mock) whose tool needs an Acme key the
 * user has not given. The agent calls the tool, gets auth_required and says so; the app stores the key
 * the user enters; asked again, the agent's tool call succeeds.
 */
describe("createMastraTool: a Mastra agent's tool through auth_required to success", () => {
  let world: AcmeToolStack;
  beforeAll(async () => {
    world = await startAcmeToolStack();
  });
  afterAll(async () => {
    await world?.close();
  });

  it("the agent calls the tool, learns the user must connect, and succeeds once they have", async () => {
    const { acme, acmeKey } = world;
    const client = world.clientFor("mastra-user");
    const shown: unknown[] = [];
    const acmeWhoAmI = createMastraTool({
      id: "acme-whoami",
      client,
      providerId: "acme-api",
      description: "The user's Acme account",
      inputSchema: z.object({}),
      onAuthRequired: (result) => {
        shown.push(result); // the app shows the key form
      },
      execute: (_input, credential) => acmeAccount(acme, credential),
    });
    const agent = new Agent({
      id: "assistant",
      name: "Assistant",
      instructions: "Answer questions about the user's Acme account with the acmeWhoAmI tool.",
      // Mastra pins its own @ai-sdk/provider types (4.0.17); the AI SDK's mock implements the same
      // LanguageModelV4 protocol with the AI SDK's newer types, hence the cast.
      model: scriptedModel(acmeTurns("acmeWhoAmI")) as unknown as MastraModelConfig,
      tools: { acmeWhoAmI },
    });

    const first = await agent.generate("Who am I on Acme?", { maxSteps: 3 });
    expect(first.text).toBe("Please connect Acme first.");
    expect(first.toolResults[0]?.payload.result).toMatchObject({
      type: "auth_required",
      providerId: "acme-api",
      authMethod: "api_key",
    });
    expect(shown).toHaveLength(1);

    // The user fills in the form the app showed; the app's server stores the key.
    await client.submitApiKey({ providerId: "acme-api", fields: { apiKey: acmeKey } });

    const second = await agent.generate("Done, I connected it. Who am I on Acme?", { maxSteps: 3 });
    expect(second.toolResults[0]?.payload.result).toEqual({ id: "acct_1", name: "Fixture account" });
    expect(second.text).toBe("You are Fixture account on Acme.");
    expect(shown).toHaveLength(1);
  });
});
