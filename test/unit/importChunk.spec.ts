import { expect } from 'chai';
import { ChunkPacker, ImportChunk } from '../../src/domain/importChunk';
import { mapHeader, RowReader } from '../../src/domain/importFile';
import { rowVerdict } from '../../src/services/importJob';
import { ExistingContact } from '../../src/db/repos/importWrite/contactSql';

describe('import chunk message (parser thread to SQL thread)', () => {
  const fields = [
    { id: 1, name: 'TXT', type: 'String' as const, visibility: 'Private' as const, defaultValue: null },
    { id: 2, name: 'DEF', type: 'String' as const, visibility: 'Private' as const, defaultValue: 'd' },
  ];
  const h = mapHeader(['Email', 'TXT', 'OptInType', 'EmailType', 'AudienceType', 'Notes'], fields as never);

  it('reads back every field of valid and rejected rows by name, in file order, with line breaks in free text intact', () => {
    const packer = new ChunkPacker(new RowReader(h, fields as never));
    packer.add(3, ['A@Example.com', 'line\none', 'Double', 'PlainText', 'B2B', 'a "note"\nwith a break']);
    packer.add(4, ['bad email', '', '', '', '', '']);
    packer.add(5, ['b@example.com', '', '', '', '', '']);
    packer.add(6, ['a@example.com', 'again', '', '', '', '']);
    const msg = packer.take();
    expect(msg.text).to.equal(undefined);
    const chunk = new ImportChunk(msg, 6);
    expect(chunk.rows).to.equal(4);
    const v = chunk.valid();
    expect(v.length).to.equal(2);
    expect([v.rowNo(0), v.email(0), v.key(0), v.optInType(0), v.emailType(0), v.audienceType(0), v.notes(0)]).to.deep.equal([
      3, 'A@Example.com', 'a@example.com', 'Double', 'PlainText', 'B2B', 'a "note"\nwith a break',
    ]);
    expect(JSON.parse(v.patch(0))).to.deep.equal({ TXT: 'line\none' });
    expect(JSON.parse(v.newData(0))).to.deep.equal({ TXT: 'line\none', DEF: 'd' });
    expect(JSON.parse(v.cellsJson(0))[5]).to.equal('a "note"\nwith a break');
    expect([v.rowNo(1), v.optInType(1), v.emailType(1), v.audienceType(1), v.notes(1), v.patch(1)]).to.deep.equal([5, undefined, undefined, undefined, undefined, '{}']);
    const x = chunk.rejected;
    expect(Array.from({ length: x.length }, (_, i) => [x.rowNo(i), x.counter(i), x.reason(i), x.email(i)])).to.deep.equal([
      [4, 'invalidEntries', 'InvalidEmail', 'bad email'],
      [6, 'duplicateEmails', 'DuplicateEmail', 'a@example.com'],
    ]);
    expect(JSON.parse(x.cellsJson(1))).to.deep.equal(['a@example.com', 'again', '', '', '', '']);
  });

  it('keeps row text across endingAt and drops it in withoutText (the bound fallback)', () => {
    const packer = new ChunkPacker(new RowReader(h, fields as never), { kind: 'sql', encode: (r) => `(${r.key})` });
    packer.add(1, ['a@example.com', '', '', '', '', '']);
    packer.add(2, ['b@example.com', '', '', '', '', '']);
    const chunk = new ImportChunk(packer.take(), 2);
    expect(chunk.text).to.deep.equal({ kind: 'sql', sql: '(a@example.com),(b@example.com)' });
    expect(chunk.endingAt(9).text).to.deep.equal(chunk.text);
    expect(chunk.endingAt(9).rowsAfter).to.equal(9);
    expect(chunk.withoutText().text).to.equal(undefined);
    expect(chunk.withoutText().endingAt(9).text).to.equal(undefined);
  });
});

describe('rowVerdict: the one decision on a row whose email was taken before', () => {
  const ex = (status: string): ExistingContact =>
    ({ id: 1, status, optInType: 'Single', emailType: 'Html', audienceType: 'Unknown', notes: null, mark: null }) as ExistingContact;
  const f = (o: Partial<Parameters<typeof rowVerdict>[0]>) => rowVerdict({ row: 0, duplicate: false, existing: ex('Subscribed'), unsubscribedFromBook: false, ...o });

  it('first wins, then suppression, then the book; anything else is an update', () => {
    expect(f({ duplicate: true, existing: ex('HardBounced'), unsubscribedFromBook: true })).to.deep.equal({ write: false, reason: 'DuplicateEmail', counter: 'duplicateEmails' });
    expect(f({ duplicate: true, existing: undefined })).to.deep.equal({ write: false, reason: 'DuplicateEmail', counter: 'duplicateEmails' });
    expect(f({ existing: ex('HardBounced'), unsubscribedFromBook: true })).to.deep.equal({ write: false, reason: 'HardBounced', counter: 'hardBounced' });
    expect(f({ unsubscribedFromBook: true })).to.deep.equal({ write: false, reason: 'UnsubscribedFromAddressBook', counter: 'unsubscribed' });
    expect(f({})).to.deep.equal({ write: true, counter: 'updatedContacts' });
    expect(f({ existing: ex('PendingOptIn') })).to.deep.equal({ write: true, counter: 'pendingDoubleOptin' });
  });
});
