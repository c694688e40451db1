import { type CallToolResult, Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import type { BenchStack } from "../lib/stack.ts";
import { summarize } from "../lib/stats.ts";

/**
 * Figure 12: an MCP tool call's round trip over HTTP on loopback, as an agent makes it: the SDK's
 * client (v2, the 2026-07-28 revision) to the API's /mcp with a service key, `list_connections` (one
 * listing of the subject's credentials behind it; the server is built per request). Bare: the REST
 * call that reads the same listing, `GET /credentials`, with the same key and subject. The first five
 * of each are warm-up (connections, JIT).
 */
export async function measureMcp(stack: BenchStack, reps: number) {
  const base = stack.api.baseUrl;
  const headers = { authorization: `Bearer ${stack.apiKey}`, "x-subject-user-id": "bench-mcp" };
  const client = new Client(
    { name: "bench-agent", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  const connectStarted = performance.now();
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } }));
  const connectMs = Math.round((performance.now() - connectStarted) * 10) / 10;
  const tool: number[] = [];
  const rest: number[] = [];
  try {
    for (let i = 0; i < reps + 5; i++) {
      let t0 = performance.now();
      const listed = (await client.callTool({ name: "list_connections", arguments: {} })) as CallToolResult;
      tool.push(performance.now() - t0);
      if (listed.isError) throw new Error(`list_connections failed: ${JSON.stringify(listed.content)}`);
      t0 = performance.now();
      const response = await fetch(`${base}/credentials`, { headers });
      await response.arrayBuffer();
      rest.push(performance.now() - t0);
      if (response.status !== 200) throw new Error(`GET /credentials answered ${response.status}`);
    }
  } finally {
    await client.close();
  }
  return { tool: summarize(tool.slice(5)), rest: summarize(rest.slice(5)), connectMs, reps };
}
