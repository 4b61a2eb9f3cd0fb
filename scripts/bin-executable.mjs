// Marks the built CLI (package.json "bin") executable after `tsc`, which writes new files without the x bit.
// why: `npx contactgate` in the checkout runs the bin through npx's cache of this folder, which only sets the bit when
// it first links the folder; a fresh build at the same path (a re-clone) would otherwise be "Permission denied".
import fs from 'node:fs';

const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
for (const bin of Object.values(pkg.bin ?? {})) {
  const file = new URL(`../${bin}`, import.meta.url);
  if (fs.existsSync(file)) fs.chmodSync(file, 0o755);
}
