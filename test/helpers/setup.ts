import { closeTestStore, testEngine } from './db';

// Root hooks for the whole mocha run.
export const mochaHooks = {
  beforeAll(): void {
    console.log(`  (database engine: ${testEngine()})`);
  },
  async afterAll(): Promise<void> {
    await closeTestStore();
  },
};
