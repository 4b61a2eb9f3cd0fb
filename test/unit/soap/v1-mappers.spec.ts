import { expect } from 'chai';
import { CONTACT_STATUSES, ImportStatus } from '../../../src/domain/enums';
import { DomainError } from '../../../src/domain/errors';
import {
  accountOut,
  bookIn,
  bookOut,
  contactIn,
  contactOut,
  contactRefIn,
  dataFieldsIn,
  dataLabelOut,
  dependencyOut,
  importReportOut,
  importStatusToV1,
  statusByEmailToV1,
  statusFromV1,
  statusToV1,
  suppressionOut,
  V1_CONTACT_STATUSES,
  V1_CONTACT_STATUS_BY_EMAIL,
  V1_IMPORT_STATUSES,
} from '../../../src/transport/soap/v1/mappers';
import { V1_REPORT_FIELDS } from '../../../src/transport/soap/v1/schema';
import { ContactView } from '../../../src/services/contacts';
import { numberedReport } from '../../helpers/fakes';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : 'not a DomainError';
  }
  return undefined;
}

const view: ContactView = {
  id: 7,
  email: 'a@example.com',
  optInType: 'Double',
  emailType: 'PlainText',
  audienceType: 'B2B',
  notes: 'hello',
  status: 'IspComplained',
  dataFields: {},
  createdAt: 0,
  updatedAt: 0,
  statusChangedAt: 5,
  fields: [
    { key: 'AGE', value: 41, type: 'Numeric' },
    { key: 'BIRTHDAY', value: '1980-02-03T00:00:00.000Z', type: 'Date' },
    { key: 'FIRSTNAME', value: 'Jo', type: 'String' },
    { key: 'LASTNAME', value: null, type: 'String' },
    { key: 'VIP', value: true, type: 'Boolean' },
  ],
};

