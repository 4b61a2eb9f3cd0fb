import { Clock } from '../lib/clock';
import { REPLY_ACTIONS } from '../domain/campaign';
import { isValidEmail } from '../domain/contact';
import { matchEnum } from '../domain/enums';
import { DomainError } from '../domain/errors';
import { Template, templateContent, templateText, TEMPLATE_NAME_MAX, TEMPLATE_TEXT_MAX } from '../domain/template';
import { Repos, Store } from '../db/store';
import { TemplateWrite } from '../db/repos/templates';
import { page } from './paging';

/** Template fields as a caller sends them (ApiTemplate, any dialect); checked here once. */
export interface TemplateInput {
  name?: unknown;
  subject?: unknown;
  fromName?: unknown;
  htmlContent?: unknown;
  plainTextContent?: unknown;
  replyAction?: unknown;
  replyToAddress?: unknown;
}

/** Campaign templates (v2 SOAP CreateTemplate/UpdateTemplate/GetTemplateById/GetTemplates, REST /v2/templates). */
export class TemplateService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly maxSelect: number,
  ) {}

  /** Creates a template: a name (1..255 characters) is required; contents are capped at 1,000,000 bytes each. */
  async create(accountId: number, input: TemplateInput): Promise<Template> {
    const w = merge(undefined, input);
    return this.store.tx(async (r) => {
      const id = await r.templates.create(accountId, w, this.clock.now());
      return (await r.templates.get(accountId, id))!;
    });
  }

  /** Updates a template: given fields replace, absent ones keep their value. */
  async update(accountId: number, id: unknown, input: TemplateInput): Promise<Template> {
    return this.store.tx(async (r) => {
      const t = await this.mustGet(r, accountId, id);
      await r.templates.update(accountId, t.id, merge(t, input), this.clock.now());
      return (await r.templates.get(accountId, t.id))!;
    });
  }

  /** One template of the account. */
  async get(accountId: number, id: unknown): Promise<Template> {
    return this.mustGet(this.store.repos, accountId, id);
  }

  /** The account's templates, by id, with paging. */
  async list(accountId: number, o: { select?: unknown; skip?: unknown }): Promise<Template[]> {
    return this.store.repos.templates.list(accountId, page(o.select, o.skip, this.maxSelect));
  }

  private async mustGet(r: Repos, accountId: number, id: unknown): Promise<Template> {
    const n = typeof id === 'string' && /^\d{1,10}$/.test(id.trim()) ? Number(id) : id;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 2_147_483_647) throw new DomainError('TEMPLATE_NOT_FOUND');
    const t = await r.templates.get(accountId, n);
    if (!t) throw new DomainError('TEMPLATE_NOT_FOUND');
    return t;
  }
}

function replyTo(v: unknown): string | null {
  const s = templateText(v, 'ReplyToAddress', 254);
  if (s === null || s.trim() === '') return null;
  if (!isValidEmail(s.trim())) throw new DomainError('TEMPLATE_INVALID', 'ReplyToAddress is not a valid email address.');
  return s.trim();
}

/** Applies caller input to a template (absent fields keep their value); every check runs before any write. */
function merge(t: Template | undefined, i: TemplateInput): TemplateWrite {
  const name = i.name === undefined ? t?.name : templateText(i.name, 'Name', 10_000)?.trim();
  if (!name) throw new DomainError('TEMPLATE_INVALID', 'A template needs a name.');
  if (name.length > TEMPLATE_NAME_MAX) throw new DomainError('TEMPLATE_INVALID', `Name is longer than ${TEMPLATE_NAME_MAX} characters.`);
  const replyAction = i.replyAction === undefined || i.replyAction === null ? (t?.replyAction ?? 'Unset') : matchEnum(REPLY_ACTIONS, i.replyAction);
  if (!replyAction) throw new DomainError('TEMPLATE_INVALID', `ReplyAction must be one of ${REPLY_ACTIONS.join(', ')}.`);
  const keep = (v: unknown, fn: (x: unknown) => string | null, prev: string | null | undefined) => (v === undefined ? (prev ?? null) : fn(v));
  return {
    name,
    subject: keep(i.subject, (v) => templateText(v, 'Subject', TEMPLATE_TEXT_MAX), t?.subject),
    fromName: keep(i.fromName, (v) => templateText(v, 'FromName', TEMPLATE_TEXT_MAX), t?.fromName),
    htmlContent: keep(i.htmlContent, (v) => templateContent(v, 'HtmlContent'), t?.htmlContent),
    plainTextContent: keep(i.plainTextContent, (v) => templateContent(v, 'PlainTextContent'), t?.plainTextContent),
    replyAction,
    replyToAddress: keep(i.replyToAddress, replyTo, t?.replyToAddress),
  };
}
