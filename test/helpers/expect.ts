import { expect } from 'chai';
import { Reply } from './rest';

/** Asserts a vendor-style REST error: the status and `{"message": "<text> ERROR_CODE"}` with nothing else in the body. */
export function expectError(r: Reply, status: number, token: string): void {
  expect(r.status, r.text).to.equal(status);
  expect(Object.keys(r.body), r.text).to.deep.equal(['message']);
  expect(r.body.message, r.text).to.be.a('string');
  expect(r.body.message.endsWith(` ${token}`), r.text).to.equal(true);
  expect(r.body.message.length, r.text).to.be.greaterThan(token.length + 1);
  expect(r.text).not.to.match(/\bat .*\.(ts|js):\d+/);
}

/** The keys of an ApiContact with data fields, in wire order. */
export const CONTACT_KEYS_FULL = ['id', 'email', 'optInType', 'emailType', 'dataFields', 'status'];
/** The keys of an ApiContact listed without full data. */
export const CONTACT_KEYS_BRIEF = ['id', 'email', 'optInType', 'emailType', 'status'];
/** The keys of an ApiAddressBook. */
export const BOOK_KEYS = ['id', 'name', 'visibility', 'contacts'];
/** An ISO-8601 UTC timestamp with milliseconds. */
export const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Reads one data-field value out of an ApiContact's `dataFields` list. */
export function fieldOf(contact: { dataFields?: Array<{ key: string; value: unknown }> }, key: string): unknown {
  const f = (contact.dataFields ?? []).find((d) => d.key === key);
  if (!f) throw new Error(`no data field ${key} in ${JSON.stringify(contact)}`);
  return f.value;
}
