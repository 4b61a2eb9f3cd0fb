import { ActivityDetail, ActivityType, REPLY_TYPES, ROI_DATA_TYPES, RoiDataType } from '../domain/activity';
import { matchEnum } from '../domain/enums';
import { DomainError } from '../domain/errors';
import { dateArg } from './paging';

/** The type-specific members of an ingested event, checked (PARAMETER_INVALID names the member). */
export interface DetailInput {
  /** click: the link group of the clicked link. */
  linkGroup?: unknown;
  /** reply: Reply (default), AutoReply, ChallengeResponse or Unsafe. */
  replyType?: unknown;
  /** reply: subject line and message body. */
  subject?: unknown;
  message?: unknown;
  /** roi: the marker's name, its value and the value's type (String, Numeric, Date, Boolean; inferred when absent). */
  marker?: unknown;
  value?: unknown;
  valueType?: unknown;
  /** socialBookmarkView: the bookmark (network) name. */
  bookmark?: unknown;
}

/** Reads the details an event of the given type carries; members of other types are ignored. */
export function activityDetail(type: ActivityType, e: DetailInput): Partial<ActivityDetail> {
  switch (type) {
    case 'click':
      return { linkGroup: text(e.linkGroup, 'linkGroup', 200) };
    case 'reply': {
      const replyType = e.replyType === undefined || e.replyType === null ? 'Reply' : matchEnum(REPLY_TYPES, e.replyType);
      if (!replyType) throw new DomainError('PARAMETER_INVALID', `replyType must be one of ${REPLY_TYPES.join(', ')}.`);
      return { name: replyType, subject: text(e.subject, 'subject', 500), message: text(e.message, 'message', 100_000) };
    }
    case 'roi': {
      const marker = text(e.marker, 'marker', 200);
      if (!marker) throw new DomainError('PARAMETER_INVALID', 'marker is required for roi events (1 to 200 characters).');
      return { name: marker, ...roiValue(e.value, e.valueType) };
    }
    case 'socialBookmarkView': {
      const bookmark = text(e.bookmark, 'bookmark', 200);
      if (!bookmark) throw new DomainError('PARAMETER_INVALID', 'bookmark is required for socialBookmarkView events (1 to 200 characters).');
      return { name: bookmark };
    }
    default:
      return {};
  }
}

function text(v: unknown, name: string, max: number): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' && typeof v !== 'number') throw new DomainError('PARAMETER_INVALID', `${name} must be text.`);
  const s = String(v).trim();
  if (s.length > max) throw new DomainError('PARAMETER_INVALID', `${name} must be at most ${max} characters.`);
  return s === '' ? null : s;
}

/** An ROI value as stored text with its data type; the type is inferred from a JSON value when not given. */
function roiValue(v: unknown, t: unknown): { value: string; valueType: RoiDataType } {
  const given = t === undefined || t === null ? undefined : matchEnum(ROI_DATA_TYPES, t);
  if (t !== undefined && t !== null && !given) throw new DomainError('PARAMETER_INVALID', `valueType must be one of ${ROI_DATA_TYPES.join(', ')}.`);
  if (v === undefined || v === null || v === '') throw new DomainError('PARAMETER_INVALID', 'value is required for roi events.');
  const type: RoiDataType = given ?? (typeof v === 'number' ? 'Numeric' : typeof v === 'boolean' ? 'Boolean' : 'String');
  switch (type) {
    case 'Numeric': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
      if (!Number.isFinite(n) || Math.abs(n) >= 1e15) throw new DomainError('PARAMETER_INVALID', 'value must be a number for a Numeric roi value.');
      return { value: String(n), valueType: type };
    }
    case 'Boolean': {
      const b = v === true || v === 'true' || v === 'True' ? true : v === false || v === 'false' || v === 'False' ? false : undefined;
      if (b === undefined) throw new DomainError('PARAMETER_INVALID', 'value must be true or false for a Boolean roi value.');
      return { value: String(b), valueType: type };
    }
    case 'Date':
      return { value: new Date(dateArg(v, 'value')).toISOString(), valueType: type };
    default: {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new DomainError('PARAMETER_INVALID', 'value must be text.');
      const s = String(v);
      if (s.length > 500) throw new DomainError('PARAMETER_INVALID', 'value must be at most 500 characters.');
      return { value: s, valueType: type };
    }
  }
}
