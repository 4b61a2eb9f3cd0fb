import { randomUUID } from 'node:crypto';

/** A new random GUID in the lower-case 8-4-4-4-12 form used on the wire. */
export function newGuid(): string {
  return randomUUID();
}

/** True when text is a GUID in 8-4-4-4-12 form (any case). */
export function isGuid(text: unknown): text is string {
  return typeof text === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}
