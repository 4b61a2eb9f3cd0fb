import fs from 'node:fs';
import path from 'node:path';
import { V1_WSDL } from '../src/transport/soap/v1/endpoint';
import { V2_WSDL } from '../src/transport/soap/v2/mount';

// Writes the WSDLs generated from the SOAP descriptors to wsdl/; tests check the committed files match.
const targets: Array<[string, string]> = [
  [path.join(__dirname, '..', 'wsdl', 'v1', 'API.asmx.wsdl'), V1_WSDL],
  [path.join(__dirname, '..', 'wsdl', 'v2', 'Api.svc.wsdl'), V2_WSDL],
];
for (const [target, text] of targets) {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
