import { StoredFile } from '../../services/files';

// The one place the public URL of an uploaded image is spelled (SOAP ApiImage.Path, REST apiImage.path and the
// public route that serves it), and the headers stored files are answered with.

/** Path (under the gateway's base URL) of the public image route; `:key` is the image's unguessable key. */
export const PUBLIC_IMAGE_ROUTE = '/images/:key/:name';

/** The URL an image is served at, on the base URL the caller used. */
export function imageUrl(base: string, f: StoredFile): string {
  return `${base}/v2/images/${f.publicKey}/${encodeURIComponent(f.fileName)}`;
}

/**
 * Headers for a stored file's bytes: the type recognised from its content (never the caller's), no sniffing, no
 * scripts or frames even if a browser renders it, and for documents a download, never inline rendering.
 */
export function fileHeaders(f: StoredFile, download: boolean): Record<string, string> {
  const h: Record<string, string> = {
    'Content-Type': f.contentType,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cross-Origin-Resource-Policy': 'cross-origin',
  };
  if (download) {
    const ascii = f.fileName.replace(/[^\x20-\x7e]|["\\;]/g, '_');
    h['Content-Disposition'] = `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(f.fileName)}`;
  }
  return h;
}
