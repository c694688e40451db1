import { createAiSdkTool } from "@browser-login-capture/client/ai";
import { generateText, isStepCount, type ModelMessage } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type AcmeToolStack, acmeAccount, acmeTurns, startAcmeToolStack } from "../helpers/acme-key-tool.ts";
import { scriptedModel } from "../helpers/scripted-model.ts";

/**
 * The AI SDK example: a chat turn whose tool needs an Acme key the user has not given. The model (scripted
 * with the AI SDK's own mock) calls the tool, gets auth_required and tells the user; the app shows the
 * key form and stores the key; on the next turn the same tool call succeeds.
 */
describe("createAiSdkTool: an AI SDK tool through auth_required to success", () => {
  let world: AcmeToolStack;
  beforeAll(async () => {
    world = await startAcmeToolStack();
  });
  afterAll(async () => {
    await world?.close();
  });

  it("the model calls the tool, learns the user must connect, and succeeds on the next turn", async () => {
    const { acme, acmeKey } = world;
    const client = world.clientFor("ai-user");
    const shown: unknown[] = [];
    const tools = {
      acme_whoami: createAiSdkTool({
        client,
        providerId: "acme-api",
        description: "The user's Acme account",
        inputSchema: z.object({}),
        onAuthRequired: (result) => {
          shown.push(result); // the app shows the key form
        },
        execute: (_input, credential) => acmeAccount(acme, credential),
      }),
    };
    // The model: asked something, it calls the tool; given the tool's answer, it says what it learned.
    const model = scriptedModel(acmeTurns("acme_whoami"));

    const messages: ModelMessage[] = [{ role: "user", content: "Who am I on Acme?" }];
    const first = await generateText({ model, tools, messages, stopWhen: isStepCount(3) });
    expect(first.text).toBe("Please connect Acme first.");
    const firstResult = first.steps[0]!.toolResults[0]!;
    expect(firstResult.output).toMatchObject({ type: "auth_required", providerId: "acme-api", authMethod: "api_key" });
    expect(shown).toHaveLength(1);
    expect(acme.requests).toHaveLength(0);

    // The user fills in the form the app showed; the app's server stores the key.
    await client.submitApiKey({ providerId: "acme-api", fields: { apiKey: acmeKey } });

    messages.push(...first.response.messages, { role: "user", content: "Done, I connected it." });
    const second = await generateText({ model, tools, messages, stopWhen: isStepCount(3) });
    expect(second.steps[0]!.toolResults[0]!.output).toEqual({ id: "acct_1", name: "Fixture account" });
    expect(second.text).toBe("You are Fixture account on Acme.");
    expect(shown).toHaveLength(1);
  });
});
