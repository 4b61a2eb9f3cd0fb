import type { Context } from 'mocha';
import { closeTestStore, testEngine } from './db';
import { checkVendorOperationCoverage } from './vendorClients';

// Root hooks for the whole mocha run.
export const mochaHooks = {
  beforeAll(): void {
    console.log(`  (database engine: ${testEngine()})`);
  },
  async afterAll(this: Context): Promise<void> {
    await closeTestStore();
    // A whole run states that every vendor operation answered a vendor-WSDL client (see vendorClients.ts).
    const root = this.test?.parent;
    if (root) checkVendorOperationCoverage(root);
  },
};
