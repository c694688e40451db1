import { createServer } from "node:net";

/** A start-up failure the operator fixes by changing a setting: printed as one line, never with a stack. */
export class StartupError extends Error {
  override name = "StartupError";
}

/** A port the service will listen on, with the setting that moves it. */
export interface PortSetting {
  setting: string;
  port: number | undefined;
  host?: string;
}

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

function busyMessage(busy: { setting: string; port: number }[]): string {
  const list = busy.map((b) => `${b.port} (${b.setting})`).join(", ");
  const settings = busy.map((b) => b.setting).join(", ");
  return `${busy.length === 1 ? "Port" : "Ports"} ${list} already in use: is the service (npm start) already running? Stop it, or set ${settings} to a free port.`;
}

/** Checks every port before anything starts, so a busy one stops the start with nothing left behind. */
export async function assertPortsFree(ports: PortSetting[]): Promise<void> {
  const busy: { setting: string; port: number }[] = [];
  for (const { setting, port, host = "127.0.0.1" } of ports) {
    if (port && !(await isFree(port, host))) busy.push({ setting, port });
  }
  if (busy.length) throw new StartupError(busyMessage(busy));
}

/** A listen error (a port taken between the check and the start) named by its setting. */
export function explainListenError(error: unknown, ports: PortSetting[]): unknown {
  const e = error as NodeJS.ErrnoException & { port?: number };
  if (e?.code !== "EADDRINUSE") return error;
  const match = ports.find((p) => p.port === e.port);
  return match ? new StartupError(busyMessage([{ setting: match.setting, port: match.port! }])) : error;
}
