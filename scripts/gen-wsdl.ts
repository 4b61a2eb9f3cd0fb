import fs from 'node:fs';
import path from 'node:path';
import { V2_WSDL } from '../src/transport/soap/v2/mount';

// Writes the WSDL generated from the SOAP descriptors to wsdl/; a test checks the committed file matches.
const target = path.join(__dirname, '..', 'wsdl', 'v2', 'Api.svc.wsdl');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, V2_WSDL);
console.log(`wrote ${target}`);
