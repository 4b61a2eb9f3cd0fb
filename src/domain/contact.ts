import { AudienceType, ContactStatus, EmailType, OptInType } from './enums';
import { DomainError } from './errors';

/** Data-field values of a contact, keyed by upper-case field name. */
export type DataValues = Record<string, DataValue>;

/** A stored data-field value: strings, numbers, ISO dates (as strings), booleans, or null when cleared. */
export type DataValue = string | number | boolean | null;

/** A contact as the shared service returns it. */
export interface Contact {
  id: number;
  email: string;
  optInType: OptInType;
  emailType: EmailType;
  audienceType: AudienceType;
  notes: string | null;
  status: ContactStatus;
  dataFields: DataValues;
  createdAt: number;
  updatedAt: number;
  /** When the status last left Subscribed (the vendor's dateRemoved). */
  statusChangedAt: number | null;
}

/** The fields a caller may set when creating or updating a contact; dataFields keys are matched case-insensitively. */
export interface ContactInput {
  email?: string;
  optInType?: OptInType;
  emailType?: EmailType;
  audienceType?: AudienceType;
  notes?: string | null;
  dataFields?: Record<string, unknown>;
}

const INVISIBLE_RE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}\uFFFD]/u;

const EMAIL_RE = /^[^\s@"(),:;<>[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Trims an email address and checks its syntax; throws ERROR_INVALID_EMAIL-style PARAMETER_INVALID otherwise. */
export function normaliseEmail(input: unknown): string {
  if (typeof input !== 'string') throw new DomainError('PARAMETER_INVALID', 'Email is not a valid email address.');
  const email = input.trim();
  if (!isValidEmail(email)) throw new DomainError('PARAMETER_INVALID', 'Email is not a valid email address.');
  return email;
}

/** True for an address of the form local@domain.tld (no spaces or control characters, at most 254 characters). */
export function isValidEmail(email: string): boolean {
  if (email.length > 254 || email.length < 3) return false;
  const at = email.lastIndexOf('@');
  if (at < 1 || at > 64) return false;
  // why: bidi controls (U+202E), zero-width and other format or control characters make one address look like
  // another; U+FFFD is what a decoding error leaves behind. None belongs in an address.
  if (INVISIBLE_RE.test(email)) return false;
  return EMAIL_RE.test(email) && !email.includes('..');
}

/** The key an email is unique by within an account (case-insensitive). */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** Statuses that keep a contact from being mailed (anything but Subscribed / PendingOptIn). */
export function isSuppressedStatus(s: ContactStatus): boolean {
  return s !== 'Subscribed' && s !== 'PendingOptIn';
}
