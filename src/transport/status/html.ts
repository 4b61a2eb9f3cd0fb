/** Escapes text for HTML element content and double-quoted attribute values. */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Markup that is already safe (built from escaped parts); plain strings given to `html` are escaped. */
export class Safe {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Tagged template that escapes every interpolated value unless it is Safe (or an array of Safe). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Safe {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new Safe(out);
}

function render(v: unknown): string {
  if (v instanceof Safe) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === null || v === undefined || v === false) return '';
  return esc(v);
}

/** An epoch-ms time as `YYYY-MM-DD HH:MM:SS UTC` with its distance from now; an em dash for none. */
export function when(t: number | null | undefined, now: number): Safe {
  if (t === null || t === undefined || !Number.isFinite(t)) return html`<span class="none">—</span>`;
  const iso = new Date(t).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time> <span class="rel">(${relative(t - now)})</span>`;
}

/** A signed duration in ms as `in 3 min` or `5 s ago`. */
export function relative(deltaMs: number): string {
  const d = span(Math.abs(deltaMs));
  if (Math.abs(deltaMs) < 1000) return 'now';
  return deltaMs > 0 ? `in ${d}` : `${d} ago`;
}

/** A duration in ms, rounded to the largest sensible unit. */
export function span(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  const h = Math.round(m / 6) / 10;
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 2.4) / 10} d`;
}

/** A whole number with thousands separators. */
export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : Math.round(n).toLocaleString('en-GB');
}

const CSS = `
*{box-sizing:border-box}body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f4f5f7}
header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header h1{font-size:17px;margin:0;flex:1}header a{color:#cfe0ff}main{padding:16px 20px;max-width:1300px}
section{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:12px 16px;margin:0 0 16px}
h2{font-size:15px;margin:0 0 8px}p.note{color:#5b6475;margin:4px 0 8px;font-size:13px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e7e9ee;vertical-align:top}
th{font-weight:600;color:#5b6475;font-size:12px;text-transform:uppercase;letter-spacing:.03em}td.n{text-align:right;font-variant-numeric:tabular-nums}
.rel,.none{color:#6b7384;font-size:12px}.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:600}
.fresh{background:#dff5e3;color:#17652a}.stale{background:#fff1cc;color:#7a5300}.queued,.pending{background:#e1ecff;color:#1b4fa8}
.failed,.overdue{background:#fde2e1;color:#9b1c1c}.running{background:#e1ecff;color:#1b4fa8}button{font:inherit;padding:3px 10px;border:1px solid #8a94a6;border-radius:4px;background:#fff;cursor:pointer}
button:hover{background:#eef1f6}.flash{background:#e1ecff;border:1px solid #b9cff5;padding:8px 12px;border-radius:6px;margin:0 0 16px}
.error{background:#fde2e1;border:1px solid #f3b5b2;padding:8px 12px;border-radius:6px;margin:0 0 12px}
form.login{max-width:340px;margin:60px auto;background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:20px}
form.login label{display:block;margin:0 0 10px}form.login input{display:block;width:100%;padding:6px;margin-top:3px;font:inherit}
progress{width:120px;vertical-align:middle}dl{display:grid;grid-template-columns:max-content auto;gap:4px 16px;margin:0}dt{color:#5b6475}dd{margin:0}
form.inline{display:inline;margin:0}`;

/** A whole page: inline CSS only, nothing loaded from elsewhere; `refreshSeconds` adds a meta refresh. */
export function page(title: string, body: Safe, o: { refreshSeconds?: number } = {}): string {
  const refresh = o.refreshSeconds ? html`<meta http-equiv="refresh" content="${o.refreshSeconds}">` : '';
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${refresh}<title>${title}</title><style>${new Safe(CSS)}</style></head><body>${body}</body></html>`.value;
}
