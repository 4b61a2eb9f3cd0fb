import { Router } from 'express';
import { openApiDocument } from './openapi';

// GET /v2/openapi.json and GET /v2/docs: the document and a self-contained HTML rendering of it (no script, no CDN).

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A short type text for a schema: `ApiContact[]`, `string (date-time)`, `object`. */
function typeText(s: Obj | undefined): string {
  if (!s) return '';
  if (s.$ref) {
    const name = String(s.$ref).split('/').pop();
    return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
  }
  if (s.oneOf) return (s.oneOf as Obj[]).map(typeText).join(' | ');
  if (s.type === 'array') return `${typeText(s.items)}[]`;
  let t = esc(s.type ?? 'any');
  if (s.format) t += ` (${esc(s.format)})`;
  if (s.enum) t += `: ${(s.enum as unknown[]).map(esc).join(', ')}`;
  if (s.nullable) t += ', nullable';
  return t;
}

/** Renders the OpenAPI document as one HTML page: operations grouped by tag, then the schemas. */
export function renderDocsPage(doc: Obj): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths as Obj)) {
    for (const [method, op] of Object.entries(item as Obj)) {
      const o = op as Obj;
      const params = ((o.parameters ?? []) as Obj[]).map((p) => `<code>${esc(p.name)}</code> <small>(${esc(p.in)})</small>`).join(', ');
      const body = o.requestBody ? typeText(Object.values(o.requestBody.content as Obj)[0].schema) : '';
      const responses = Object.entries(o.responses as Obj)
        .map(([code, r]) => `<li><b>${esc(code)}</b> ${esc((r as Obj).description)} ${r.content ? typeText((Object.values(r.content as Obj)[0] as Obj).schema) : ''}</li>`)
        .join('');
      const html =
        `<section class="op" id="${esc(o.operationId)}"><h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code>` +
        `${o['x-contactgate-extension'] ? ' <span class="ext">extension</span>' : ''}${o.security && !o.security.length ? ' <span class="open">no auth</span>' : ''}</h3>` +
        `<p>${esc(o.summary)}</p>${params ? `<p>Parameters: ${params}</p>` : ''}${body ? `<p>Body: ${body}</p>` : ''}<ul>${responses}</ul></section>`;
      const tag = (o.tags as string[])[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push(html);
    }
  }
  const schemas = Object.entries(doc.components.schemas as Obj)
    .map(([name, s]) => {
      const props = Object.entries(((s as Obj).properties ?? {}) as Obj)
        .map(([p, ps]) => `<tr><td><code>${esc(p)}</code></td><td>${typeText(ps as Obj)}</td><td>${esc((ps as Obj).description ?? '')}</td></tr>`)
        .join('');
      return `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3>${(s as Obj).description ? `<p>${esc((s as Obj).description)}</p>` : ''}${props ? `<table>${props}</table>` : `<p>${typeText(s as Obj)}</p>`}</section>`;
    })
    .join('');
  const toc = [...byTag.keys()].map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join(' · ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)}</title><style>
body{font:15px/1.4 system-ui,sans-serif;max-width:70rem;margin:1rem auto;padding:0 1rem;color:#222}
code{background:#f3f3f3;padding:0 .2em}.op{border-left:4px solid #ccc;padding:.2rem .8rem;margin:.6rem 0}
.m{font-weight:bold;padding:0 .4em;color:#fff;border-radius:3px}.get{background:#2b7}.post{background:#27b}.put{background:#b72}.delete{background:#b22}
.ext{background:#fe8;padding:0 .4em;font-size:.8em}.open{background:#ddd;padding:0 .4em;font-size:.8em}table{border-collapse:collapse}td{border-bottom:1px solid #eee;padding:.1rem .6rem}
</style></head><body><h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1><p>${esc(doc.info.description)}</p>
<p>Machine-readable: <a href="/v2/openapi.json">/v2/openapi.json</a> (OpenAPI ${esc(doc.openapi)}). Authentication: HTTP basic with an API user.</p>
<nav>${toc} · <a href="#schemas">Schemas</a></nav>
${[...byTag].map(([t, ops]) => `<h2 id="tag-${esc(t)}">${esc(t)}</h2>${ops.join('')}`).join('')}
<h2 id="schemas">Schemas</h2>${schemas}</body></html>`;
}

/** Mounts GET /openapi.json and GET /docs (no authentication) on the /v2 router. */
export function mountOpenApi(r: Router): void {
  const doc = openApiDocument();
  const page = renderDocsPage(doc);
  r.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  r.get('/docs', (_req, res) => {
    res.type('text/html; charset=utf-8').send(page);
  });
}
