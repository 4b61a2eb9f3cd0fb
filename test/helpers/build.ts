import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every .ts file under dir (recursive). */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** True when some src/ file has no compiled dist/ file or is newer than it. */
export function distIsStale(): boolean {
  return sources(path.join(ROOT, 'src')).some((ts) => {
    const js = path.join(ROOT, 'dist', path.relative(ROOT, ts)).replace(/\.ts$/, '.js');
    return !fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(ts).mtimeMs;
  });
}

/**
 * Makes sure dist/ holds the compiled sources before a test runs the built gateway (`npm start`, the `contactgate`
 * bin). `npm test` builds first; a spec run on its own after an edit builds here (about 10 s).
 */
export function ensureBuilt(): void {
  if (!distIsStale()) return;
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  // The rest of `npm run build`: the bin's x bit (scripts/bin-executable.mjs).
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bin-executable.mjs')], { cwd: ROOT, stdio: 'inherit' });
}
