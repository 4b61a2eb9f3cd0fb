import { DomainError } from './errors';

/** Most characters of a single SMS message (one GSM 03.38 part; longer texts are refused, never split). */
export const SMS_MESSAGE_MAX = 160;
/** Fewest and most digits of a telephone number (E.164 allows at most 15, country code included). */
export const TELEPHONE_DIGITS = { min: 8, max: 15 } as const;

/**
 * Normalises a telephone number to E.164 (`+` and 8 to 15 digits, the first not 0). Accepted input: an optional `+`
 * or `00` international prefix, then digits, with spaces, dots, hyphens and parentheses as separators (`+44 (0)7700
 * 900123` keeps the `(0)` out: a trunk zero in parentheses after the country code is dropped). A national number (a
 * leading single 0) is refused: the gateway cannot know its country.
 */
export function normaliseTelephone(input: unknown): string {
  if (typeof input !== 'string' || input.length > 40) throw new DomainError('SMS_INVALID_TELEPHONE_NUMBER');
  let s = input.trim().replace(/\(0\)/g, '');
  if (!/^(\+|00)?[\d\s.()-]+$/.test(s)) throw new DomainError('SMS_INVALID_TELEPHONE_NUMBER');
  s = s.replace(/^\+|^00/, '').replace(/[\s.()-]/g, '');
  if (s.length < TELEPHONE_DIGITS.min || s.length > TELEPHONE_DIGITS.max || s.startsWith('0')) {
    throw new DomainError('SMS_INVALID_TELEPHONE_NUMBER', `The telephone number must be in international format: + and ${TELEPHONE_DIGITS.min} to ${TELEPHONE_DIGITS.max} digits.`);
  }
  return `+${s}`;
}

/** Checks an SMS message: text of 1 to SMS_MESSAGE_MAX characters (code points), no control characters but line breaks. */
export function checkSmsMessage(input: unknown): string {
  if (typeof input !== 'string' || input.trim() === '') throw new DomainError('SMS_INVALID_MESSAGE', 'The SMS message is empty.');
  // why: counted in code points, so an emoji is one character as a phone shows it, not two UTF-16 units.
  if (input.length > SMS_MESSAGE_MAX * 2 || [...input].length > SMS_MESSAGE_MAX) {
    throw new DomainError('SMS_INVALID_MESSAGE', `The SMS message is longer than ${SMS_MESSAGE_MAX} characters.`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/.test(input)) throw new DomainError('SMS_INVALID_MESSAGE', 'The SMS message contains control characters.');
  return input;
}
