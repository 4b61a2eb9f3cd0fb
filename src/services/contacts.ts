import { Clock } from '../lib/clock';
import { Contact, DataValues, emailKey, isSuppressedStatus, normaliseEmail } from '../domain/contact';
import { buildDataPatch, DataField, FieldValue, fieldValues } from '../domain/dataField';
import {
  AUDIENCE_TYPES,
  AudienceType,
  ContactStatus,
  EMAIL_TYPES,
  EmailType,
  matchEnum,
  OPT_IN_TYPES,
  OptInType,
  ResubscribeResult,
} from '../domain/enums';
import { DomainError } from '../domain/errors';
import { Repos, Store } from '../db/store';
import { ContactWrite } from '../db/repos/contacts';
import { dateArg, page } from './paging';
import { SegmentHooks } from './segmentHooks';
import { contactChange } from './segmentDeps';

/** A contact as sent by a caller; values are checked here, once, for every dialect. */
export interface ContactInput {
  id?: unknown;
  email?: unknown;
  optInType?: unknown;
  emailType?: unknown;
  audienceType?: unknown;
  notes?: unknown;
  /** Values keyed by field name in any case. */
  dataFields?: Record<string, unknown>;
}

/** A contact with its data fields listed for output (absent when the caller did not ask for full data). */
export interface ContactView extends Contact {
  fields?: FieldValue[];
}

/** A suppression-list entry: the contact, when it left, and why. */
export interface Suppression {
  contact: ContactView;
  dateRemoved: number;
  reason: ContactStatus;
}

/** Paging and data options of list calls. */
export interface ListOptions {
  select?: unknown;
  skip?: unknown;
  withFullData?: boolean;
}

/** How a contact reference (from the resubscribe or unsubscribe body) names its contact. */
export interface ContactRef {
  id?: unknown;
  email?: unknown;
}

