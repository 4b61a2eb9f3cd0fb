import { V1_OPERATIONS } from '../../src/transport/soap/v1/schema';
import { V2_OPERATIONS } from '../../src/transport/soap/v2/schema';
import { vendorFacts } from './vendorFacts';

// Which vendor SOAP operations the gateway does not serve yet, computed from the committed vendor facts and the served
// schema (never a hard-coded name or count): tests that check the "not supported" fault pick from here, and check the
// unknown-operation fault for a made-up name once every vendor operation is served.

/** Vendor operations of a dialect that our schema does not serve, sorted. */
export function unservedOperations(dialect: 'v1' | 'v2'): string[] {
  const facts = dialect === 'v1' ? vendorFacts().soapV1 : vendorFacts().soapV2;
  const served = new Set((dialect === 'v1' ? V1_OPERATIONS : V2_OPERATIONS).map((o) => o.name));
  return Object.keys(facts.operations)
    .filter((n) => !served.has(n))
    .sort();
}

/** An operation name no vendor WSDL has, for the unknown-operation fault. */
export const MADE_UP_OPERATION = 'FrobnicateContacts';
