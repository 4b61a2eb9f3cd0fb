import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createApp, AppDeps, httpServer } from '../../src/app';
import { Config } from '../../src/config';
import { Clock, FakeClock } from '../../src/lib/clock';
import { createServices, Services } from '../../src/services';
import { testStore } from './db';

let seq = 0;

/** A running gateway on an ephemeral loopback port, with its services for white-box checks. */
export interface TestApp {
  baseUrl: string;
  services: Services;
  clock: Clock;
  close(): Promise<void>;
  /** Creates a fresh account with one API user; returns its credentials. */
  newAccount(name?: string): Promise<TestLogin>;
  /** Request-body bytes the app holds right now (its body budget in use). */
  budgetInUse(): number;
}

/** Credentials of a test account. */
export interface TestLogin {
  accountId: number;
  username: string;
  password: string;
}

/** Options for starting a test gateway. */
export interface StartOptions {
  clock?: Clock;
  config?: Partial<Config>;
  deps?: Omit<AppDeps, 'services'>;
  /** Builds the app from the services (defaults to createApp). */
  build?: (s: Services) => http.RequestListener;
}

/** Starts the real app on the shared test database. */
export async function startApp(o: StartOptions = {}): Promise<TestApp> {
  const { store, config } = await testStore();
  const clock = o.clock ?? new FakeClock(Date.now());
  const services = createServices(store, clock, { ...config, ...o.config });
  const handler = o.build ? o.build(services) : createApp({ services, ...o.deps });
  const server = httpServer(handler);
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    services,
    clock,
    budgetInUse: () => ((handler as unknown as { locals?: { bodyBudget?: { inUse: number } } }).locals?.bodyBudget?.inUse ?? 0),
    close: () =>
      new Promise<void>((res) => {
        server.closeAllConnections?.();
        server.close(() => res());
      }),
    async newAccount(name = 'Test account') {
      const username = `apiuser-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 8)}@apiconnector.com`;
      const password = `pw-${Math.random().toString(36).slice(2)}-X9`;
      const accountId = await services.accounts.createAccount(name, username, password);
      return { accountId, username, password };
    },
  };
}
