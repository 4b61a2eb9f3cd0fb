import { ImportReport, REPORT_KEYS } from '../../domain/importReport';
import { AccountStatus, ImportLine, SendLine, SweeperStatus } from '../../services/status';
import { RefreshHistoryRow, SegmentView } from '../../services/segments';
import { count, html, page, Safe, span, when } from './html';
import { Session } from '../../services/statusSessions';

/** Seconds between reloads when auto-refresh is on. */
export const AUTO_REFRESH_SECONDS = 10;

/** The login form, with an optional error line. */
export function loginPage(o: { error?: string; username?: string } = {}): string {
  const err = o.error ? html`<p class="error" role="alert">${o.error}</p>` : '';
  return page(
    'contactgate status: sign in',
    html`<form class="login" method="post" action="/status/login">
<h2>contactgate status</h2>
<p class="note">Sign in with an API user of your account (the same username and password the API takes).</p>
${err}<label>API username<input name="username" autocomplete="username" required value="${o.username ?? ''}"></label>
<label>API password<input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit" id="login">Sign in</button></form>`,
  );
}

/** What the gateway is: its version and the database it runs on (shown in the background panel). */
export interface GatewayAbout {
  version: string;
  database: string;
}

/** The account's status page. */
export function overviewPage(
  st: AccountStatus,
  o: { session: Session; accountName: string; sweeper?: SweeperStatus; flash?: string; auto: boolean; about?: GatewayAbout },
): string {
  const flash = o.flash ? html`<p class="flash" role="status">${o.flash}</p>` : '';
  const autoLink = o.auto
    ? html`auto-refresh every ${AUTO_REFRESH_SECONDS} s · <a href="/status">stop</a>`
    : html`<a href="/status?auto=1">auto-refresh</a>`;
  const body = html`<header><h1>contactgate status · ${o.accountName} (account ${st.accountId})</h1>
<span>${o.session.username}</span><span>${autoLink}</span>
<form class="inline" method="post" action="/status/logout"><input type="hidden" name="csrf" value="${o.session.csrf}"><button type="submit" id="logout">Sign out</button></form></header>
<main>${flash}<p class="note">As of ${when(st.now, st.now)}.</p>
${segmentsPanel(st, o.session)}${importsPanel(st.imports, st.now)}${sendsPanel(st.sends, st.now, st.sendsSource)}${backgroundPanel(st, o.sweeper, o.about)}</main>`;
  return page(`contactgate status · ${o.accountName}`, body, { refreshSeconds: o.auto ? AUTO_REFRESH_SECONDS : undefined });
}

/** A segment state of the status page. */
export type SegmentState = 'fresh' | 'stale' | 'queued' | 'running' | 'overdue' | 'pending' | 'failed';

/**
 * The freshness state of a segment: overdue (refreshDueBy passed and no refresh running), running (a process is
 * refreshing it), queued (refresh requested), stale, pending (rules changed), failed or fresh.
 */
export function segmentState(s: SegmentView & { overdue?: boolean; refreshRunning?: boolean }): SegmentState {
  if (s.overdue) return 'overdue';
  if (s.refreshRunning) return 'running';
  if (s.refreshStatus === 'NotFinished') return 'queued';
  if (s.staleSince !== null) return 'stale';
  if (s.pendingRefresh) return 'pending';
  if (s.refreshStatus === 'Failed') return 'failed';
  return 'fresh';
}

const STATE_TEXT: Record<SegmentState, string> = {
  fresh: 'fresh',
  stale: 'stale',
  queued: 'refresh queued',
  running: 'refreshing',
  overdue: 'overdue',
  pending: 'refresh pending',
  failed: 'last refresh failed',
};

