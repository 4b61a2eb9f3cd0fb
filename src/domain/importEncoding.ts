import { isUtf8 } from 'node:buffer';

/** The text encodings a CSV import is read in. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** What the first bytes of a text upload say about its encoding. */
export type Sniffed =
  /** A byte-order mark decides (its bytes are skipped by the decoder; a UTF-8 BOM is dropped by the CSV reader). */
  | { encoding: TextEncoding; bom: true }
  /** No byte-order mark: UTF-8 if every byte of the file is valid UTF-8, else Windows-1252 (see Utf8Check). */
  | { encoding: undefined; bom: false }
  /** An encoding the gateway does not read; the text says which and why. */
  | { unsupported: string };

/**
 * Reads the byte-order mark of a text upload. why: legacy clients send what Excel and Notepad write: UTF-8 with or
 * without a BOM, "Unicode text" (UTF-16 LE with a BOM) and, from Excel's plain "CSV" on Windows, Windows-1252.
 */
export function sniffEncoding(head: Uint8Array): Sniffed {
  const b = head;
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { unsupported: 'UTF-32 LE text is not supported; save the file as UTF-8 or UTF-16.' };
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { unsupported: 'UTF-32 BE text is not supported; save the file as UTF-8 or UTF-16.' };
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', bom: true };
  if (looksLikeUtf16(b)) return { unsupported: 'UTF-16 text without a byte-order mark is not supported; save it with one (Excel: "Unicode Text") or as UTF-8.' };
  return { encoding: undefined, bom: false };
}

/** True when the bytes have a NUL in every other position from the start (ASCII text in UTF-16 without a BOM). */
function looksLikeUtf16(b: Uint8Array): boolean {
  const n = Math.min(b.length, 64) & ~1;
  if (n < 8) return false;
  let le = true;
  let be = true;
  for (let i = 0; i < n; i += 2) {
    if (b[i] !== 0 || b[i + 1] === 0) be = false;
    if (b[i + 1] !== 0 || b[i] === 0) le = false;
  }
  return le || be;
}

/** Bytes a UTF-8 sequence starting with this lead byte has (1 for anything that is not a multi-byte lead). */
function sequenceLength(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}

/**
 * Checks that a byte stream fed in pieces is valid UTF-8 (a character may straddle two pieces). Uses Node's SIMD
 * `isUtf8` on each piece, so it costs a few milliseconds per 100 MB.
 */
export class Utf8Check {
  private carry: Buffer = Buffer.alloc(0);
  private ok = true;

  /** Checks the next piece. */
  push(piece: Uint8Array): void {
    if (!this.ok || piece.length === 0) return;
    let start = 0;
    if (this.carry.length) {
      // Complete the character the last piece ended in the middle of.
      const need = sequenceLength(this.carry[0]) - this.carry.length;
      const take = Math.min(need, piece.length);
      this.carry = Buffer.concat([this.carry, piece.subarray(0, take)]);
      start = take;
      if (take < need) return;
      if (!isUtf8(this.carry)) {
        this.ok = false;
        return;
      }
      this.carry = Buffer.alloc(0);
    }
    // Hold back a character cut off at the end of the piece.
    let cut = piece.length;
    for (let i = piece.length - 1; i >= Math.max(start, piece.length - 3); i--) {
      const x = piece[i];
      if ((x & 0xc0) === 0x80) continue;
      if (x >= 0xc0 && i + sequenceLength(x) > piece.length) cut = i;
      break;
    }
    if (!isUtf8(piece.subarray(start, cut))) {
      this.ok = false;
      return;
    }
    this.carry = Buffer.from(piece.subarray(cut));
  }

  /** True when every byte pushed was valid UTF-8 and no character was left unfinished. */
  valid(): boolean {
    return this.ok && this.carry.length === 0;
  }
}

/** The characters Windows-1252 has at 0x80-0x9F (where it differs from ISO-8859-1); its five holes stay C1 codes. */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Decodes Windows-1252 bytes (the WHATWG mapping). why: Node 20's TextDecoder('windows-1252') decodes ISO-8859-1
 * (0x80-0x9F come out as C1 control codes, not as € ‚ “ ” …), so the 32 differing code points are mapped here.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return /[\x80-\x9f]/.test(s) ? s.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]) : s;
}

/** Offset of the first byte that is not part of valid UTF-8 (the length when all are valid). For error messages. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes[i]);
    if (bytes[i] >= 0x80 && n === 1) return i;
    if (n > 1 && (i + n > bytes.length || !isUtf8(bytes.subarray(i, i + n)))) return i;
    i += n;
  }
  return i;
}
