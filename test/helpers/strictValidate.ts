import { attr, parseXml, resolveQName, XmlNode } from '../../src/transport/xml/xmlTree';
import { Field, Operation, typeOf, XS_NS, XSI_NS } from '../../src/transport/soap/shared/xsd';

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';

/**
 * Validates a SOAP response body strictly against the operation's schema, as zeep's strict mode or a
 * schema-validating client would: element names, namespaces, order, occurrences, nillability, enum and simple values,
 * and xsi:type on anyType. Returns the problems found (empty when valid); faults are skipped.
 */
export function validateResponse(text: string, ops: readonly Operation[], tns: string): string[] {
  const errs: string[] = [];
  const doc = parseXml(text);
  if (doc.ns !== SOAP11 || doc.local !== 'Envelope') return ['not a SOAP 1.1 envelope'];
  const body = doc.children.find((c) => c.ns === SOAP11 && c.local === 'Body');
  const wrapper = body?.children[0];
  if (!wrapper) return ['empty body'];
  if (wrapper.ns === SOAP11 && wrapper.local === 'Fault') return [];
  const op = ops.find((o) => `${o.name}Response` === wrapper.local);
  if (!op || wrapper.ns !== tns) return [`unexpected wrapper {${wrapper.ns}}${wrapper.local}`];
  if (body!.children.length !== 1) errs.push('Body has more than one child');
  sequence(wrapper, op.result ? [op.result] : [], tns, `${op.name}Response`, errs);
  return errs;
}

function sequence(parent: XmlNode, fields: readonly Field[], ns: string, path: string, errs: string[]): void {
  let i = 0;
  const kids = parent.children;
  for (const f of fields) {
    let count = 0;
    while (i < kids.length && kids[i].local === f.name && kids[i].ns === ns) {
      element(kids[i], f, `${path}/${f.name}`, errs);
      i++;
      count++;
      if (!f.many) break;
    }
    if (count === 0 && !f.optional) errs.push(`${path}: missing required ${f.name}`);
  }
  for (; i < kids.length; i++) errs.push(`${path}: unexpected element {${kids[i].ns}}${kids[i].local}`);
  if (parent.text.trim() && fields.length) errs.push(`${path}: unexpected text`);
}

function element(n: XmlNode, f: Field, path: string, errs: string[]): void {
  const nil = attr(n, XSI_NS, 'nil');
  if (nil === 'true') {
    if (!f.nillable) errs.push(`${path}: xsi:nil on a non-nillable element`);
    if (n.children.length || n.text) errs.push(`${path}: nil element has content`);
    return;
  }
  const t = typeOf(f);
  if (t.kind === 'complex') {
    sequence(n, t.fields, t.q.ns, path, errs);
    return;
  }
  if (n.children.length) errs.push(`${path}: simple element has child elements`);
  const v = n.text;
  if (t.kind === 'enum') {
    if (!t.values.includes(v)) errs.push(`${path}: "${v}" is not a ${t.q.name}`);
    return;
  }
  const bad = (what: string) => errs.push(`${path}: "${v}" is not a valid ${what}`);
  switch (t.prim) {
    case 'int':
      if (!/^-?\d+$/.test(v) || Math.abs(Number(v)) > 2147483648) bad('int');
      break;
    case 'boolean':
      if (!/^(true|false|1|0)$/.test(v)) bad('boolean');
      break;
    case 'dateTime':
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v)) bad('dateTime');
      break;
    case 'guid':
      if (!/^[\da-fA-F]{8}-[\da-fA-F]{4}-[\da-fA-F]{4}-[\da-fA-F]{4}-[\da-fA-F]{12}$/.test(v)) bad('guid');
      break;
    case 'base64Binary':
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v)) bad('base64Binary');
      break;
    case 'anyType': {
      const declared = attr(n, XSI_NS, 'type');
      if (!declared) {
        errs.push(`${path}: anyType value without xsi:type`);
        break;
      }
      const q = resolveQName(n, declared);
      if (q.ns !== XS_NS) errs.push(`${path}: xsi:type ${declared} does not resolve to XML Schema`);
      break;
    }
    default:
      break;
  }
}