function segmentsPanel(st: AccountStatus, session: Session): Safe {
  const rows = st.segments.map((s) => {
    const state = segmentState(s);
    return html`<tr data-segment-id="${s.id}" data-state="${state}">
<td class="name"><a href="/status/segments/${s.id}">${s.name}</a></td><td>${s.kind === 'realtime' ? 'real-time' : 'behavioural'}</td><td class="n members">${count(s.contacts)}</td>
<td>${when(s.lastRefreshed, st.now)}</td><td><span class="badge ${state}">${STATE_TEXT[state]}</span></td>
<td>${when(s.staleSince, st.now)}</td><td>${when(s.refreshDueBy, st.now)}</td>
<td><form class="inline" method="post" action="/status/segments/${s.id}/refresh"><input type="hidden" name="csrf" value="${session.csrf}"><button type="submit" class="refresh">Refresh</button></form></td></tr>`;
  });
  const more = st.segmentsTruncated ? html`<p class="note">Only the first ${st.segments.length} segments are listed.</p>` : '';
  return html`<section id="segments"><h2>Segments</h2>
<p class="note">Members are as of “last refreshed”. A stale segment has bulk writes (imports, bulk calls) not yet reflected, or rules relative to today and the UTC day has turned; it is refreshed by “refresh due by” at the latest. “Overdue” means that time has passed and no refresh is running: check that a gateway process runs jobs (RUN_JOBS) and has a free job slot.</p>
${st.segments.length ? html`<table><thead><tr><th>Name</th><th>Kind</th><th>Members</th><th>Last refreshed</th><th>State</th><th>Stale since</th><th>Refresh due by</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : html`<p class="note">No segments in this account.</p>`}${more}</section>`;
}

function importsPanel(imports: ImportLine[], now: number): Safe {
  const rows = imports.map((i) => {
    const pct = i.totalRows ? Math.min(100, Math.round((i.rowsDone / i.totalRows) * 100)) : null;
    const eta = i.status !== 'NotFinished' ? '—' : i.etaSeconds === null ? 'unknown' : span(i.etaSeconds * 1000);
    const report =
      i.status === 'Finished'
        ? html`<a href="/status/imports/${i.id}/report">report</a>`
        : i.status === 'NotFinished'
          ? html`<span class="none">when finished</span>`
          : i.reason
            ? html`<span class="reason">${i.reason}</span> · <a href="/status/imports/${i.id}/faults.csv">faults</a>`
            : html`<span class="none">none</span>`;
    return html`<tr data-import-id="${i.id}" data-status="${i.status}">
<td>${i.fileName}<br><span class="rel">${i.id}</span></td><td>${when(i.createdAt, now)}</td><td>${i.status}</td>
<td>${count(i.rowsDone)} / ${count(i.totalRows)} ${pct === null ? '' : html`<progress max="100" value="${pct}">${pct}%</progress>`}</td>
<td class="n imported">${count(i.imported)}</td><td class="n rejected">${count(i.rejected)}</td><td class="n">${count(i.rowsPerSecond)}</td><td>${eta}</td><td>${report}</td></tr>`;
  });
  return html`<section id="imports"><h2>Imports</h2>
<p class="note">The newest imports. Row totals are an estimate for CSV until the import ends.</p>
${imports.length ? html`<table><thead><tr><th>File</th><th>Uploaded</th><th>Status</th><th>Rows done / total</th><th>Imported</th><th>Rejected</th><th>Rows/s</th><th>ETA</th><th>Report</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p class="note">No imports yet.</p>`}</section>`;
}

function sendsPanel(sends: SendLine[], now: number, source: AccountStatus['sendsSource']): Safe {
  const rows = sends.map((s) => {
    const segs = s.refreshedSegments.length
      ? s.refreshedSegments.map((g, i) => html`${i ? ', ' : ''}${g.name ?? `segment ${g.id} (deleted)`}`)
      : html`<span class="none">none</span>`;
    return html`<tr data-send-id="${s.id}"><td>${s.campaignName ?? (s.campaignId === null ? '—' : `campaign ${s.campaignId}`)}</td>
<td>${when(s.sendDate, now)}</td><td>${s.status}</td><td class="n">${count(s.recipients)}</td><td class="segs">${segs}</td></tr>`;
  });
  const none = source === 'unavailable' ? 'Sends could not be read.' : 'No campaign sends yet.';
  return html`<section id="sends"><h2>Recent sends</h2>
<p class="note">A send to a stale segment refreshes it first; the last column lists the segments refreshed for each send.</p>
${sends.length ? html`<table><thead><tr><th>Campaign</th><th>Send date</th><th>Status</th><th>Recipients</th><th>Segments refreshed for it</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p class="note">${none}</p>`}</section>`;
}

/** How long past its next run time a sweeper may be before the page flags it late (a tick takes a moment). */
export const SWEEPER_LATE_MS = 10_000;

function backgroundPanel(st: AccountStatus, sweeper?: SweeperStatus, about?: GatewayAbout): Safe {
  const late = sweeper && sweeper.nextRunAt !== null && sweeper.nextRunAt < st.now - SWEEPER_LATE_MS;
  const next = late
    ? html`<dd id="sweeper-next" class="late"><span class="badge overdue">late</span> ${when(sweeper!.nextRunAt, st.now)}: the sweeper has not run when it should have; the process may be blocked or stopping (missed ticks are caught up once it runs again)</dd>`
    : html`<dd id="sweeper-next">${when(sweeper?.nextRunAt, st.now)}</dd>`;
  const sw = sweeper
    ? html`<dt>Sweeper last run</dt><dd id="sweeper-last">${when(sweeper.lastRunAt, st.now)}</dd>