describe('v1 SOAP mappers', () => {
  it('APIContact in: ID -1/0/absent means new, enums and Notes pass through, Keys/Values pair up by index', () => {
    for (const ID of [-1, 0, undefined, null]) expect(contactIn({ ID, Email: 'x@example.com' }).id).to.equal(undefined);
    const c = contactIn({
      ID: 12,
      Email: 'x@example.com',
      AudienceType: 'B2M',
      OptInType: 'VerifiedDouble',
      EmailType: 'Html',
      Notes: 'n',
      DataFields: { Keys: ['FIRSTNAME', 'age'], Values: ['Jo', 41] },
    });
    expect(c).to.deep.include({ id: 12, email: 'x@example.com', audienceType: 'B2M', optInType: 'VerifiedDouble', emailType: 'Html', notes: 'n' });
    expect({ ...c.dataFields }).to.deep.equal({ FIRSTNAME: 'Jo', age: 41 });
    expect(contactIn({ Email: 'x@example.com' }).dataFields).to.equal(undefined);
    expect(code(() => contactIn(undefined))).to.equal('CONTACT_INVALID');
  });

  it('DataFields: mismatched Keys/Values lengths and empty keys are PARAMETER_INVALID; nil values clear; keys cannot pollute prototypes', () => {
    expect(code(() => dataFieldsIn({ Keys: ['A', 'B'], Values: ['1'] }))).to.equal('PARAMETER_INVALID');
    expect(code(() => dataFieldsIn({ Keys: ['A'], Values: [] }))).to.equal('PARAMETER_INVALID');
    expect(code(() => dataFieldsIn({ Keys: [''], Values: ['x'] }))).to.equal('PARAMETER_INVALID');
    expect(code(() => dataFieldsIn({ Keys: [null], Values: ['x'] }))).to.equal('PARAMETER_INVALID');
    expect({ ...dataFieldsIn({ Keys: ['A'], Values: [null] }) }).to.deep.equal({ A: null });
    expect({ ...dataFieldsIn({}) }).to.deep.equal({});
    const polluted = dataFieldsIn({ Keys: ['__proto__'], Values: ['x'] })!;
    expect(Object.getPrototypeOf(polluted)).to.equal(null);
    expect(({} as Record<string, unknown>).x).to.equal(undefined);
  });

  it('APIContact out: schema member names, DataFields as parallel Keys/Values typed by field type (nil for unset), none without full data', () => {
    const w = contactOut(view);
    expect(Object.keys(w)).to.deep.equal(['ID', 'Email', 'AudienceType', 'DataFields', 'OptInType', 'EmailType', 'Notes']);
    expect(w).to.deep.include({ ID: 7, Email: 'a@example.com', AudienceType: 'B2B', OptInType: 'Double', EmailType: 'PlainText', Notes: 'hello' });
    expect(w.DataFields).to.deep.equal({
      Keys: ['AGE', 'BIRTHDAY', 'FIRSTNAME', 'LASTNAME', 'VIP'],
      Values: [
        { xsdType: 'decimal', value: 41 },
        { xsdType: 'dateTime', value: '1980-02-03T00:00:00.000Z' },
        { xsdType: 'string', value: 'Jo' },
        { xsdType: 'string', value: null },
        { xsdType: 'boolean', value: true },
      ],
    });
    expect(contactOut({ ...view, fields: undefined, notes: null }).DataFields).to.equal(undefined);
    expect(contactOut({ ...view, notes: null }).Notes).to.equal(undefined);
  });

  it('contact references: positive ID wins, else Email', () => {
    expect(contactRefIn({ ID: 5, Email: 'a@example.com' })).to.deep.equal({ id: 5, email: 'a@example.com' });
    expect(contactRefIn({ ID: -1, Email: 'a@example.com' })).to.deep.equal({ id: undefined, email: 'a@example.com' });
    expect(code(() => contactRefIn(null))).to.equal('CONTACT_NOT_FOUND');
  });

  it('contact statuses: v1 spellings UnSubscribed, ISPComplained, NoMXRecord; Suppressed and NotAllowed go to the nearest 2011 member', () => {
    expect(statusToV1('Unsubscribed')).to.equal('UnSubscribed');
    expect(statusToV1('IspComplained')).to.equal('ISPComplained');
    expect(statusToV1('NoMxRecord')).to.equal('NoMXRecord');
    expect(statusToV1('Suppressed')).to.equal('Deleted');
    expect(statusToV1('NotAllowed')).to.equal('BlockedLocalPart');
    for (const s of CONTACT_STATUSES) {
      expect(V1_CONTACT_STATUSES as readonly string[], s).to.include(statusToV1(s));
      expect(V1_CONTACT_STATUS_BY_EMAIL as readonly string[], s).to.include(statusByEmailToV1(s));
      // every canonical status survives a round trip through the later-era spelling
      expect(statusFromV1(statusByEmailToV1(s)), s).to.equal(s);
    }
    expect(statusByEmailToV1('Suppressed')).to.equal('Suppressed');
    expect(statusFromV1('ISPComplained')).to.equal('IspComplained');
    expect(statusFromV1('SpamTrap')).to.equal(undefined);
  });

  it('import statuses: five v1 values; Failed -> Unknown and ExceedsAllowedContactLimit -> RejectedByWatchdog, never NotFinished', () => {
    const all: ImportStatus[] = ['NotFinished', 'Finished', 'RejectedByWatchdog', 'InvalidFileFormat', 'Unknown', 'Failed', 'ExceedsAllowedContactLimit'];
    for (const s of all) expect(V1_IMPORT_STATUSES as readonly string[]).to.include(importStatusToV1(s));
    expect(importStatusToV1('Failed')).to.equal('Unknown');
    expect(importStatusToV1('ExceedsAllowedContactLimit')).to.equal('RejectedByWatchdog');
    expect(importStatusToV1('NotFinished')).to.equal('NotFinished');
  });

  it('APIImportReport: the fourteen v1 members in schema order, with ISPComplaints', () => {
    const r = importReportOut(numberedReport());
    expect(Object.keys(r)).to.deep.equal([...V1_REPORT_FIELDS]);
    expect(Object.values(r)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(r.ISPComplaints).to.equal(10);
  });

  it('address books, data labels, dependency results, suppressions and account info', () => {
    expect(bookOut({ id: 3, name: 'B', visibility: 'Public', contacts: 9, createdAt: 0 })).to.deep.equal({ ID: 3, Name: 'B' });
    expect(bookIn({ ID: -1, Name: 'New' })).to.deep.equal({ name: 'New' });
    expect(code(() => bookIn(undefined))).to.equal('ADDRESSBOOK_INVALID');
    expect(dataLabelOut({ id: 1, name: 'AGE', type: 'Numeric', visibility: 'Public', defaultValue: null })).to.deep.equal({ Name: 'AGE', Type: 'Numeric', IsPrivate: false });
    expect(dependencyOut({ result: false, dependencies: [{ type: 'AddressBook', objectId: 4 }] })).to.deep.equal({
      Dependencies: [{ Type: 'AddressBook', ObjectID: 4 }],
      Result: false,
    });
    const s = suppressionOut({ contact: view, dateRemoved: 99, reason: 'NoMxRecord' });
    expect(Object.keys(s)).to.deep.equal(['DateRemoved', 'SuppressedContact', 'Reason']);
    expect(s.Reason).to.equal('NoMXRecord');
    const a = accountOut({ id: 2, name: 'Acme', createdAt: 0, users: [] }, 'u@example.com', 'http://h/api.asmx');
    expect(a.Id).to.equal(2);
    expect(a.Properties).to.deep.include({ Name: 'ApiEndpoint', Type: 'String', Value: 'http://h/api.asmx' });
  });
});
