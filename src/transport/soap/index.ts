import { Express } from 'express';
import { Services } from '../../services';
import { Logger } from '../../lib/logger';
import { mountSoapV1 } from './v1/endpoint';
import { mountSoapV2 } from './v2/mount';

/** A function that mounts a SOAP endpoint on the app. */
export type SoapMount = (app: Express, s: Services, log: Logger) => void;

/** Every SOAP endpoint the gateway serves; createApp always mounts these (v1 adds itself here). */
export function soapMounts(): SoapMount[] {
  return [mountSoapV1, mountSoapV2];
}
