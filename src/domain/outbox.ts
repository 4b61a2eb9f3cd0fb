/**
 * What an outbox row asks a delivery worker to do. `email`: a campaign email to one recipient (a split-test version
 * when `variant` is set); `sms`: one SMS; `program`: one contact enrolled in an automation program.
 */
export type OutboxKind = 'email' | 'sms' | 'program' | (string & {});

/** One outbox row as the shared service returns it (docs/outbox.md says what each kind holds). */
export interface OutboxRow {
  id: number;
  accountId: number | null;
  kind: OutboxKind;
  /** Campaign emails: the send and the recipient. */
  sendId: string | null;
  contactId: number | null;
  email: string | null;
  subject: string | null;
  /** Split-test emails: the campaign version sent (A, B, ...); null otherwise. */
  variant: string | null;
  /** Program enrolments: the program; `sendId` then holds the enrolment id. */
  programId: number | null;
  /** SMS: the E.164 number. */
  telephone: string | null;
  /** Kind-specific data (SMS: `{message}`), parsed JSON; null when the kind has none. */
  payload: Record<string, unknown> | null;
  createdAt: number;
  /** The current claim (a worker's lease), if any; a claim whose lease passed can be taken over. */
  claimToken: string | null;
  claimedUntil: number | null;
  /** When the holder of a claim acknowledged delivery; an acknowledged row is never handed out again. */
  ackedAt: number | null;
}

/** Which rows a listing shows. */
export type OutboxState = 'pending' | 'claimed' | 'acked' | 'all';
