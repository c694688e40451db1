import { ownerKey, type Subject } from "./subject.ts";

/**
 * Every Redis key the service writes, by family, under REDIS_PREFIX (several deployments may share one
 * Redis): the one place a key name is spelled, as BullMQ keeps its own in queue-keys.ts. BullMQ's queues
 * add theirs under `<prefix>:<queue name>:` (browser-login/login-queue.ts, credential-checks/check-queue.ts,
 * webhooks/webhook-queue.ts).
 */
export function redisKeys(prefix: string) {
  return {
    // Login sessions (browser-login/sessions): a hash each, two indexes of live ones, and the wake-up channel.
    session: (id: string) => `${prefix}:session:${id}`,
    sessionsByExpiry: `${prefix}:sessions:active`,
    sessionsByLease: `${prefix}:sessions:leases`,
    /** Pub/sub: `{ id, status }` on every change, to wake whoever waits on a session. */
    sessionWakeups: `${prefix}:session-events`,

    // Quotas and fair queueing (browser-login/sessions, docs/fairness.md). Each takes an owner key (ownerKey()) or a
    // connect link id, so that the session store's Lua can name them from a prefix (`…("")`) and a member.
    /** What a subject holds now (unfinished login sessions; later kept-alive browsers): holder id → its deadline (ms). */
    holdersOfSubject: (owner: string) => `${prefix}:holders:${owner}`,
    /** The same, for what was started through one connect link. */
    holdersOfConnectLink: (linkId: string) => `${prefix}:holders-of-link:${linkId}`,
    /** A subject's queued sessions in arrival order: session id → created at (ms). */
    fairQueue: (owner: string) => `${prefix}:fair-queue:${owner}`,
    /** Subjects with queued sessions, the next one to serve first: owner key → held × 2^41 + oldest arrival (ms). */
    fairSubjects: `${prefix}:fair-subjects`,

    /** The API's fingerprint of the settings its workers must share (service/shared-settings.ts). */
    sharedSettings: `${prefix}:shared-settings`,

    // The event log (events/): every event, and the same entries per owner and per session.
    events: eventKeys(prefix),

    // Credentials (credentials/store/redis) and their decrypt audit trail.
    credential: (id: string) => `${prefix}:credential:${id}`,
    credentialsOfOwner: (owner: Subject) => `${prefix}:credentials-of:${ownerKey(owner)}`,
    credentialAudit: (id: string) => `${prefix}:credential-audit:${id}`,
    /** A TOTP secret given at a login's start, sealed, until the session's capture puts it in its credential. */
    pendingTotp: (sessionId: string) => `${prefix}:pending-totp:${sessionId}`,
    /** rate-limiter-flexible's key prefix: `<this>:<provider>:<owner>`. */
    apiKeyAttempts: `${prefix}:api-key-attempts`,

    // Connect links (connect/): each link's record (as minted), its use (binding, revocation, what it
    // started), and an index of a subject's links by the time they stop working.
    connectLink: (id: string) => `${prefix}:connect-link:${id}`,
    connectLinkUse: (id: string) => `${prefix}:connect-link-use:${id}`,
    connectLinksOf: (owner: Subject) => `${prefix}:connect-links-of:${ownerKey(owner)}`,
    /** An MCP tool call's request that its user connect a provider (the URL's record), and its single use. */
    mcpConnectRequest: (id: string) => `${prefix}:mcp-connect-request:${id}`,
    mcpConnectRequestUsed: (id: string) => `${prefix}:mcp-connect-request-used:${id}`,
    /** A connect page sign-in at the operator's authorization server, by its OAuth state (single use). */
    mcpSignIn: (state: string) => `${prefix}:mcp-sign-in:${state}`,

    // Webhooks (webhooks/): endpoints, their index, and each endpoint's delivery log.
    webhookEndpoint: (id: string) => `${prefix}:webhook-endpoint:${id}`,
    webhookEndpoints: `${prefix}:webhook-endpoints`,
    webhookLog: (endpointId: string) => `${prefix}:webhook-log:${endpointId}`,
    webhookLogOrder: (endpointId: string) => `${prefix}:webhook-log-order:${endpointId}`,

    // OAuth2 (oauth2/): pending authorizations, refresh locks, organisations' clients and their index.
    oauth2State: (state: string) => `${prefix}:oauth2-state:${state}`,
    oauth2RefreshLock: (credentialId: string) => `${prefix}:oauth2-refresh-lock:${credentialId}`,
    oauth2Client: (orgId: string, providerId: string) =>
      `${prefix}:oauth2-client:${encodeURIComponent(orgId)}:${providerId}`,
    oauth2Clients: `${prefix}:oauth2-clients`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;

/**
 * Where the event log lives: one stream of every event (webhooks read it), and the same entries,
 * under the same ids, in a stream per owner (`GET /events`) and per session (`GET /browser-login/:id/events`).
 */
export function eventKeys(prefix: string) {
  return {
    all: `${prefix}:events`,
    ofOwner: (owner: Subject) => `${prefix}:events-of:${ownerKey(owner)}`,
    ofSession: (sessionId: string) => `${prefix}:session-events:${sessionId}`,
  };
}

export type EventKeys = ReturnType<typeof eventKeys>;
