import { MockLanguageModelV4 } from "ai/test";

/** What the scripted model does next: call a tool, or answer in text. */
export type ModelTurn = { toolCall: { name: string; input: unknown } } | { text: string };

/** The prompt as the model gets it, reduced to what a script looks at. */
export interface PromptView {
  /** The role of the last message: "user" after the person spoke, "tool" after a tool answered. */
  last: string;
  /** The last tool result's output value (JSON outputs as their value, text outputs as their text). */
  lastToolOutput: unknown;
}

type Prompt = Parameters<MockLanguageModelV4["doGenerate"]>[0]["prompt"];
type StreamPart =
  Awaited<ReturnType<MockLanguageModelV4["doStream"]>>["stream"] extends ReadableStream<infer P> ? P : never;

function view(prompt: Prompt): PromptView {
  const last = prompt[prompt.length - 1];
  let lastToolOutput: unknown;
  for (const message of prompt)
    if (message.role === "tool")
      for (const part of message.content)
        if (part.type === "tool-result") {
          const output = part.output as { type: string; value?: unknown };
          lastToolOutput = output.value;
        }
  return { last: last?.role ?? "", lastToolOutput };
}

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
};

/**
 * A language model that follows a script instead of thinking: `next` sees the prompt and says what to
 * do, through the AI SDK's own mock (ai/test), for generateText (doGenerate) and agents that stream
 * (doStream). Tool calls get ids call-1, call-2...
 */
export function scriptedModel(next: (prompt: PromptView) => ModelTurn) {
  let calls = 0;
  const turn = (prompt: Prompt) => {
    const step = next(view(prompt));
    if ("text" in step) return { step, content: [{ type: "text" as const, text: step.text }] };
    const call = {
      type: "tool-call" as const,
      toolCallId: `call-${++calls}`,
      toolName: step.toolCall.name,
      input: JSON.stringify(step.toolCall.input),
    };
    return { step, content: [call] };
  };
  const finish = (step: ModelTurn) => ({
    unified: "text" in step ? ("stop" as const) : ("tool-calls" as const),
    raw: undefined,
  });
  return new MockLanguageModelV4({
    async doGenerate({ prompt }) {
      const { step, content } = turn(prompt);
      return { content, finishReason: finish(step), usage, warnings: [] };
    },
    async doStream({ prompt }) {
      const { step, content } = turn(prompt);
      const parts: StreamPart[] = [{ type: "stream-start", warnings: [] }];
      for (const part of content)
        if (part.type === "text")
          parts.push(
            { type: "text-start", id: "t1" },
            { type: "text-delta", id: "t1", delta: part.text },
            { type: "text-end", id: "t1" },
          );
        else parts.push(part);
      parts.push({ type: "finish", finishReason: finish(step), usage });
      return {
        stream: new ReadableStream<StreamPart>({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  });
}
