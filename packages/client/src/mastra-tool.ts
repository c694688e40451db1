import type { InferPublicSchema, PublicSchema } from "@mastra/core/schema";
import { createTool } from "@mastra/core/tools";
import { type AuthenticatedToolOptions, createAuthenticatedTool } from "./authenticated-tool.ts";
import { type AuthRequired, isAuthRequired } from "./require-credential.ts";

export interface MastraToolOptions<S extends PublicSchema, O>
  extends AuthenticatedToolOptions<InferPublicSchema<S>, O> {
  /** The tool's id, unique among the agent's tools. */
  id: string;
  /** What the tool does, for the model. */
  description: string;
  /** The tool's input, as Mastra takes it (a zod schema, any Standard Schema, JSON Schema). */
  inputSchema: S;
  /** Called when the user must connect first, before the agent sees the `auth_required` result. */
  onAuthRequired?(result: AuthRequired): void | Promise<void>;
}

/**
 * A Mastra tool (`createTool` of `@mastra/core`) that needs a credential: its result is `execute`'s, or
 * `auth_required` (what the user must do) instead of an error the agent cannot act on.
 *
 * ```ts
 * const acmeWhoAmI = createMastraTool({ id: "acme-whoami", client, providerId: "acme-api", description, inputSchema: z.object({}), execute });
 * const agent = new Agent({ id: "assistant", name: "Assistant", instructions, model, tools: { acmeWhoAmI } });
 * ```
 */
export function createMastraTool<S extends PublicSchema, O>({
  id,
  description,
  inputSchema,
  onAuthRequired,
  ...options
}: MastraToolOptions<S, O>) {
  const run = createAuthenticatedTool(options);
  return createTool({
    id,
    description,
    inputSchema,
    async execute(input): Promise<O | AuthRequired> {
      // Mastra has validated the input against inputSchema; its generic type is S's output.
      const result = await run(input as InferPublicSchema<S>);
      if (isAuthRequired(result)) await onAuthRequired?.(result);
      return result;
    },
  });
}
