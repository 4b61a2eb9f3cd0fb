import path from 'node:path';

/** A file of the shared contract folder, which lies beside the project checkout (`../shared/contract`). */
export function contractFile(...parts: string[]): string {
  return path.resolve(__dirname, '..', '..', '..', 'shared', 'contract', ...parts);
}
