import { ReplyAction } from './campaign';
import { DomainError } from './errors';

/** A campaign template as the shared service returns it. */
export interface Template {
  id: number;
  name: string;
  subject: string | null;
  fromName: string | null;
  htmlContent: string | null;
  plainTextContent: string | null;
  replyAction: ReplyAction;
  replyToAddress: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Longest template name (characters, after trimming). */
export const TEMPLATE_NAME_MAX = 255;
/** Longest subject and from name (characters). */
export const TEMPLATE_TEXT_MAX = 255;
/** Largest HTML or plain-text content, in UTF-8 bytes; checked before anything is stored. */
export const TEMPLATE_CONTENT_MAX_BYTES = 1_000_000;

/** Checks optional template text of at most max characters; null when absent. */
export function templateText(v: unknown, name: string, max: number): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new DomainError('TEMPLATE_INVALID', `${name} must be text.`);
  if (v.length > max) throw new DomainError('TEMPLATE_INVALID', `${name} is longer than ${max} characters.`);
  return v;
}

/** Checks template content against the byte budget; null when absent. */
export function templateContent(v: unknown, name: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new DomainError('TEMPLATE_INVALID', `${name} must be text.`);
  // why: the budget is in bytes, as the storage and the wire are; a cheap length bound first avoids encoding huge input.
  if (v.length > TEMPLATE_CONTENT_MAX_BYTES || Buffer.byteLength(v, 'utf8') > TEMPLATE_CONTENT_MAX_BYTES) {
    throw new DomainError('TEMPLATE_INVALID', `${name} is larger than ${TEMPLATE_CONTENT_MAX_BYTES} bytes.`);
  }
  return v;
}