<dt>Sweeper next run</dt>${next}
<dt>Refreshes queued by the last sweep</dt><dd>${count(sweeper.lastQueued)}</dd>
<dt>Sweeper ticks missed (caught up at once)</dt><dd id="sweeper-missed">${count(sweeper.missedTicks ?? 0)}${sweeper.lastCatchUpAt ? html`, last catch-up ${when(sweeper.lastCatchUpAt, st.now)}` : ''}</dd>`
    : html`<dt>Sweeper</dt><dd id="sweeper-off">not running in this process (RUN_JOBS is off); another process may run it</dd>`;
  const q = st.queue;
  const what = about ? html`<dt>Gateway</dt><dd id="version">contactgate ${about.version}</dd><dt>Database</dt><dd id="database">${about.database}</dd>` : '';
  return html`<section id="background"><h2>Background work</h2><dl>${what}${sw}
<dt>Segment refresh queue</dt><dd id="queue-segments">${count(q.segmentRefresh.queued)} queued, ${count(q.segmentRefresh.running)} running</dd>
<dt>Import queue</dt><dd id="queue-imports">${count(q.imports.queued)} queued, ${count(q.imports.running)} running</dd></dl>
<p class="note">Queue lengths count every account's jobs on this database.</p></section>`;
}

/** A finished import's report with a link to its faults CSV. */
export function reportPage(id: string, rep: ImportReport): string {
  const rows = REPORT_KEYS.map((k) => html`<tr><th>${k}</th><td class="n">${count(rep[k])}</td></tr>`);
  return page(
    'contactgate status: import report',
    html`<header><h1>Import ${id}</h1><a href="/status">back to status</a></header><main><section><h2>Report</h2>
<table id="report">${rows}</table><p><a href="/status/imports/${id}/faults.csv">rejected rows (CSV)</a></p></section></main>`,
  );
}

/** A short error page. */
export function errorPage(title: string, text: string): string {
  return page(`contactgate status: ${title}`, html`<header><h1>${title}</h1><a href="/status">back to status</a></header><main><p class="error">${text}</p></main>`);
}

/** Members shown per page of a segment's page. */
export const MEMBERS_PER_PAGE = 50;

/** One segment: its state and rules, its refresh history (newest first) and one page of its members. */
export function segmentPage(o: {
  segment: SegmentView;
  history: RefreshHistoryRow[];
  members: Array<{ id: number; email: string; status: string }>;
  skip: number;
  now: number;
}): string {
  const s = o.segment;
  const state = segmentState(s);
  const hist = o.history.map(
    (h) => html`<tr data-history-id="${h.id}"><td>${when(h.requestedAt, o.now)}</td><td>${h.reason}</td><td>${h.mode}</td><td>${h.status}</td>
<td class="n">${count(h.changedContacts)}</td><td class="n">${count(h.memberCount)}</td><td>${h.startedAt && h.finishedAt ? span(h.finishedAt - h.startedAt) : '—'}</td><td>${h.error ?? ''}</td></tr>`,
  );
  const members = o.members.map((m) => html`<tr data-contact-id="${m.id}"><td class="n">${m.id}</td><td>${m.email}</td><td>${m.status}</td></tr>`);
  const prev = o.skip > 0 ? html`<a id="prev" href="/status/segments/${s.id}?skip=${Math.max(0, o.skip - MEMBERS_PER_PAGE)}">previous</a>` : '';
  const nextLink = o.members.length === MEMBERS_PER_PAGE ? html`<a id="next" href="/status/segments/${s.id}?skip=${o.skip + MEMBERS_PER_PAGE}">next</a>` : '';
  return page(
    `contactgate status: segment ${s.name}`,
    html`<header><h1>Segment ${s.name} (${s.id})</h1><a href="/status">back to status</a></header><main>
<section><h2>Freshness</h2><p><span class="badge ${state}">${STATE_TEXT[state]}</span> · ${count(s.contacts)} members as of ${when(s.lastRefreshed, o.now)} · stale since ${when(s.staleSince, o.now)} · refresh due by ${when(s.refreshDueBy, o.now)}</p>
<pre id="rules">${JSON.stringify(s.rules, null, 2)}</pre></section>
<section id="history"><h2>Refresh history</h2>${o.history.length ? html`<table><thead><tr><th>Requested</th><th>Why</th><th>Mode</th><th>Status</th><th>Changed contacts</th><th>Members</th><th>Took</th><th>Error</th></tr></thead><tbody>${hist}</tbody></table>` : html`<p class="note">No refresh yet.</p>`}</section>
<section id="members"><h2>Members ${o.members.length ? `${o.skip + 1}–${o.skip + o.members.length}` : ''}</h2><p class="note">As of the last refresh.</p>
${o.members.length ? html`<table><thead><tr><th>Id</th><th>Email</th><th>Status</th></tr></thead><tbody>${members}</tbody></table>` : html`<p class="note">No members on this page.</p>`}<p>${prev} ${nextLink}</p></section></main>`,
  );
}
