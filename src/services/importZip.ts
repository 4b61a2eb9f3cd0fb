import { pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';
import { FileParseError } from './importRows';

/** Random access to a stored upload (the parser thread reads it piece by piece). */
export interface ByteSource {
  /** The file's size in bytes. */
  readonly size: number;
  /** The bytes from offset to offset + length, in order, in pieces. */
  read(offset: number, length: number): AsyncIterable<Buffer>;
}

/** One entry of a zip archive as its central directory describes it. */
export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  /** The unpacked size the directory declares (checked while unpacking: never trusted alone). */
  size: number;
  /** Where the entry's local header starts. */
  offset: number;
}

/** A zip archive's directory: its entries by lower-cased name, and where the directory starts. */
export interface ZipDirectory {
  entries: Map<string, ZipEntry>;
  directoryOffset: number;
}

/** Limits on the zip container itself (see docs/imports.md, "xlsx limits"). */
export const ZIP_LIMITS = {
  /** Entries in the archive. */
  maxEntries: 10_000,
  /** Size of the central directory. */
  maxDirectoryBytes: 4 << 20,
  /** Unpacked/packed ratio an entry may declare once it unpacks to more than ratioFloor bytes. */
  maxRatio: 250,
  ratioFloor: 1 << 20,
};

/** A ByteSource over bytes in memory (tests and tools). */
export function bufferSource(buf: Buffer): ByteSource {
  return {
    size: buf.length,
    async *read(offset, length) {
      yield buf.subarray(offset, offset + length);
    },
  };
}

/** Reads `length` bytes at `offset` into one buffer (for the small structures: end record, directory, headers). */
async function readAll(src: ByteSource, offset: number, length: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of src.read(offset, length)) parts.push(p);
  const b = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  if (b.length < length) throw new FileParseError('the zip archive is cut short');
  return b;
}

const mb = (n: number) => `${Math.round((n / (1 << 20)) * 10) / 10} MB`;

/**
 * Reads and checks a zip archive's central directory, before anything is unpacked: one single-part archive without
 * zip64, at most maxEntries entries, no two entries with the same name (case-insensitive), every entry inside the
 * file. why: the directory is read from the end of the stored upload, as unzip tools do; a streaming reader that
 * trusts local headers can be shown entries the directory does not list.
 */
export async function readZipDirectory(src: ByteSource): Promise<ZipDirectory> {
  const tailLen = Math.min(src.size, 22 + 0xffff);
  const tail = await readAll(src, src.size - tailLen, tailLen);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50 && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new FileParseError('the file is not a zip archive (no end of central directory record), so not an xlsx workbook');
  const endOffset = src.size - tailLen + at;
  const count = tail.readUInt16LE(at + 10);
  const dirSize = tail.readUInt32LE(at + 12);
  const dirOffset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff || (at >= 20 && tail.readUInt32LE(at - 20) === 0x07064b50)) {
    throw new FileParseError('zip64 archives are not supported (an xlsx under the upload limit never needs one)', 'FileLimitExceeded');
  }
  if (tail.readUInt16LE(at + 4) !== 0 || tail.readUInt16LE(at + 6) !== 0 || tail.readUInt16LE(at + 8) !== count) {
    throw new FileParseError('multi-part zip archives are not supported');
  }
  if (count > ZIP_LIMITS.maxEntries) throw new FileParseError(`the zip archive has ${count} entries; at most ${ZIP_LIMITS.maxEntries} are allowed`, 'FileLimitExceeded');
  if (dirSize > ZIP_LIMITS.maxDirectoryBytes) throw new FileParseError(`the zip directory is ${mb(dirSize)}; at most ${mb(ZIP_LIMITS.maxDirectoryBytes)} is allowed`, 'FileLimitExceeded');
  if (dirOffset + dirSize > endOffset) throw new FileParseError('the zip directory lies outside the file');
  const dir = await readAll(src, dirOffset, dirSize);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== 0x02014b50) throw new FileParseError('the zip directory is damaged');
    const flags = dir.readUInt16LE(p + 8);
    const nameLen = dir.readUInt16LE(p + 28);
    const next = p + 46 + nameLen + dir.readUInt16LE(p + 30) + dir.readUInt16LE(p + 32);
    if (next > dir.length) throw new FileParseError('the zip directory is damaged');
    const e: ZipEntry = {
      name: dir.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen),
      method: dir.readUInt16LE(p + 10),
      flags,
      compressedSize: dir.readUInt32LE(p + 20),
      size: dir.readUInt32LE(p + 24),
      offset: dir.readUInt32LE(p + 42),
    };
    if (e.compressedSize === 0xffffffff || e.size === 0xffffffff || e.offset === 0xffffffff) {
      throw new FileParseError('zip64 archives are not supported (an xlsx under the upload limit never needs one)', 'FileLimitExceeded');
    }
    if (e.offset + 30 + e.compressedSize > dirOffset) throw new FileParseError(`the zip entry ${e.name} lies outside the file`);
    const key = e.name.toLowerCase();
    // why: two entries with one name are read differently by different tools; refuse rather than guess.
    if (entries.has(key)) throw new FileParseError(`the zip archive holds two entries named ${e.name}`);
    entries.set(key, e);
    p = next;
  }
  return { entries, directoryOffset: dirOffset };
}

