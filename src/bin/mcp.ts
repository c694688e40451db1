import { loadMcpStdioConfig } from "../core/config.ts";
import { runStdioBridge } from "../mcp/stdio-bridge.ts";

/**
 * `npm run mcp` (or `node src/bin/mcp.ts`): the stdio MCP server a desktop agent starts. It passes the
 * agent's messages to the service's /mcp as MCP_SUBJECT_USER_ID, with MCP_SERVICE_KEY. stdout carries
 * the protocol; everything else goes to stderr. It ends when the agent closes its stdin.
 */
const log = (line: string) => process.stderr.write(`[mcp] ${line}\n`);
let config: ReturnType<typeof loadMcpStdioConfig>;
try {
  config = loadMcpStdioConfig();
} catch (error) {
  log((error as Error).message);
  process.exit(1);
}
const { closed } = await runStdioBridge({
  url: new URL("/mcp", config.MCP_SERVICE_URL),
  serviceKey: config.MCP_SERVICE_KEY,
  subject: {
    userId: config.MCP_SUBJECT_USER_ID,
    ...(config.MCP_SUBJECT_ORG_ID ? { orgId: config.MCP_SUBJECT_ORG_ID } : {}),
  },
  subjectHeaders: { user: config.SUBJECT_USER_HEADER, org: config.SUBJECT_ORG_HEADER },
  log,
});
await closed;
process.exit(0);
