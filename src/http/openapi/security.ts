import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import type { SubjectHeaders } from "../subject-resolver.ts";

/**
 * How a caller authenticates, as the document names it. The subject headers are declared as
 * API-key schemes so the reference page asks for them once and the generated client sends them
 * as default headers instead of a parameter on every call.
 */
export const SECURITY_SCHEMES = {
  apiKey: { type: "http", scheme: "bearer", description: "An API key from API_KEYS: `Authorization: Bearer <key>`" },
  subjectUser: {
    type: "apiKey",
    in: "header",
    name: "x-subject-user-id",
    description: "Whom the request acts for: the calling app's id for its user (required on subject routes)",
  },
  subjectOrg: {
    type: "apiKey",
    in: "header",
    name: "x-subject-org-id",
    description: "Optionally, the user's organisation: sessions and credentials are scoped to the pair",
  },
  subjectOrgRole: {
    type: "apiKey",
    in: "header",
    name: "x-subject-org-role",
    description:
      "The user's role in the organisation, as the app asserts it for this request: `admin` or `member` (the default). Organisation-level settings (an organisation's OAuth clients) take `admin`",
  },
} as const;

type SecurityRequirement = Partial<Record<keyof typeof SECURITY_SCHEMES, string[]>>;

/** Routes acting for a subject: the API key and x-subject-user-id, with or without x-subject-org-id. */
export const subjectSecurity: SecurityRequirement[] = [
  { apiKey: [], subjectUser: [], subjectOrg: [] },
  { apiKey: [], subjectUser: [] },
];

/** Organisation-level settings: the API key, the user, their organisation, and `admin` as their role in it. */
export const orgAdminSecurity: SecurityRequirement[] = [
  { apiKey: [], subjectUser: [], subjectOrg: [], subjectOrgRole: [] },
];

/** Operator routes (webhook endpoints): the API key alone. */
export const apiKeySecurity: SecurityRequirement[] = [{ apiKey: [] }];

/** Adds the schemes to the document, naming the subject headers this deployment reads (SUBJECT_USER_HEADER, SUBJECT_ORG_HEADER, SUBJECT_ORG_ROLE_HEADER). */
export function registerSecuritySchemes<E extends Env>(
  app: OpenAPIHono<E>,
  headers: SubjectHeaders = { user: "x-subject-user-id", org: "x-subject-org-id", orgRole: "x-subject-org-role" },
) {
  const { apiKey, subjectUser, subjectOrg, subjectOrgRole } = SECURITY_SCHEMES;
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", { ...apiKey });
  app.openAPIRegistry.registerComponent("securitySchemes", "subjectUser", { ...subjectUser, name: headers.user });
  app.openAPIRegistry.registerComponent("securitySchemes", "subjectOrg", { ...subjectOrg, name: headers.org });
  app.openAPIRegistry.registerComponent("securitySchemes", "subjectOrgRole", {
    ...subjectOrgRole,
    name: headers.orgRole,
  });
}
