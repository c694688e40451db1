import type { Context } from "hono";
import { type Subject, subjectSchema } from "../core/subject.ts";
import { ApiError } from "./errors.ts";

/**
 * Tells whom a request acts for. The default trusts headers set by the calling app (which holds an
 * API key); deployments with their own identity system pass their own resolver to createApp.
 */
export type SubjectResolver = (c: Context) => Subject | Promise<Subject>;

export function headerSubjectResolver(
  userHeader = "x-subject-user-id",
  orgHeader = "x-subject-org-id",
): SubjectResolver {
  return (c) => {
    const parsed = subjectSchema.safeParse({
      userId: c.req.header(userHeader),
      orgId: c.req.header(orgHeader) || undefined,
    });
    if (!parsed.success) {
      throw new ApiError(
        400,
        "subject_required",
        `Say whom the request is for with the ${userHeader} header (and optionally ${orgHeader})`,
      );
    }
    return parsed.data;
  };
}
