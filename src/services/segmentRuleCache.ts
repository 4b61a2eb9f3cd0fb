import { CompiledSegment, SingleEvaluation } from '../db/repos/segmentSingle';
import { Repos } from '../db/store';
import { utcDayStart } from '../domain/segmentRules';
import { changeKey, SegmentChange, SegmentDepIndex } from './segmentDeps';

/** An account's real-time rules, compiled for one UTC day, with their dependency index and prepared evaluations. */
interface AccountRules {
  version: number;
  day: number;
  compiled: CompiledSegment[];
  deps: SegmentDepIndex;
  /** Prepared evaluations per kind of change (changeKey), so a repeated kind of write does no per-segment work. */
  byChange: Map<string, SingleEvaluation | null>;
}

const MAX_ACCOUNTS = 500;
const MAX_CHANGE_KINDS = 200;

/**
 * Compiled real-time rules per account, valid while the account's segment rules version (bumped in the same
 * transaction as any segment change, by any process) and the UTC day (relative dates) stay the same. A write reads
 * the version (one primary-key read) and otherwise only looks up maps.
 */
export class SegmentRuleCache {
  private readonly accounts = new Map<number, AccountRules>();

  /** The prepared evaluation of the segments this change can affect, or null when it can affect none. */
  async evaluationFor(r: Repos, accountId: number, now: number, change: SegmentChange): Promise<SingleEvaluation | null> {
    const version = await r.segmentSingle.rulesVersion(accountId);
    const day = utcDayStart(now);
    let a = this.accounts.get(accountId);
    if (!a || a.version !== version || a.day !== day) {
      const segments = await r.segments.ofKind(accountId, 'realtime');
      a = { version, day, compiled: r.segmentSingle.compile(accountId, segments, now), deps: new SegmentDepIndex(segments.map((s) => s.rules)), byChange: new Map() };
      this.accounts.delete(accountId);
      if (this.accounts.size >= MAX_ACCOUNTS) this.accounts.delete(this.accounts.keys().next().value!);
      this.accounts.set(accountId, a);
    }
    if (a.compiled.length === 0) return null;
    const key = changeKey(change);
    let ev = a.byChange.get(key);
    if (ev === undefined) {
      const picked = a.deps.affected(change).map((k) => a.compiled[k]);
      ev = picked.length ? r.segmentSingle.prepare(picked) : null;
      if (a.byChange.size >= MAX_CHANGE_KINDS) a.byChange.clear();
      a.byChange.set(key, ev);
    }
    return ev;
  }

  /** Forgets everything (tests and tools that rewrite rules behind the version's back). */
  clear(): void {
    this.accounts.clear();
  }
}