/** Contacts: single writes (real-time segment update in the same transaction), reads and suppression lists. */
export class ContactService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly hooks: SegmentHooks,
    private readonly maxSelect: number,
  ) {}

  /** One contact by id. */
  async get(accountId: number, id: unknown): Promise<ContactView> {
    const cid = contactId(id);
    const c = await this.store.repos.contacts.getById(accountId, cid);
    if (!c) throw new DomainError('CONTACT_NOT_FOUND');
    return this.view(this.store.repos, accountId, c);
  }

  /** One contact by email (case-insensitive). */
  async getByEmail(accountId: number, email: unknown): Promise<ContactView> {
    const key = typeof email === 'string' ? emailKey(email) : '';
    const c = key ? await this.store.repos.contacts.getByEmailKey(accountId, key) : undefined;
    if (!c) throw new DomainError('CONTACT_NOT_FOUND');
    return this.view(this.store.repos, accountId, c);
  }

  /** One contact by a path value that is either a numeric id or an email address. */
  async getByIdOrEmail(accountId: number, ref: string): Promise<ContactView> {
    // why: the vendor serves /contacts/{id} and /contacts/{email} on one route template and tells them apart by value.
    return /^\d+$/.test(ref) ? this.get(accountId, Number(ref)) : this.getByEmail(accountId, ref);
  }

  /** Creates a contact, or updates the one with the same email (the vendor's create is an upsert by email). */
  async create(accountId: number, input: ContactInput): Promise<ContactView> {
    return this.store.tx(async (r) => {
      const { contact, before } = await this.upsert(r, accountId, input);
      await this.hooks.singleWrite(r, accountId, [contact.id], contactChange(before, contact));
      return this.view(r, accountId, contact);
    });
  }

  /** Updates a contact by id: given fields replace, data fields merge, a new email must stay unique. */
  async update(accountId: number, id: unknown, input: ContactInput): Promise<ContactView> {
    const cid = contactId(id);
    return this.store.tx(async (r) => {
      const existing = await r.contacts.getById(accountId, cid);
      if (!existing) throw new DomainError('CONTACT_NOT_FOUND');
      const fields = await r.dataFields.list(accountId);
      const write = mergeWrite(existing, input, fields);
      if (write.emailKey !== emailKey(existing.email)) {
        const clash = await r.contacts.getByEmailKey(accountId, write.emailKey);
        if (clash && clash.id !== cid) throw new DomainError('NON_UNIQUE_EMAIL');
      }
      const now = this.clock.now();
      await r.contacts.update(accountId, cid, write, now);
      const c = (await r.contacts.getById(accountId, cid))!;
      await this.hooks.singleWrite(r, accountId, [cid], contactChange(existing, c));
      return this.view(r, accountId, c);
    });
  }

  /** Deletes a contact and its memberships. */
  async delete(accountId: number, id: unknown): Promise<void> {
    const cid = contactId(id);
    await this.store.tx(async (r) => {
      // why: segment memberships cascade away with the contact; the hook keeps the member counts exact first.
      await this.hooks.beforeDelete?.(r, accountId, [cid]);
      if (!(await r.contacts.delete(accountId, cid))) throw new DomainError('CONTACT_NOT_FOUND');
      await this.hooks.singleWrite(r, accountId, [cid]);
    });
  }

  /** Every contact, by id, with paging. */
  async list(accountId: number, o: ListOptions): Promise<ContactView[]> {
    const p = page(o.select, o.skip, this.maxSelect);
    return this.views(accountId, await this.store.repos.contacts.list(accountId, p), o.withFullData);
  }

  /** Contacts changed since a time. */
  async listModifiedSince(accountId: number, since: unknown, o: ListOptions & { until?: unknown }): Promise<ContactView[]> {
    const p = page(o.select, o.skip, this.maxSelect);
    const q = { ...p, modifiedSince: dateArg(since, 'startDate'), modifiedUntil: o.until === undefined ? undefined : dateArg(o.until, 'endDate') };
    return this.views(accountId, await this.store.repos.contacts.list(accountId, q), o.withFullData);
  }

  /** Contacts created since a time. */
  async listCreatedSince(accountId: number, since: unknown, o: ListOptions): Promise<ContactView[]> {
    const p = page(o.select, o.skip, this.maxSelect);
    return this.views(accountId, await this.store.repos.contacts.list(accountId, { ...p, createdSince: dateArg(since, 'startDate') }), o.withFullData);
  }

  /** Contacts suppressed (any status but Subscribed) since a time. */
  async listSuppressed(accountId: number, since: unknown, o: ListOptions): Promise<Suppression[]> {
    const p = page(o.select, o.skip, this.maxSelect);
    const rows = await this.store.repos.contacts.listSuppressed(accountId, { since: dateArg(since, 'startDate'), ...p });
    return this.suppressions(accountId, rows, o.withFullData);
  }

  /** Contacts unsubscribed from the account since a time. */
  async listUnsubscribed(accountId: number, since: unknown, o: ListOptions): Promise<Suppression[]> {
    const p = page(o.select, o.skip, this.maxSelect);
    const rows = await this.store.repos.contacts.listSuppressed(accountId, { since: dateArg(since, 'startDate'), ...p, statuses: ['Unsubscribed'] });
    return this.suppressions(accountId, rows, o.withFullData);
  }

  /** Unsubscribes a contact from the whole account (creating a suppressed contact for an unknown email). */
  async unsubscribe(accountId: number, ref: ContactRef): Promise<Suppression> {
    return this.store.tx(async (r) => {
      const now = this.clock.now();
      let c = await this.findByRef(r, accountId, ref, true);
      const before = c;
      if (!c) {
        const email = normaliseEmail(ref.email);
        const id = await r.contacts.insert(accountId, { ...newWrite(email), status: 'Unsubscribed', statusChangedAt: now }, now);
        c = (await r.contacts.getById(accountId, id))!;
      } else if (c.status === 'Subscribed' || c.status === 'PendingOptIn') {
        await r.contacts.update(accountId, c.id, { ...writeOf(c), status: 'Unsubscribed', statusChangedAt: now }, now);
        c = (await r.contacts.getById(accountId, c.id))!;
      }
      await this.hooks.singleWrite(r, accountId, [c.id], contactChange(before, c));
      return { contact: await this.view(r, accountId, c), dateRemoved: c.statusChangedAt ?? now, reason: c.status };
    });
  }

  /** Resubscribes a contact unsubscribed from the account; bounces and complaints cannot be undone. */
  async resubscribe(accountId: number, ref: ContactRef): Promise<{ result: ResubscribeResult; contact?: ContactView }> {
    return this.store.tx(async (r) => {
      const c = await this.findByRef(r, accountId, ref, false);
      return this.resubscribeIn(r, accountId, c!);
    });
  }

  /** The status of the contact with this email. */
  async statusByEmail(accountId: number, email: unknown): Promise<ContactStatus> {
    return (await this.getByEmail(accountId, email)).status;
  }

  /** Creates or updates one contact by email inside a transaction (no hook: callers decide single vs bulk). */
  async upsert(r: Repos, accountId: number, input: ContactInput): Promise<{ contact: Contact; created: boolean; before?: Contact }> {
    const email = normaliseEmail(input.email);
    const fields = await r.dataFields.list(accountId);
    const now = this.clock.now();
    const existing = await r.contacts.getByEmailKey(accountId, emailKey(email));
    if (existing) {
      const write = mergeWrite(existing, { ...input, email }, fields);
      await r.contacts.update(accountId, existing.id, write, now);
      return { contact: (await r.contacts.getById(accountId, existing.id))!, created: false, before: existing };
    }
    const write = mergeWrite(undefined, { ...input, email }, fields);
    const id = await r.contacts.insert(accountId, write, now);
    return { contact: (await r.contacts.getById(accountId, id))!, created: true };
  }

  /** Finds a contact by id or email inside a transaction; throws CONTACT_NOT_FOUND unless allowMissing. */
  async findByRef(r: Repos, accountId: number, ref: ContactRef, allowMissing: boolean): Promise<Contact | undefined> {
    let c: Contact | undefined;
    const id = ref.id === undefined || ref.id === null || ref.id === '' ? undefined : Number(ref.id);
    if (id !== undefined && Number.isInteger(id) && id > 0) c = await r.contacts.getById(accountId, id);
    if (!c && typeof ref.email === 'string' && ref.email.trim()) c = await r.contacts.getByEmailKey(accountId, emailKey(ref.email));
    if (!c && !allowMissing) throw new DomainError('CONTACT_NOT_FOUND');
    if (!c && allowMissing && (typeof ref.email !== 'string' || !ref.email.trim())) throw new DomainError('CONTACT_NOT_FOUND');
    return c;
  }

  /** Resubscribes inside a transaction (shared with the address-book resubscribe). */
  async resubscribeIn(r: Repos, accountId: number, c: Contact): Promise<{ result: ResubscribeResult; contact?: ContactView }> {
    if (c.status === 'Unsubscribed') {
      const now = this.clock.now();
      const before = c;
      await r.contacts.update(accountId, c.id, { ...writeOf(c), status: 'Subscribed', statusChangedAt: now }, now);
      c = (await r.contacts.getById(accountId, c.id))!;
      await this.hooks.singleWrite(r, accountId, [c.id], contactChange(before, c));
    } else if (isSuppressedStatus(c.status)) {
      return { result: 'ContactCannotBeUnsuppressed', contact: await this.view(r, accountId, c) };
    }
    return { result: 'ContactAdded', contact: await this.view(r, accountId, c) };
  }

  /** Adds the full data-field list to a contact. */
  async view(r: Repos, accountId: number, c: Contact, fields?: DataField[]): Promise<ContactView> {
    return { ...c, fields: fieldValues(fields ?? (await r.dataFields.list(accountId)), c.dataFields) };
  }

  /** Adds data-field lists to many contacts when full data was asked for. */
  async views(accountId: number, list: Contact[], withFullData?: boolean): Promise<ContactView[]> {
    if (!withFullData || list.length === 0) return list;
    const fields = await this.store.repos.dataFields.list(accountId);
    return list.map((c) => ({ ...c, fields: fieldValues(fields, c.dataFields) }));
  }

  private async suppressions(accountId: number, rows: Contact[], withFullData?: boolean): Promise<Suppression[]> {
    const views = await this.views(accountId, rows, withFullData);
    return views.map((c) => ({ contact: c, dateRemoved: c.statusChangedAt ?? c.updatedAt, reason: c.status }));
  }
}

