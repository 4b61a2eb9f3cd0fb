import { DomainError } from './errors';

// Stored documents and images: what may be uploaded (by content, never by the name or a client-given type), how large,
// and how folders are named. No transport and no storage here.

/** Largest stored file, decoded (5 MB); the vendor's own limit for campaign attachments and image uploads. */
export const FILE_MAX_BYTES = 5 * 1024 * 1024;
/** Largest base64 text a FILE_MAX_BYTES file takes (checked before any decoding). */
export const FILE_MAX_BASE64_CHARS = Math.ceil(FILE_MAX_BYTES / 3) * 4;
/** Bytes of documents and images one account may store in all (1 GB): a budget on the shared database. */
export const FILES_MAX_BYTES_PER_ACCOUNT = 1024 * 1024 * 1024;
/** Folders an account may hold per kind. */
export const FOLDER_MAX_PER_ACCOUNT = 1000;
/** Deepest folder nesting (a folder tree is answered recursively; bounded so the answer is). */
export const FOLDER_MAX_DEPTH = 10;
/** Longest folder or file name. */
export const FILE_NAME_MAX = 200;

/** The two kinds of stored file, each with its own folder tree. */
export type FileKind = 'document' | 'image';

/** What a file's bytes were recognised as: the content type it is stored and served with. */
export interface SniffedType {
  contentType: string;
  /** The file-name extension this type is written with (the name's own extension must agree for ambiguous types). */
  ext: readonly string[];
}

const IMAGE_TYPES: ReadonlyArray<{ magic: (b: Buffer) => boolean; t: SniffedType }> = [
  { magic: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), t: { contentType: 'image/png', ext: ['png'] } },
  { magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff, t: { contentType: 'image/jpeg', ext: ['jpg', 'jpeg', 'jpe'] } },
  { magic: (b) => /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1')), t: { contentType: 'image/gif', ext: ['gif'] } },
  {
    magic: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
    t: { contentType: 'image/webp', ext: ['webp'] },
  },
];

const ZIP = (b: Buffer) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const OLE = (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
const OOXML: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};
const LEGACY_OFFICE: Record<string, string> = { doc: 'application/msword', xls: 'application/vnd.ms-excel', ppt: 'application/vnd.ms-powerpoint' };
const TEXT: Record<string, string> = { txt: 'text/plain', csv: 'text/csv' };

/** The lower-case extension of a file name ('' when none). */
export function extensionOf(fileName: string): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(fileName);
  return m ? m[1].toLowerCase() : '';
}

/** True when the bytes are UTF-8 text without control characters other than tab, CR, LF and form feed. */
function isPlainText(b: Buffer): boolean {
  // why: no NUL and no C0 controls rules out every binary format (and HTML is refused by name: no .html on the list).
  for (const c of b) if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) return false;
  return new TextDecoder('utf-8', { fatal: false }).decode(b).indexOf('\uFFFD') < 0;
}

/**
 * Recognises an upload by its bytes against the allow-list of its kind. Images: PNG, JPEG, GIF, WebP (no SVG: it can
 * carry script). Documents: PDF, Office (OOXML zip or legacy OLE, told apart by the name's extension), plain text and CSV,
 * and the images. Anything else is refused with FILE_TYPE_NOT_ALLOWED, whatever its name says.
 */
export function sniff(kind: FileKind, fileName: string, b: Buffer): SniffedType {
  const image = IMAGE_TYPES.find((x) => x.magic(b))?.t;
  if (image) return image;
  if (kind === 'document') {
    const ext = extensionOf(fileName);
    if (b.subarray(0, 5).toString('latin1') === '%PDF-') return { contentType: 'application/pdf', ext: ['pdf'] };
    if (ZIP(b) && OOXML[ext]) return { contentType: OOXML[ext], ext: [ext] };
    if (OLE(b) && LEGACY_OFFICE[ext]) return { contentType: LEGACY_OFFICE[ext], ext: [ext] };
    if (TEXT[ext] && isPlainText(b)) return { contentType: `${TEXT[ext]}; charset=utf-8`, ext: [ext] };
  }
  const allowed = kind === 'image' ? 'PNG, JPEG, GIF or WebP' : 'PDF, Office (doc/docx/xls/xlsx/ppt/pptx), TXT, CSV, PNG, JPEG, GIF or WebP';
  throw new DomainError('FILE_TYPE_NOT_ALLOWED', `The file's content is not an allowed ${kind} type (${allowed}).`);
}

/** Checks a folder or file name: 1..FILE_NAME_MAX characters, no path separators or control characters. */
export function fileName(v: unknown, what: string): string {
  if (typeof v !== 'string' || !v.trim()) throw new DomainError('PARAMETER_INVALID', `${what} is required.`);
  const s = v.trim();
  if (s.length > FILE_NAME_MAX) throw new DomainError('PARAMETER_INVALID', `${what} is longer than ${FILE_NAME_MAX} characters.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f/\\"]/.test(s)) throw new DomainError('PARAMETER_INVALID', `${what} may not contain slashes, quotes or control characters.`);
  return s;
}

/** Checks an upload's size (decoded bytes) against FILE_MAX_BYTES; an empty file is refused too. */
export function checkSize(bytes: number): void {
  if (bytes === 0) throw new DomainError('PARAMETER_INVALID', 'The file is empty.');
  if (bytes > FILE_MAX_BYTES) throw new DomainError('FILE_TOO_LARGE', `The file is larger than ${FILE_MAX_BYTES / 1024 / 1024} MB.`);
}

/** Checks base64 text's length before it is decoded (whitespace aside, it may not exceed FILE_MAX_BASE64_CHARS). */
export function checkBase64Length(chars: number): void {
  if (chars > FILE_MAX_BASE64_CHARS + Math.ceil(FILE_MAX_BASE64_CHARS / 76) * 2) {
    throw new DomainError('FILE_TOO_LARGE', `The file is larger than ${FILE_MAX_BYTES / 1024 / 1024} MB.`);
  }
}
