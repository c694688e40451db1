import type { Context } from "hono";
import { type SubjectClaims, subjectClaimsSchema } from "../core/subject.ts";
import { ApiError } from "./errors.ts";

/**
 * Tells whom a request acts for, and the user's role in their organisation when the app says so.
 * The default trusts headers set by the calling app (which holds an API key); deployments with their
 * own identity system pass their own resolver to createApp.
 */
export type SubjectResolver = (c: Context) => SubjectClaims | Promise<SubjectClaims>;

/** The headers the default resolver reads, as /openapi.json names them. */
export interface SubjectHeaders {
  user: string;
  org: string;
  /** `admin` or `member` (the default): organisation-level settings take `admin`. */
  orgRole: string;
}

export function headerSubjectResolver(
  userHeader = "x-subject-user-id",
  orgHeader = "x-subject-org-id",
  orgRoleHeader = "x-subject-org-role",
): SubjectResolver {
  return (c) => {
    const parsed = subjectClaimsSchema.safeParse({
      userId: c.req.header(userHeader),
      orgId: c.req.header(orgHeader) || undefined,
      orgRole: c.req.header(orgRoleHeader) || undefined,
    });
    if (!parsed.success) {
      throw new ApiError(
        400,
        "subject_required",
        `Say whom the request is for with the ${userHeader} header (and optionally ${orgHeader}; ${orgRoleHeader}, when sent, is admin or member)`,
      );
    }
    return parsed.data;
  };
}