/** Parses a contact id argument. */
export function contactId(id: unknown): number {
  const n = typeof id === 'string' && /^\d+$/.test(id.trim()) ? Number(id) : id;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 2 ** 31) throw new DomainError('CONTACT_NOT_FOUND');
  return n;
}

function newWrite(email: string): ContactWrite {
  return {
    email,
    emailKey: emailKey(email),
    optInType: 'Unknown',
    emailType: 'Html',
    audienceType: 'Unknown',
    notes: null,
    status: 'Subscribed',
    statusChangedAt: null,
    dataFields: {},
  };
}

/** The write that reproduces a stored contact (to change one column of it). */
export function writeOf(c: Contact): ContactWrite {
  return {
    email: c.email,
    emailKey: emailKey(c.email),
    optInType: c.optInType,
    emailType: c.emailType,
    audienceType: c.audienceType,
    notes: c.notes,
    status: c.status,
    statusChangedAt: c.statusChangedAt,
    dataFields: c.dataFields,
  };
}

function enumArg<T extends string>(values: readonly T[], v: unknown, name: string): T | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const m = matchEnum(values, v);
  if (!m) throw new DomainError('PARAMETER_INVALID', `${name} must be one of ${values.join(', ')}.`);
  return m;
}

/** Applies caller input to an existing contact (or a new one): given fields replace, data fields merge. */
export function mergeWrite(existing: Contact | undefined, input: ContactInput, fields: DataField[]): ContactWrite {
  const base = existing ? writeOf(existing) : newWrite(normaliseEmail(input.email));
  const email = input.email === undefined || input.email === null ? base.email : normaliseEmail(input.email);
  const optInType = enumArg<OptInType>(OPT_IN_TYPES, input.optInType, 'OptInType') ?? base.optInType;
  const emailType = enumArg<EmailType>(EMAIL_TYPES, input.emailType, 'EmailType') ?? base.emailType;
  const audienceType = enumArg<AudienceType>(AUDIENCE_TYPES, input.audienceType, 'AudienceType') ?? base.audienceType;
  if (input.notes !== undefined && input.notes !== null && typeof input.notes !== 'string') {
    throw new DomainError('PARAMETER_INVALID', 'Notes must be text.');
  }
  const notes = input.notes === undefined ? base.notes : ((input.notes as string | null) ?? null);
  const patch = buildDataPatch(fields, input.dataFields);
  const data: DataValues = { ...base.dataFields };
  if (!existing) {
    for (const f of fields) if (f.defaultValue !== null && f.defaultValue !== undefined) data[f.name] = f.defaultValue;
  }
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete data[k];
    else data[k] = v;
  }
  return { ...base, email, emailKey: emailKey(email), optInType, emailType, audienceType, notes, dataFields: data };
}
