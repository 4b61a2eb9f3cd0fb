import { expect } from 'chai';
import fc from 'fast-check';
import { csvLine, detectFormat, guardCell, isFault, mapHeader, RowReader, suppressionCounter } from '../../src/domain/importFile';
import { parseRow } from '../helpers/rowOracle';
import { DataField } from '../../src/domain/dataField';

const fields: DataField[] = [
  { id: 1, name: 'FIRSTNAME', type: 'String', visibility: 'Private', defaultValue: null },
  { id: 2, name: 'AGE', type: 'Numeric', visibility: 'Private', defaultValue: null },
  { id: 3, name: 'BIRTHDAY', type: 'Date', visibility: 'Private', defaultValue: null },
];

describe('import file rules (domain)', () => {
  it('detects the format by magic bytes first, then by declared type or extension', () => {
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]);
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0]);
    const text = Buffer.from('Email\na@b.co\n');
    expect(detectFormat(zip, 'XLS')).to.equal('xlsx');
    expect(detectFormat(zip, undefined, 'x.csv')).to.equal('xlsx');
    expect(detectFormat(ole, 'CSV')).to.equal('xls');
    expect(detectFormat(text, 'CSV')).to.equal('csv');
    expect(detectFormat(text, 'csv')).to.equal('csv');
    expect(detectFormat(text, undefined, 'Contacts.CSV')).to.equal('csv');
    expect(detectFormat(text, 'XLS')).to.equal('csv');
    expect(detectFormat(text, undefined, 'list.pdf')).to.equal(undefined);
    expect(detectFormat(Buffer.from([1, 0, 2, 3]), undefined, 'a.csv')).to.equal(undefined);
  });

  it('maps headers case-insensitively to fields and reserved columns, and lists unknown ones', () => {
    const h = mapHeader(['eMail', 'firstName', 'optintype', 'EmailType', 'AudienceType', 'Notes', 'Id', 'Favourite'], fields);
    expect(h.emailIndex).to.equal(0);
    expect(h.columns.map((c) => c.kind)).to.deep.equal(['email', 'field', 'optInType', 'emailType', 'audienceType', 'notes', 'ignored', 'unknown']);
    expect(h.unknown).to.deep.equal(['Favourite']);
    expect(mapHeader(['Name'], fields).emailIndex).to.equal(-1);
  });

  it('validates rows with the single-write rules', () => {
    const h = mapHeader(['Email', 'Age', 'Birthday', 'OptInType', 'FirstName'], fields);
    const ok = parseRow(1, [' A@Example.com ', '42', '31/12/1990', 'double', ''], h);
    expect(isFault(ok)).to.equal(false);
    expect(ok).to.deep.include({ email: 'A@Example.com', key: 'a@example.com', optInType: 'Double', data: { AGE: 42, BIRTHDAY: '1990-12-31T00:00:00.000Z' } });
    const bad = parseRow(2, ['a@example.com', 'x'], h);
    expect(bad).to.deep.include({ reason: 'InvalidValue: AGE', counter: 'failures' });
    expect(parseRow(3, ['nope'], h)).to.deep.include({ reason: 'InvalidEmail', counter: 'invalidEntries' });
    expect(parseRow(4, ['a@example.com', '', '', 'maybe'], h)).to.deep.include({ reason: 'InvalidValue: OptInType' });
  });

  it('maps suppressed statuses to their report counters', () => {
    expect(suppressionCounter('Subscribed')).to.equal(undefined);
    expect(suppressionCounter('PendingOptIn')).to.equal(undefined);
    expect(suppressionCounter('Unsubscribed')).to.equal('unsubscribed');
    expect(suppressionCounter('IspComplained')).to.equal('ispComplaints');
    expect(suppressionCounter('Suppressed')).to.equal('globallySuppressed');
    expect(suppressionCounter('NoMxRecord')).to.equal('blocked');
  });

  it('guards formula cells and quotes CSV per RFC 4180', () => {
    for (const c of ['=1+1', '+1', '-1', '@A', '\tx', '\rx']) expect(guardCell(c)).to.equal(`'${c}`);
    expect(guardCell('plain')).to.equal('plain');
    expect(csvLine(['a,b', 'say "hi"', '=x', 'line\nbreak'])).to.equal('"a,b","say ""hi""",\'=x,"line\nbreak"\r\n');
  });

  it('RowReader gives exactly parseRow\'s verdicts, and its JSON equals parseRow\'s data (with defaults for new contacts)', () => {
    const withDefaults: DataField[] = [
      ...fields,
      { id: 4, name: 'CITY', type: 'String', visibility: 'Private', defaultValue: 'Nowhere' },
      { id: 5, name: 'VIP', type: 'Boolean', visibility: 'Private', defaultValue: false },
      { id: 6, name: 'SCORE', type: 'Numeric', visibility: 'Private', defaultValue: null },
    ];
    const names = ['Email', 'FirstName', 'AGE', 'birthday', 'City', 'VIP', 'Score', 'OptInType', 'EmailType', 'AudienceType', 'Notes', 'Id', 'Other', 'age'];
    const cell = fc.oneof(
      fc.constantFrom('', ' ', 'a@b.co', ' X@Example.COM ', 'bad@', '42', '-1.5e3', 'x', '31/12/1990', '2020-02-30', 'yes', 'N', 'double', 'Html',
        'B2B', 'maybe', '"q"', '\u00e9\u0000\n', '=1+1'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 8 }), fc.array(fc.array(cell, { maxLength: 9 }), { maxLength: 8 }), (header, rows) => {
        const h = mapHeader(header, withDefaults);
        if (h.emailIndex < 0) return;
        const reader = new RowReader(h, withDefaults);
        const defaults = { CITY: 'Nowhere', VIP: false };
        rows.forEach((cells, i) => {
          const a = parseRow(i + 1, cells, h);
          const b = reader.read(i + 1, cells);
          expect(isFault(b)).to.equal(isFault(a));
          if (isFault(a)) return expect(b).to.deep.equal(a);
          if (isFault(b)) return;
          const { data, ...restA } = a;
          const { patch, newData, ...restB } = b;
          expect(restB).to.deep.equal(restA);
          expect(JSON.parse(patch)).to.deep.equal(data);
          expect(JSON.parse(newData)).to.deep.equal({ ...defaults, ...data });
        });
      }),
      { numRuns: 300 },
    );
  });
});
