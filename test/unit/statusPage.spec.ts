import { expect } from 'chai';
import { esc, html, relative, Safe, span } from '../../src/transport/status/html';
import { segmentState } from '../../src/transport/status/pages';
import { readCookie } from '../../src/transport/status/session';
import { SegmentView } from '../../src/services/segments';

describe('status page pieces: escaping, cookies, segment state', () => {
  it('escapes the five HTML specials and backticks, in text and in the html template', () => {
    expect(esc(`<a href="x" onclick='y'>&\``)).to.equal('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;');
    const name = '<script>alert(1)</script>';
    expect(html`<td>${name}</td>`.value).to.equal('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(html`<p>${[html`<b>${'<i>'}</b>`, '<u>']}</p>`.value).to.equal('<p><b>&lt;i&gt;</b>&lt;u&gt;</p>');
    expect(html`${new Safe('<br>')}${null}${undefined}${false}${0}`.value).to.equal('<br>0');
  });

  it('reads one cookie from a Cookie header', () => {
    expect(readCookie('a=1; cg_status=abc.def; b=2', 'cg_status')).to.equal('abc.def');
    expect(readCookie('xcg_status=1', 'cg_status')).to.equal(undefined);
    expect(readCookie(undefined, 'cg_status')).to.equal(undefined);
  });

  it('says durations the short way', () => {
    expect(relative(-60_000)).to.equal('60 s ago');
    expect(relative(120_000)).to.equal('in 2 min');
    expect(relative(200)).to.equal('now');
    expect(span(3 * 3600_000)).to.equal('3 h');
    expect(span(3 * 86_400_000)).to.equal('3 d');
  });

  it('names a segment state from its freshness fields', () => {
    const base: SegmentView = { id: 1, name: 'S', contacts: 0, kind: 'realtime', lastRefreshed: 1, pendingRefresh: false, staleSince: null, refreshDueBy: null, refreshStatus: 'Finished' };
    expect(segmentState(base)).to.equal('fresh');
    expect(segmentState({ ...base, pendingRefresh: true, staleSince: 5 })).to.equal('stale');
    expect(segmentState({ ...base, pendingRefresh: true, staleSince: 5, refreshStatus: 'NotFinished' })).to.equal('queued');
    expect(segmentState({ ...base, pendingRefresh: true })).to.equal('pending');
    expect(segmentState({ ...base, refreshStatus: 'Failed' })).to.equal('failed');
  });
});
