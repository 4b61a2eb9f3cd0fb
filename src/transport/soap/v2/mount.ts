import { Express } from 'express';
import { TransportServices } from '../../../services';
import { Logger } from '../../../lib/logger';
import { Actor } from '../../../services/accounts';
import { AuthChallenge, soapEndpoint } from '../shared/endpoint';
import { wsdlGet } from '../shared/http';
import { parseBasic } from '../../basicAuth';
import { login } from '../../login';
import { DomainError, isDomainError } from '../../../domain/errors';
import { generateWsdl } from '../shared/wsdl';
import { v2Handlers } from './mappers';
import { V2_SERVICE } from './schema';
import { V2_VENDOR_OPERATIONS } from './vendorOperations';

/** Paths of the v2 SOAP endpoint (case-insensitive, as Express matches by default). */
export const V2_PATHS = ['/v2/Api.svc', '/v2/ApiService.svc'];

/** The v2 WSDL as generated from the descriptors (committed as wsdl/v2/Api.svc.wsdl). */
export const V2_WSDL = generateWsdl(V2_SERVICE);

/** Mounts the v2 SOAP (WCF) endpoint: WSDL on GET, operations on POST with HTTP Basic auth. */
export function mountSoapV2(app: Express, s: TransportServices, log: Logger): void {
  app.get(V2_PATHS, wsdlGet(V2_WSDL, 'contactgate: dotmailer API v2 SOAP endpoint (SOAP 1.1, HTTP Basic authentication).', 'soap-v2'));
  app.post(
    V2_PATHS,
    soapEndpoint<Actor>({
      name: 'soap-v2',
      service: V2_SERVICE,
      versions: ['1.1'],
      vendorOperations: V2_VENDOR_OPERATIONS,
      handlers: v2Handlers(s),
      realm: 'contactgate',
      authFailureStatus: 401,
      bodyLimitBytes: s.config.bodyLimitBytes,
      log,
      async authenticateHeaders(req) {
        const creds = parseBasic(req.headers.authorization);
        // why: .NET SoapHttpClientProtocol proxies send credentials only after a plain 401 Basic challenge.
        if (!creds) throw new AuthChallenge();
        const actor = await login(s, log, req, 'soap-v2', creds.username, creds.password).catch((e: unknown) => {
          // why: the contract answers every v2 login problem as 401 + WWW-Authenticate with a fault (never 500), so
          // WCF and .NET proxies treat a throttled login as the credential problem it is.
          throw isDomainError(e) && e.code === 'LOGIN_THROTTLED' ? new DomainError(e.code, e.text, 'auth') : e;
        });
        // why: the hourly quota counts every dialect alike (REST and v1 count too); over it, a fault ERROR_APIUSAGE_EXCEEDED.
        s.usage.hit(actor.accountId);
        return actor;
      },
    }),
  );
}
