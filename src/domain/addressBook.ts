import { DomainError } from './errors';

/** An address book as the shared service returns it. */
export interface AddressBook {
  id: number;
  name: string;
  visibility: 'Private' | 'Public';
  /** Subscribed members. */
  contacts: number;
  createdAt: number;
}

/** Book names the vendor reserved for its own books. */
export const RESERVED_BOOK_NAMES = new Set(['test', 'all contacts']);

/** Checks an address book name: present, at most 200 characters, not reserved. */
export function normaliseBookName(input: unknown): string {
  if (typeof input !== 'string' || input.trim() === '') throw new DomainError('ADDRESSBOOK_INVALID', 'The address book name is missing.');
  const name = input.trim();
  if (name.length > 200) throw new DomainError('ADDRESSBOOK_INVALID', 'The address book name is longer than 200 characters.');
  if (RESERVED_BOOK_NAMES.has(name.toLowerCase())) throw new DomainError('ADDRESSBOOK_DUPLICATE', `"${name}" is a reserved address book name.`);
  return name;
}
