import pino, { type Logger } from "pino";

/**
 * Logs never carry captured secrets: the code logs ids, statuses and counts only, and these paths
 * are redacted as a second line of defence should an object with such fields ever be logged.
 */
export const REDACT_PATHS = [
  "*.cookies",
  "*.cookie",
  "*.value",
  "*.localStorage",
  "*.sessionStorage",
  "*.storageState",
  "*.state",
  "*.apiKey",
  "*.authorization",
  "*.headers.authorization",
  "*.headers.cookie",
  "*.key",
  "*.keys",
];

export function createLogger(options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      name: options.name ?? "browser-login-capture",
      level: options.level ?? "info",
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    },
    options.destination,
  );
}
