import { Express } from 'express';
import { TransportServices } from '../../../services';
import { Actor } from '../../../services/accounts';
import { Logger } from '../../../lib/logger';
import { soapEndpoint, SoapHandler } from '../shared/endpoint';
import { requestBase, wsdlGet } from '../shared/http';
import { generateWsdl } from '../shared/wsdl';
import { V1_HANDLERS } from './operations';
import { V1_SERVICE } from './schema';
import { V1_VENDOR_OPERATIONS } from './vendorOperations';
import { login } from '../../login';

/** Path of the v1 endpoint (matched in any case: `/API.asmx`, `/api.asmx`). */
export const V1_PATH = '/api.asmx';

/** The v1 WSDL, generated from the descriptors (the committed wsdl/v1/API.asmx.wsdl equals it; a test checks). */
export const V1_WSDL = generateWsdl(V1_SERVICE);

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Mounts the v1 ASMX surface: GET ?WSDL (no auth) and POST SOAP 1.1 / 1.2 calls with body credentials. */
export function mountSoapV1(app: Express, s: TransportServices, log: Logger): void {
  const handlers: Record<string, SoapHandler<Actor | undefined>> = Object.create(null);
  for (const [name, fn] of Object.entries(V1_HANDLERS)) {
    handlers[name] = (call) => fn(s, call.actor as Actor, call.args, { endpoint: `${requestBase(call.req)}${call.req.path}` });
  }
  const post = soapEndpoint<Actor | undefined>({
    name: 'soap-v1',
    service: V1_SERVICE,
    versions: ['1.1', '1.2'],
    // why: ASMX wrapped every exception this way, and v1 clients search the faultstring for the ERROR_ token.
    faultPrefix: 'Server was unable to process request. ---> ',
    vendorOperations: V1_VENDOR_OPERATIONS,
    handlers,
    async authenticateBody(req, op, args) {
      // why: v1 carries the login in the body of every call except GetServerTime.
      if (op.name === 'GetServerTime') return undefined;
      const actor = await login(s, log, req, 'soap-v1', str(args.username), str(args.password));
      s.usage.hit(actor.accountId);
      return actor;
    },
    authFailureStatus: 500,
    realm: 'contactgate',
    bodyLimitBytes: s.config.bodyLimitBytes,
    log,
  });
  const get = wsdlGet(V1_WSDL, 'contactgate: dotmailer API v1 (ASMX) endpoint.', 'soap-v1');
  app.get(V1_PATH, get);
  app.post(V1_PATH, post);
}
