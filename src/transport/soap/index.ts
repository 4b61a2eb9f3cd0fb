import { Express } from 'express';
import { TransportServices } from '../../services';
import { Logger } from '../../lib/logger';
import { mountSoapV1 } from './v1/endpoint';
import { mountSoapV2 } from './v2/mount';

/** Mounts every SOAP endpoint the gateway serves: v1 at /api.asmx, v2 at /v2/Api.svc (and /v2/ApiService.svc). */
export function mountSoap(app: Express, s: TransportServices, log: Logger): void {
  mountSoapV1(app, s, log);
  mountSoapV2(app, s, log);
}
