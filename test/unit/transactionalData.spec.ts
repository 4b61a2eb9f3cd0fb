import { expect } from 'chai';
import { contactRef, isValidRecordJson, MAX_JSON_DEPTH, withinDepth } from '../../src/domain/transactionalData';
import { decodePiece, encodeItems, StoredItem } from '../../src/services/transactionalImportJob';

// The pure parts of transactional data (issue #19): the depth budget (fast path and scan agree), contact identifiers,
// and the stored-item codec (records kept as their own bytes, read back exactly).

describe('transactional data: budgets, identifiers, stored items', () => {
  it('counts nesting outside strings only, with the bracket-count fast path agreeing with the scan', () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(withinDepth(deep(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).to.equal(true);
    expect(withinDepth(deep(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).to.equal(false);
    // many brackets inside strings (the scan runs) but shallow structure
    const noisy = JSON.stringify({ a: '[[[[{{{{'.repeat(10), b: ['\\"[', { c: '"]]]' }] });
    expect(withinDepth(noisy, 3)).to.equal(true);
    expect(isValidRecordJson(noisy)).to.equal(true);
    // many sibling objects: more brackets than the depth, still shallow
    expect(withinDepth(JSON.stringify({ xs: Array.from({ length: 100 }, () => ({})) }), 3)).to.equal(true);
    expect(isValidRecordJson('{"a":1} trailing')).to.equal(false);
    expect(isValidRecordJson('null')).to.equal(false);
    expect(isValidRecordJson(42)).to.equal(false);
  });

  it('reads contact identifiers: ids, emails (case-insensitive key), the account, and nothing else', () => {
    expect(contactRef('12')).to.deep.equal({ kind: 'id', id: 12 });
    expect(contactRef(12)).to.deep.equal({ kind: 'id', id: 12 });
    expect(contactRef(' Ann@Example.COM ')).to.deep.equal({ kind: 'email', key: 'ann@example.com' });
    expect(contactRef('account')).to.deep.equal({ kind: 'account' });
    expect(contactRef('')).to.deep.equal({ kind: 'account' });
    expect(contactRef('', false)).to.equal(undefined);
    for (const bad of ['0', '-1', '99999999999', 'ann', 1.5, {}, ['a@b.com']]) expect(contactRef(bad), JSON.stringify(bad)).to.equal(undefined);
  });

  it('stores items as framed bytes and reads them back exactly, whatever their content and the piece size', () => {
    const items: StoredItem[] = [
      ['k1', 'a@example.com', '{"note":"caf\u00e9 \u{1F600}\\n","x":[1,2]}'],
      ['k\n2', 12, '{\n  "pretty": true\n}'],
      [null, null, null],
      [5, { odd: 1 }, { not: 'a string' }],
      ['k3', '', `{"big":"${'\u00e9'.repeat(5000)}"}`],
    ];
    for (const size of [1, 64, 1 << 20]) {
      const pieces = encodeItems(items, size);
      const back = pieces.flatMap((p) => [...decodePiece(p)]);
      expect(back, `piece size ${size}`).to.deep.equal(items);
    }
    expect(encodeItems(items, 1)).to.have.length(items.length);
  });
});
