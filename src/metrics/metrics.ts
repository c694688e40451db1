import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * Every Prometheus series of the service, in one registry per process (the API and a worker each
 * expose their own; `npm start` runs both on one). Labels are small closed sets only: provider ids
 * (the operator's providers file), statuses, reason codes, queue names, outcomes. Never a session,
 * subject or credential id, a URL or anything a user typed.
 *
 * Counters and histograms are fed by the parts that see the event (the metrics.ts decorator of each feature); gauges that
 * describe a process's state right now are read at scrape time (`watch*`).
 */
export interface Metrics {
  readonly registry: Registry;
  /**
   * A login session entered `status` (queued on create); `ended` when the status is final, with its
   * reason code (completed: "ok").
   */
  sessionEntered(providerId: string, status: string, ended?: { code: string }): void;
  /** Seconds from the session's creation to the login page on screen. */
  readonly loginPageSeconds: Histogram<"provider">;
  /** Seconds from the login page on screen to the login detected: the person's time. */
  readonly authenticatedSeconds: Histogram<"provider">;
  /** Seconds from capturing to completed: reading the browser, encrypting, storing. */
  readonly captureSeconds: Histogram<"provider">;
  /** Seconds a job waited in its queue before a worker took it (first attempt). */
  readonly queueWaitSeconds: Histogram<"queue">;
  /** Login sessions refused at start because a limit was reached (`subject_limit`, `connect_link_limit`). */
  readonly sessionsRefused: Counter<"reason">;
  readonly credentialDecrypts: Counter<"purpose">;
  readonly webhookDeliveries: Counter<"outcome">;
  /** Reads `sample()` at each scrape into a gauge; one per gauge name (the API's queues, a worker's browsers...). */
  watch(name: GaugeName, sample: () => Promise<GaugeSample[]> | GaugeSample[]): void;
  metricsText(): Promise<string>;
  readonly contentType: string;
}

export type GaugeSample = { labels?: Record<string, string>; value: number };

/** Gauges read at scrape time: what a process holds now. */
const GAUGES = {
  blc_queue_jobs: {
    help: "Jobs in a BullMQ queue by state (cluster-wide: every API reports the same, take max)",
    labelNames: ["queue", "state"],
  },
  blc_worker_sessions: { help: "Sessions this worker runs now, by the status it last wrote", labelNames: ["status"] },
  blc_browser_contexts: { help: "Browser sessions (contexts) this worker holds open now", labelNames: [] },
  blc_live_viewers: { help: "Live-view viewer sockets connected to this API now", labelNames: [] },
  blc_devtools_connections: {
    help: "Apps' DevTools connections to kept-alive browsers relayed by this API now",
    labelNames: [],
  },
} as const;
export type GaugeName = keyof typeof GAUGES;

export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  // Process memory, CPU, event loop lag, heap, file descriptors: prom-client's standard set.
  collectDefaultMetrics({ register: registry });

  const transitions = new Counter({
    name: "blc_session_transitions_total",
    help: "Sessions that entered a status, by provider (queued: created)",
    labelNames: ["provider", "status"] as const,
    registers,
  });
  const ended = new Counter({
    name: "blc_sessions_ended_total",
    help: "Sessions that reached a final status, by provider, status and reason code (completed: code ok)",
    labelNames: ["provider", "status", "code"] as const,
    registers,
  });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers });

  const watchers = new Map<GaugeName, () => Promise<GaugeSample[]> | GaugeSample[]>();
  for (const [name, { help, labelNames }] of Object.entries(GAUGES) as [GaugeName, (typeof GAUGES)[GaugeName]][]) {
    new Gauge({
      name,
      help,
      labelNames: [...labelNames],
      registers,
      async collect() {
        const sample = watchers.get(name);
        if (!sample) return;
        this.reset();
        for (const { labels, value } of await sample()) labels ? this.set(labels, value) : this.set(value);
      },
    });
  }

  return {
    registry,
    sessionEntered(providerId, status, end) {
      transitions.inc({ provider: providerId, status });
      if (end) ended.inc({ provider: providerId, status, code: end.code });
    },
    loginPageSeconds: histogram(
      "blc_session_login_page_seconds",
      "From the session's creation to the login page on screen (queue wait, browser, page load)",
      ["provider"],
      [0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60],
    ),
    authenticatedSeconds: histogram(
      "blc_session_authenticated_seconds",
      "From the login page on screen to the login detected (the person's time)",
      ["provider"],
      [5, 10, 20, 30, 60, 120, 300, 600, 1800],
    ),
    captureSeconds: histogram(
      "blc_session_capture_seconds",
      "From capturing to completed: reading the browser's state, encrypting, storing",
      ["provider"],
      [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    ),
    queueWaitSeconds: histogram(
      "blc_queue_wait_seconds",
      "Time a job waited in its queue before a worker took it (first attempt)",
      ["queue"],
      [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    ),
    sessionsRefused: new Counter({
      name: "blc_sessions_refused_total",
      help: "Login sessions refused at start (429 too_many_sessions) by the limit reached: subject_limit, connect_link_limit",
      labelNames: ["reason"] as const,
      registers,
    }),
    credentialDecrypts: new Counter({
      name: "blc_credential_decrypts_total",
      help: "Credentials decrypted for a caller, by purpose (each is in the audit trail)",
      labelNames: ["purpose"] as const,
      registers,
    }),
    webhookDeliveries: new Counter({
      name: "blc_webhook_deliveries_total",
      help: "Webhook delivery attempts by outcome (delivered, retrying, failed)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    watch(name, sample) {
      watchers.set(name, sample);
    },
    metricsText: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
