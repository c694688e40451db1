import { z } from "zod";

/** Who a session or credential belongs to: a user, optionally within an organisation. */
export const subjectSchema = z.object({
  userId: z.string().min(1).max(200),
  orgId: z.string().min(1).max(200).optional(),
});

export type Subject = z.infer<typeof subjectSchema>;

export function ownerKey(subject: Subject): string {
  return `${encodeURIComponent(subject.orgId ?? "")}/${encodeURIComponent(subject.userId)}`;
}

export function sameOwner(a: Subject, b: Subject): boolean {
  return ownerKey(a) === ownerKey(b);
}
