import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { redactSecrets } from "./redact-secrets.ts";
import { scrubUrls } from "./scrub-urls.ts";

/**
 * Logs never carry captured secrets: the code logs ids, statuses and counts only, and every log call
 * goes through `redactSecrets` as a second line of defence should an object with such fields ever be
 * logged, at any depth (pino's own redact paths have no recursive wildcard). Messages and errors keep
 * their text, with URLs' credentials, query strings and fragments scrubbed.
 */
export interface LoggerOptions {
  level?: string;
  name?: string;
  /** "pretty" writes one human line per entry, synchronously, so it interleaves with what the process prints. */
  format?: "pretty" | "json";
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination =
    options.destination ??
    (options.format === "pretty"
      ? pretty({
          sync: true,
          singleLine: true,
          colorize: process.stdout.isTTY,
          translateTime: "SYS:HH:MM:ss.l",
          ignore: "pid,hostname",
        })
      : undefined);
  const logger = pino(
    {
      name: options.name ?? "browser-login-capture",
      level: options.level ?? "info",
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          const scrubbedRest = rest.map((arg) => (typeof arg === "string" ? scrubUrls(arg) : redactSecrets(arg)));
          if (first instanceof Error) {
            // What pino does with an error first: `{ err }`, its message as the line's message.
            const err = redactSecrets(first) as unknown as { message: string };
            return method.apply(this, [{ err }, ...(scrubbedRest.length ? scrubbedRest : [err.message])] as Parameters<
              typeof method
            >);
          }
          const scrubbedFirst = typeof first === "string" ? scrubUrls(first) : redactSecrets(first);
          return method.apply(this, [scrubbedFirst, ...scrubbedRest] as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
  // Children inherit this through their prototype, so bindings at any level of nesting pass here.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, redactSecrets(bindings), childOptions);
  } as typeof child;
  return logger;
}
