/**
 * What browser login needs to let apps drive a kept-alive browser (src/keep-alive/ implements it;
 * the service wires it in): a worker-side host that relays DevTools connections from the API to the
 * browser a session kept alive.
 */
export interface DevToolsHost {
  /**
   * Makes the session's browser reachable over DevTools through the API (`endpoint`: the browser's
   * DevTools WebSocket on this machine's loopback). The returned function ends that and closes the
   * connections relayed so far.
   */
  register(sessionId: string, endpoint: string): () => void;
  /** Connections relayed to this worker's kept-alive browsers now. */
  connections(): number;
}
