import { type FlexibleSchema, type Tool, tool } from "ai";
import { type AuthenticatedToolOptions, createAuthenticatedTool } from "./authenticated-tool.ts";
import { type AuthRequired, isAuthRequired } from "./require-credential.ts";

export interface AiSdkToolOptions<I, O> extends AuthenticatedToolOptions<I, O> {
  /** What the tool does, for the model. */
  description: string;
  /** The tool's input, as the AI SDK takes it (a zod schema, `jsonSchema(...)`, any Standard Schema). */
  inputSchema: FlexibleSchema<I>;
  /**
   * Called when the user must connect first, before the model sees the `auth_required` result: have your
   * app show the connection (`result.start`, `result.fields`...). The model is expected to call the tool
   * again once the user is connected.
   */
  onAuthRequired?(result: AuthRequired): void | Promise<void>;
}

/**
 * A Vercel AI SDK tool (`tool()` of the `ai` package) that needs a credential: its result is `execute`'s,
 * or `auth_required` (what the user must do) instead of an error the model cannot act on.
 *
 * ```ts
 * const tools = { acme_whoami: createAiSdkTool({ client, providerId: "acme-api", description, inputSchema: z.object({}), execute }) };
 * const { text } = await generateText({ model, tools, stopWhen: isStepCount(5), prompt });
 * ```
 */
export function createAiSdkTool<I, O>({
  description,
  inputSchema,
  onAuthRequired,
  ...options
}: AiSdkToolOptions<I, O>): Tool<I, O | AuthRequired> {
  const run = createAuthenticatedTool(options);
  // Tool<I, O> types execute through conditional types on O that a generic O leaves unresolved, so the
  // object is typed here field by field and handed to tool() as a Tool of our I and O.
  const definition = {
    description,
    inputSchema,
    async execute(input: I): Promise<O | AuthRequired> {
      const result = await run(input);
      if (isAuthRequired(result)) await onAuthRequired?.(result);
      return result;
    },
  };
  return tool(definition as unknown as Tool<I, O | AuthRequired>);
}
