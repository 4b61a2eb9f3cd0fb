import { expect } from 'chai';
import fc from 'fast-check';
import { DomainError } from '../../../src/domain/errors';
import { isValidEmail, normaliseEmail } from '../../../src/domain/contact';
import { coerceFieldValue, parseDateValue } from '../../../src/domain/dataField';
import { DATA_TYPES } from '../../../src/domain/enums';
import { decodeValue } from '../../../src/transport/soap/shared/decode';
import { escapeXml, parseXml, XmlNode, XmlRejected } from '../../../src/transport/xml/xmlTree';
import { enumType, Field, SimpleType, xs, XS_NS, XSI_NS } from '../../../src/transport/soap/shared/xsd';
import { ci, dataFieldsIn } from '../../../src/transport/rest/input';

// Property-based fuzzing with a FIXED seed and bounded runs (the whole file stays well under 10 s), in the regular run.
// Each property: the function either returns a canonical value or throws a DomainError; nothing else ever escapes.
// Hooks for other branches (add a describe here when they land, same seed and budget):
//   - CSV parser path (imports): random byte rows / headers (incl. __proto__) -> per-row faults, never a throw.
//   - segment rule validator (segments): random rule ASTs / JSON -> SEGMENT_INVALID or a compiled rule.

const SEED = 20261126;
const RUNS = 400;
const opts = (numRuns = RUNS) => ({ seed: SEED, numRuns, endOnFailure: true });

