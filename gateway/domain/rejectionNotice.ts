/**
 * The notice of an office rejection (gateway/services/rejectEnrolment.ts) by its outbox and
 * delivery ids: `rejected-<seq>-email|sms|letter`, where seq is the `office_rejected` register
 * event. On the paper list the notice is one item, `rejected-<seq>`, whichever way it came to go
 * by post: the letter sent because there is no email, or a failed email's paper fallback.
 */

export const REJECTION_NOTICE_PREFIX = "rejected-";

/** The paper list's category of a rejection notice (the office's letters use their own categories). */
export const REJECTION_NOTICE_CATEGORY = "rejection_notice";

/** The email that carries the office's reason: when it fails, the reason must go by letter. */
export function carriesRejectionReason(row: { id: string; channel: string }): boolean {
  return row.id.startsWith(REJECTION_NOTICE_PREFIX) && row.channel === "email";
}

const CARRIES_REASON = /^rejected-(\d+)-(letter|email)$/;

/**
 * The paper list item of a paper delivery change, when the change is a rejection notice that must
 * go by post (the letter, or the email's fallback; not the SMS, which never carries the reason).
 */
export function rejectionNoticeOf(messageId: string): { id: string; seq: number; routed: boolean } | null {
  const m = CARRIES_REASON.exec(messageId);
  if (!m) return null;
  return { id: `${REJECTION_NOTICE_PREFIX}${m[1]}`, seq: Number(m[1]), routed: m[2] === "letter" };
}
