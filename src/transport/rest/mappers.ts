import { AddressBook } from '../../domain/addressBook';
import { DataField } from '../../domain/dataField';
import { ContactView, ContactInput, Suppression } from '../../services/contacts';
import { DependencyResult } from '../../services/dataFields';
import { AccountSummary } from '../../services/accounts';
import { CiObject, dataFieldsIn } from './input';

// REST wire names (camelCase out, any case in) live only here.

/** ISO-8601 UTC with milliseconds, as Json.NET wrote DateTime values. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

/** ApiContact. */
export function contactOut(c: ContactView): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: c.id,
    email: c.email,
    optInType: c.optInType,
    emailType: c.emailType,
  };
  if (c.fields) out.dataFields = c.fields.map((f) => ({ key: f.key, value: f.value }));
  out.status = c.status;
  return out;
}

/** ApiContact in, as the shared service's input. */
export function contactIn(o: CiObject): ContactInput {
  return {
    id: o.get('id'),
    email: o.get('email'),
    optInType: o.get('optInType'),
    emailType: o.get('emailType'),
    dataFields: dataFieldsIn(o.get('dataFields')),
  };
}

/** ApiContactSuppression. */
export function suppressionOut(s: Suppression): Record<string, unknown> {
  return { suppressedContact: contactOut(s.contact), dateRemoved: isoDate(s.dateRemoved), reason: s.reason };
}

/** ApiAddressBook. */
export function bookOut(b: AddressBook): Record<string, unknown> {
  return { id: b.id, name: b.name, visibility: b.visibility, contacts: b.contacts };
}

/** ApiDataField. */
export function fieldOut(f: DataField): Record<string, unknown> {
  return { name: f.name, type: f.type, visibility: f.visibility, defaultValue: f.defaultValue };
}

/** ApiDependencyResult. */
export function dependencyOut(d: DependencyResult): Record<string, unknown> {
  return { dependencies: d.dependencies.map((x) => ({ type: x.type, objectId: x.objectId })), result: d.result };
}

/** ApiAccount: id and name/type/value properties: ApiCallsRemaining (UsageGuard.remaining) and ApiEndpoint (the base URL). */
export function accountOut(a: AccountSummary, username: string, endpoint: string, callsRemaining: number): Record<string, unknown> {
  const props: Array<[string, string, string]> = [
    ['Name', 'String', a.name],
    ['MainEmail', 'String', username],
    ['ApiCallsRemaining', 'Int32', String(callsRemaining)],
    ['ApiEndpoint', 'String', endpoint],
  ];
  return { id: a.id, properties: props.map(([name, type, value]) => ({ name, type, value })) };
}