/** Runs f; passes when it returns, or throws a DomainError with an ERROR_ token. Returns the value or undefined. */
function domainOrValue<T>(f: () => T): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (!(e instanceof DomainError)) throw new Error(`escaped a non-domain error: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    expect(e.message).to.match(/ ERROR_[A-Z_]+$/);
    return { ok: false };
  }
}

const isCanonicalIso = (s: unknown) => typeof s === 'string' && !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s;

/** Text that is often number-, date-, bool- or guid-shaped, sometimes anything. */
const lexical = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.stringMatching(/^\s?[-+]?\d{0,22}(\.\d{0,6})?([eE][-+]?\d{1,4})?\s?$/),
  fc.stringMatching(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/),
  fc.stringMatching(/^\d{1,2}\/\d{1,2}\/\d{4}( \d{1,2}:\d{2})?$/),
  fc.constantFrom('true', 'false', '1', '0', 'TRUE', 'yes', '', ' ', 'NaN', 'Infinity', '-0', '0x10', '1e400', '9007199254740993', '2147483648'),
  fc.uuid().map((u) => (Math.random() < 0.5 ? u.toUpperCase() : u)),
);

const guid: SimpleType = { kind: 'simple', q: { ns: 'http://schemas.microsoft.com/2003/10/Serialization/', name: 'guid' }, prim: 'guid' };
const colours = enumType('urn:t', 'Colour', ['Red', 'Green', 'NotAvailableInThisVersion']);

/** A leaf element with the given text and optional xsi:type (prefix declared or not). */
function leaf(text: string, xsiType?: string): XmlNode {
  const n: XmlNode = { ns: '', local: 'v', attrs: [], children: [], text, decls: new Map([['xsd', XS_NS], ['xsi', XSI_NS], ['s', XS_NS]]) };
  if (xsiType !== undefined) n.attrs.push({ ns: XSI_NS, local: 'type', prefix: 'xsi', value: xsiType });
  return n;
}

describe('fuzz (fast-check, fixed seed): SOAP value coercion', () => {
  const field = (type: Field['type']): Field => ({ name: 'v', type });

  it('int/long: undefined, a safe integer in range with canonical digits, or PARAMETER_INVALID', () => {
    fc.assert(
      fc.property(lexical, fc.constantFrom(xs.int, xs.long), (text, t) => {
        const r = domainOrValue(() => decodeValue(leaf(text), field(t)));
        if (!r.ok || r.value === undefined) return;
        expect(Number.isSafeInteger(r.value), `${text} -> ${r.value}`).to.equal(true);
        if (t === xs.int) expect(Math.abs(r.value as number)).to.be.at.most(2147483648);
        expect(BigInt(r.value as number)).to.equal(BigInt(text.trim()));
      }),
      opts(),
    );
  });

  it('boolean / decimal / double / dateTime / guid / enum: canonical values or PARAMETER_INVALID', () => {
    fc.assert(
      fc.property(lexical, fc.constantFrom(xs.boolean, xs.decimal, xs.double, xs.dateTime, guid, colours), (text, t) => {
        const r = domainOrValue(() => decodeValue(leaf(text), field(t)));
        if (!r.ok || r.value === undefined) return;
        const v = r.value;
        if (t === xs.boolean) expect(v).to.be.a('boolean');
        else if (t === xs.decimal || t === xs.double || t === xs.dateTime) expect(Number.isFinite(v), `${text} -> ${String(v)}`).to.equal(true);
        else if (t === guid) expect(v).to.match(/^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/);
        else expect(['Red', 'Green']).to.include(v);
      }),
      opts(),
    );
  });

  it('anyType with and without xsi:type: a string, a safe finite number, a boolean or a canonical ISO date', () => {
    const xsiTypes = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom('xsd:int', 'xsd:long', 's:short', 'xsd:byte', 'integer', 'xsd:unsignedInt', 'xsd:decimal', 'xsd:double', 'float', 'xsd:boolean', 'xsd:dateTime', 'date', 'xsd:string', 'q9:int', 'xsd:', ':', ''),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(lexical, xsiTypes, (text, type) => {
        const r = domainOrValue(() => decodeValue(leaf(text, type), field(xs.anyType)));
        if (!r.ok || r.value === undefined) return;
        const v = r.value;
        if (typeof v === 'number') expect(Number.isFinite(v) && (!Number.isInteger(v) || Number.isSafeInteger(v)), `${text} (${type}) -> ${v}`).to.equal(true);
        else if (typeof v !== 'string') expect(v).to.be.a('boolean');
        if (type === 'xsd:dateTime' || type === 'date') expect(isCanonicalIso(v), `${text} -> ${String(v)}`).to.equal(true);
      }),
      opts(),
    );
  });
});

/** A random element tree (local names from a small set, texts anything printable). */
interface Tree {
  name: string;
  text: string;
  kids: Tree[];
}
const treeAt = (depth: number): fc.Arbitrary<Tree> =>
  fc.record({
    name: fc.constantFrom('a', 'Body', 'Envelope', 'x-y', '_z', '__proto__', 'constructor', 'é', 'p.q'),
    text: fc.string({ maxLength: 12 }),
    kids: depth === 0 ? fc.constant([]) : fc.array(treeAt(depth - 1), { maxLength: 3 }),
  });
const treeArb = treeAt(4);

function serialise(t: Tree): string {
  return `<${t.name}>${escapeXml(t.text)}${t.kids.map(serialise).join('')}</${t.name}>`;
}

function shape(n: XmlNode): unknown {
  return [n.local, n.children.map(shape)];
}
function treeShape(t: Tree): unknown {
  return [t.name, t.kids.map(treeShape)];
}

describe('fuzz (fast-check, fixed seed): the XML request parser', () => {
  it('random element trees parse back to the same shape (or are refused with XmlRejected)', () => {
    fc.assert(
      fc.property(treeArb, (t) => {
        let doc: XmlNode;
        try {
          doc = parseXml(serialise(t));
        } catch (e) {
          expect(e).to.be.instanceOf(XmlRejected);
          return;
        }
        expect(shape(doc)).to.deep.equal(treeShape(t));
      }),
      opts(300),
    );
  });

  it('byte garbage and mutated envelopes: a tree or XmlRejected, never another error', () => {
    const envelope = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetContactById xmlns="http://apiconnector.com/v2"><id>5</id></GetContactById></s:Body></s:Envelope>';
    const mutated = fc.tuple(fc.nat(envelope.length), fc.nat(8), fc.string({ unit: 'binary', maxLength: 8 })).map(([at, cut, ins]) => envelope.slice(0, at) + ins + envelope.slice(at + cut));
    const garbage = fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('utf8'));
    const tagSoup = fc.array(fc.constantFrom('<', '>', '/', 'a', ':', '=', '"', "'", '&', ';', '#', 'x', '<!--', '-->', '<![CDATA[', ']]>', '<?', '?>', ' ', 'xmlns:a', '&#0;', '&#x110000;'), { maxLength: 40 }).map((p) => p.join(''));
    fc.assert(
      fc.property(fc.oneof(mutated, garbage, tagSoup), (text) => {
        try {
          parseXml(text);
        } catch (e) {
          expect(e, String(e)).to.be.instanceOf(XmlRejected);
        }
      }),
      opts(600),
    );
  });
});

describe('fuzz (fast-check, fixed seed): domain value rules', () => {
  const emailish = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.emailAddress(),
    fc.tuple(fc.constantFrom(' ', '', '\t'), fc.emailAddress(), fc.constantFrom(' ', '', '\n')).map(([a, e, b]) => a + e + b),
    fc.stringMatching(/^[a-z'".+%-]{1,10}@[a-z0-9.-]{1,12}$/),
  );

  it('normaliseEmail: a trimmed, valid, idempotent address, or a DomainError (any input type)', () => {
    fc.assert(
      fc.property(fc.oneof(emailish, fc.anything()), (input) => {
        const r = domainOrValue(() => normaliseEmail(input));
        if (!r.ok) return;
        expect(r.value).to.equal(r.value.trim());
        expect(isValidEmail(r.value)).to.equal(true);
        expect(normaliseEmail(r.value)).to.equal(r.value);
      }),
      opts(),
    );
  });

  it('coerceFieldValue: the stored form of the type (idempotent), or DATAFIELD_VALUE_INVALID, for any input', () => {
    const raw = fc.oneof(lexical, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.date({ noInvalidDate: false }), fc.anything({ withNullPrototype: true, withBoxedValues: true }));
    fc.assert(
      fc.property(fc.constantFrom(...DATA_TYPES), raw, (type, input) => {
        const f = { name: 'F', type };
        const r = domainOrValue(() => coerceFieldValue(f, input));
        if (!r.ok || r.value === null) return;
        const v = r.value;
        if (type === 'String') expect(typeof v === 'string' && v.length > 0 && v.length <= 255).to.equal(true);
        if (type === 'Numeric') expect(Number.isFinite(v)).to.equal(true);
        if (type === 'Boolean') expect(v).to.be.a('boolean');
        if (type === 'Date') expect(isCanonicalIso(v), String(v)).to.equal(true);
        expect(coerceFieldValue(f, v)).to.deep.equal(v);
      }),
      opts(),
    );
  });

  it('parseDateValue: undefined or a canonical ISO string that parses to itself, for any input', () => {
    fc.assert(
      fc.property(fc.oneof(lexical, fc.double(), fc.integer(), fc.date({ noInvalidDate: false }), fc.anything()), (input) => {
        const v = parseDateValue(input);
        if (v === undefined) return;
        expect(isCanonicalIso(v), String(input)).to.equal(true);
        expect(parseDateValue(v)).to.equal(v);
      }),
      opts(),
    );
  });
});

describe('fuzz (fast-check, fixed seed): the REST input reader ci()', () => {
  const keys = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'Email', 'EMAIL', 'email', 'toString', 'hasOwnProperty'), fc.string({ maxLength: 8 }));
  /** A JSON body as the wire delivers it (JSON.parse keeps __proto__ as an own key). */
  const body = fc.oneof(
    fc.array(fc.tuple(keys, fc.jsonValue({ maxDepth: 2 })), { maxLength: 8 }).map((entries) => JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v ?? null)}`).join(',')}}`)),
    fc.jsonValue({ maxDepth: 2 }),
  );

  it('reads any JSON body case-insensitively, exactly as sent, and pollutes nothing; non-objects are PARAMETER_INVALID', () => {
    fc.assert(
      fc.property(body, (b) => {
        const r = domainOrValue(() => ci(b));
        if (r.ok && b && typeof b === 'object' && !Array.isArray(b)) {
          const own = Object.keys(b);
          for (const k of own) {
            const last = own.filter((o) => o.toLowerCase() === k.toLowerCase()).pop()!;
            expect(r.value.get(k.toUpperCase())).to.deep.equal((b as Record<string, unknown>)[last]);
            expect(r.value.has(k)).to.equal(true);
          }
          expect(r.value.has('hasownproperty') || own.some((k) => k.toLowerCase() === 'hasownproperty')).to.equal(own.some((k) => k.toLowerCase() === 'hasownproperty'));
        }
        domainOrValue(() => dataFieldsIn(Array.isArray(b) ? b : [b]));
        expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
        expect(Object.getPrototypeOf({})).to.equal(Object.prototype);
      }),
      opts(),
    );
  });
});
