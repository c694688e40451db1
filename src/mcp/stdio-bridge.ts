import { StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { isJSONRPCRequest, type JSONRPCMessage } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import type { Subject } from "../core/subject.ts";

export interface StdioBridgeOptions {
  /** The service's /mcp endpoint. */
  url: URL;
  /** One of the service's API_KEYS. */
  serviceKey: string;
  /** Whom this process acts for: the person at this desktop. */
  subject: Subject;
  subjectHeaders: { user: string; org: string };
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  /** Diagnostics (stderr: stdout carries the protocol). */
  log(line: string): void;
}

/**
 * The stdio MCP server a desktop agent starts: a bridge that passes every JSON-RPC message from stdin
 * to the service's /mcp endpoint (with a service key and the configured subject, as a trusted
 * deployment) and every answer back to stdout. The tools, the connect URLs and the audit trail stay
 * in the service; this process holds no credential but the service key. A request the service cannot
 * be reached for is answered with a JSON-RPC error, so the agent is never left waiting.
 */
export async function runStdioBridge(options: StdioBridgeOptions): Promise<{ closed: Promise<void> }> {
  const { subject, subjectHeaders } = options;
  const http = new StreamableHTTPClientTransport(options.url, {
    requestInit: {
      headers: {
        authorization: `Bearer ${options.serviceKey}`,
        [subjectHeaders.user]: subject.userId,
        ...(subject.orgId ? { [subjectHeaders.org]: subject.orgId } : {}),
      },
    },
  });
  const stdio = new StdioServerTransport(
    options.stdin as NodeJS.ReadStream | undefined,
    options.stdout as NodeJS.WriteStream | undefined,
  );
  const answerWithError = (message: JSONRPCMessage, error: unknown) => {
    options.log(`request failed: ${(error as Error).message}`);
    if (!isJSONRPCRequest(message)) return;
    void stdio.send({
      jsonrpc: "2.0",
      id: message.id,
      error: { code: -32603, message: `The service did not answer: ${(error as Error).message}` },
    });
  };
  stdio.onmessage = (message) => {
    http.send(message).catch((error) => answerWithError(message, error));
  };
  http.onmessage = (message) => {
    void stdio.send(message);
  };
  http.onerror = (error) => options.log(`service: ${error.message}`);
  stdio.onerror = (error) => options.log(`stdio: ${error.message}`);
  const closed = new Promise<void>((resolve) => {
    stdio.onclose = () => {
      void http.close().finally(resolve);
    };
  });
  await http.start();
  await stdio.start();
  return { closed };
}
