import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import type { ConnectionRole } from "./redis/redis-connection.ts";

/**
 * What every feature is built on: the validated settings, the log, the process's Redis connections, and
 * the stack its started parts go on. A feature's `build…`/`start…` function takes this and what it needs
 * of other features (explicitly), and puts everything it starts on `stack`: a start that fails half way
 * and a shutdown unwind the same way, last started first stopped, written once (service/).
 */
export interface Infra {
  readonly config: Config;
  readonly logger: Logger;
  /** The process's role: an API answers requests and fails fast while Redis is away; a worker waits it out. */
  readonly role: "api" | "worker";
  /** The role's command connection. */
  readonly redis: Redis;
  /** A connection of its own (a blocking read, a subscription, queue events), disconnected with the stack. */
  connection(role: ConnectionRole, name: string): Redis;
  readonly stack: AsyncDisposableStack;
}
