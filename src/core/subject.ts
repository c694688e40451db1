import { z } from "zod";

/** Who a session or credential belongs to: a user, optionally within an organisation. */
export const subjectSchema = z.object({
  userId: z.string().min(1).max(200),
  orgId: z.string().min(1).max(200).optional(),
});

export type Subject = z.infer<typeof subjectSchema>;

/** What the calling app says the user may do in their organisation: `admin` may change the organisation's settings. */
export const orgRoleSchema = z.enum(["admin", "member"]);
export type OrgRole = z.infer<typeof orgRoleSchema>;

/**
 * The subject with what the app asserts about it for one request: its role in the organisation
 * (without an organisation it means nothing, and is ignored). The role is a claim about this
 * request, not part of whom it acts for: owners, audit entries, links and job data keep the
 * `Subject` alone (a role stored there would outlive the app's say-so), and `ownerKey` is unchanged.
 */
export const subjectClaimsSchema = subjectSchema.extend({ orgRole: orgRoleSchema.optional() });
export type SubjectClaims = z.infer<typeof subjectClaimsSchema>;

export function ownerKey(subject: Subject): string {
  return `${encodeURIComponent(subject.orgId ?? "")}/${encodeURIComponent(subject.userId)}`;
}

export function sameOwner(a: Subject, b: Subject): boolean {
  return ownerKey(a) === ownerKey(b);
}