/**
 * Unpacks one entry as a stream of pieces. Refused before anything is inflated: an entry declaring more than
 * maxSize bytes, or a ratio above ZIP_LIMITS.maxRatio, encryption, an unknown method. While inflating, the bytes
 * are counted and the stream stops as soon as they pass the declared size (which is at most maxSize), so a
 * directory that lies costs no more than an honest one.
 */
export async function* unzipEntry(src: ByteSource, zip: ZipDirectory, e: ZipEntry, maxSize: number): AsyncGenerator<Buffer> {
  if (e.flags & 1) throw new FileParseError(`${e.name} is encrypted`);
  if (e.method !== 0 && e.method !== 8) throw new FileParseError(`${e.name} uses zip compression method ${e.method}; only deflate is read`);
  if (e.size > maxSize) throw new FileParseError(`${e.name} unpacks to ${mb(e.size)}; at most ${mb(maxSize)} is allowed`, 'FileLimitExceeded');
  if (e.size > ZIP_LIMITS.ratioFloor && e.size / Math.max(1, e.compressedSize) > ZIP_LIMITS.maxRatio) {
    throw new FileParseError(`${e.name} is compressed ${Math.round(e.size / Math.max(1, e.compressedSize))} to 1; at most ${ZIP_LIMITS.maxRatio} to 1 is allowed`, 'FileLimitExceeded');
  }
  const h = await readAll(src, e.offset, 30);
  if (h.readUInt32LE(0) !== 0x04034b50) throw new FileParseError(`the zip entry ${e.name} is damaged (no local header)`);
  const start = e.offset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
  if (start + e.compressedSize > zip.directoryOffset) throw new FileParseError(`the zip entry ${e.name} lies outside the file`);
  if (e.method === 0) {
    if (e.compressedSize !== e.size) throw new FileParseError(`the zip entry ${e.name} is damaged (stored with two sizes)`);
    yield* src.read(start, e.size);
    return;
  }
  const input = Readable.from(src.read(start, e.compressedSize));
  const inflate = zlib.createInflateRaw({ chunkSize: 64 * 1024 });
  // why: errors of either stream surface in the loop below; the callback only keeps pipeline from throwing them twice.
  pipeline(input, inflate, () => undefined);
  let out = 0;
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      out += chunk.length;
      if (out > e.size) throw new FileParseError(`${e.name} unpacks to more than the ${mb(e.size)} its zip directory declares`, 'FileLimitExceeded');
      yield chunk;
    }
  } catch (err) {
    if (err instanceof FileParseError) throw err;
    throw new FileParseError(`${e.name} cannot be unpacked (${err instanceof Error ? err.message : String(err)})`);
  } finally {
    inflate.destroy();
    input.destroy();
  }
  if (out !== e.size) throw new FileParseError(`${e.name} unpacks to ${out} bytes, not the ${e.size} its zip directory declares`);
}
