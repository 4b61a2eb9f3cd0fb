import fs from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/** The gateway's version: `version` of the package.json above this file (the same from src/ under tsx and dist/src/). */
export function gatewayVersion(): string {
  if (cached !== undefined) return cached;
  cached = 'unknown';
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'contactgate') {
        cached = String(pkg.version ?? 'unknown');
        break;
      }
    }
    if (path.dirname(dir) === dir) break;
  }
  return cached;
}
