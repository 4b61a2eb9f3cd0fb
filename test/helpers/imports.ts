import { randomUUID } from 'node:crypto';
import { createBackground } from '../../src/jobs';
import { silentLogger } from '../../src/lib/logger';
import { Services } from '../../src/services';

/** One part of a multipart/form-data body. */
export interface Part {
  name: string;
  filename?: string;
  type?: string;
  content: string | Buffer;
}

/** Builds a multipart/form-data body and its content type. */
export function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----cg${randomUUID().replace(/-/g, '')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += '\r\n';
    if (p.type) head += `Content-Type: ${p.type}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Runs every due job (imports) in-process on the app's services until none is left. */
export async function drainJobs(s: Services): Promise<number> {
  return createBackground(s, silentLogger).runner.drain();
}
