/** Opt-in types (canonical spelling shared by all dialects; in the WSDL's order, which the v2 schema takes from here). */
export const OPT_IN_TYPES = ['Unknown', 'Single', 'Double', 'VerifiedDouble'] as const;
export type OptInType = (typeof OPT_IN_TYPES)[number];

/** Email formats a contact prefers. */
export const EMAIL_TYPES = ['PlainText', 'Html'] as const;
export type EmailType = (typeof EMAIL_TYPES)[number];

/** v1 audience types (v2 dropped them; kept so a v1 round trip loses nothing). */
export const AUDIENCE_TYPES = ['Unknown', 'B2C', 'B2B', 'B2M'] as const;
export type AudienceType = (typeof AUDIENCE_TYPES)[number];

/**
 * Contact statuses, in the v2 spelling (v1 mappers translate UnSubscribed, ISPComplained, NoMXRecord). The order is the
 * v2 WSDL's (ApiContactStatuses is built from this list; the contract-facts test checks it).
 */
export const CONTACT_STATUSES = [
  'Subscribed',
  'Unsubscribed',
  'SoftBounced',
  'HardBounced',
  'IspComplained',
  'MailBlocked',
  'PendingOptIn',
  'DirectComplaint',
  'Deleted',
  'SharedSuppression',
  'Suppressed',
  'NotAllowed',
  'DomainSuppression',
  'NoMxRecord',
] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/** Data field types. */
export const DATA_TYPES = ['String', 'Numeric', 'Date', 'Boolean'] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** Visibility of address books and data fields. */
export const VISIBILITIES = ['Private', 'Public'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** Outcome of a resubscribe request. */
export type ResubscribeResult = 'ContactAdded' | 'ContactChallenged' | 'ContactCannotBeUnsuppressed';

/** Import job statuses (v2 spelling; v1 lacks Failed and ExceedsAllowedContactLimit). */
export type ImportStatus =
  | 'NotFinished'
  | 'Finished'
  | 'RejectedByWatchdog'
  | 'InvalidFileFormat'
  | 'Unknown'
  | 'Failed'
  | 'ExceedsAllowedContactLimit';

/** Finds the canonical spelling of an enum value, ignoring case; undefined when unknown. */
export function matchEnum<T extends string>(values: readonly T[], input: unknown): T | undefined {
  if (typeof input === 'number' && Number.isInteger(input)) return undefined;
  if (typeof input !== 'string') return undefined;
  const k = input.trim().toLowerCase();
  return values.find((v) => v.toLowerCase() === k);
}
