import { expect } from 'chai';
import fc from 'fast-check';
import { parseRules, rulesToJson } from '../../src/domain/segmentRules';
import { compileRules } from '../../src/db/segmentSql';
import { likeEscape } from '../../src/db/sql';
import { DomainError } from '../../src/domain/errors';

const FIELDS = [
  { name: 'COLOUR', type: 'String' as const },
  { name: 'AGE', type: 'Numeric' as const },
  { name: 'BORN', type: 'Date' as const },
  { name: 'VIP', type: 'Boolean' as const },
];

describe('segment rules: validation and SQL compilation', () => {
  it('is real-time without campaign conditions and behavioural with one, at any depth', () => {
    expect(parseRules({ all: [{ dataField: 'age', op: '>', value: 3 }] }, FIELDS).kind).to.equal('realtime');
    const p = parseRules({ any: [{ all: [{ campaign: 'any', op: 'clicked', withinDays: 7 }] }, { contact: 'status', op: 'equals', value: 'subscribed' }] }, FIELDS);
    expect(p.kind).to.equal('behavioural');
    expect(rulesToJson(p.root)).to.deep.equal({
      any: [{ all: [{ campaign: 'any', op: 'clicked', withinDays: 7 }] }, { contact: 'status', op: 'equals', value: 'Subscribed' }],
    });
  });

  it('pageViewed and replied are behavioural campaign conditions on page-view and reply activity', () => {
    const p = parseRules({ all: [{ campaign: 12, op: 'PageViewed' }, { campaign: 'any', op: 'replied', withinDays: 3 }] }, FIELDS);
    expect(p.kind).to.equal('behavioural');
    expect(p.campaignIds).to.deep.equal([12]);
    expect(rulesToJson(p.root)).to.deep.equal({ all: [{ campaign: 12, op: 'pageViewed' }, { campaign: 'any', op: 'replied', withinDays: 3 }] });
    const now = Date.UTC(2030, 0, 10);
    const c = compileRules('sqlite', p.root, 7, now);
    expect(c.bindings).to.deep.equal([7, 'pageView', 12, 7, 'reply', now - 3 * 86_400_000]);
    expect(c.sql).to.match(/^\(?EXISTS \(SELECT 1 FROM activities a WHERE a\.account_id = \? AND a\.contact_id = c\.id AND a\.type = \? AND a\.campaign_id = \?\)/);
  });

  it('reports the vendor-style error codes', () => {
    const code = (raw: unknown) => {
      try {
        parseRules(raw, FIELDS);
        return 'ok';
      } catch (e) {
        return (e as DomainError).code;
      }
    };
    expect(code({ all: [{ dataField: 'MISSING', op: 'equals', value: 1 }] })).to.equal('DATAFIELD_NOTFOUND');
    expect(code({ all: [{ dataField: 'VIP', op: '>', value: 1 }] })).to.equal('SEGMENT_INVALID');
    expect(code({ all: [{ addressBook: 'x', op: 'in' }] })).to.equal('ADDRESSBOOK_NOT_FOUND');
    expect(code({ all: [], any: [] })).to.equal('SEGMENT_INVALID');
    let deep: unknown = { all: [] };
    for (let i = 0; i < 10; i++) deep = { all: [deep] };
    expect(code(deep)).to.equal('SEGMENT_INVALID');
  });

  it('never puts a rule value into the SQL text (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }), fc.constantFrom('equals', 'notEquals', 'contains', 'startsWith', 'endsWith'), (value, op) => {
        const p = parseRules({ all: [{ dataField: 'COLOUR', op, value }, { contact: 'email', op: 'domainIs', value }] }, FIELDS);
        for (const dialect of ['sqlite', 'mysql'] as const) {
          const c = compileRules(dialect, p.root, 1, Date.UTC(2030, 0, 1));
          const marks = (c.sql.match(/\?/g) ?? []).length;
          expect(marks).to.equal(c.bindings.length);
          // the value travels only as a bind parameter (LIKE patterns escape their wildcards)
          const v = value.toLowerCase();
          expect(c.bindings.some((b) => String(b).includes(v) || String(b).includes(likeEscape(v)))).to.equal(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
