import { Knex } from 'knex';
import { ReplyAction } from '../../domain/campaign';
import { Template } from '../../domain/template';

/** Columns a template is written with. */
export type TemplateWrite = Omit<Template, 'id' | 'createdAt' | 'updatedAt'>;

/** SQL for campaign templates (every query scoped by account). */
export class TemplateRepo {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /** Inserts a template; returns its id. */
  async create(accountId: number, t: TemplateWrite, now: number): Promise<number> {
    const [id] = await this.db('templates').insert({ account_id: accountId, ...cols(t), created_at: now, updated_at: now });
    return Number(id);
  }

  /** Replaces a template's columns. */
  async update(accountId: number, id: number, t: TemplateWrite, now: number): Promise<void> {
    await this.db('templates').where({ account_id: accountId, id }).update({ ...cols(t), updated_at: now });
  }

  /** One template of the account. */
  async get(accountId: number, id: number): Promise<Template | undefined> {
    const r = await this.db('templates').where({ account_id: accountId, id }).first();
    return r ? toTemplate(r) : undefined;
  }

  /** The account's templates by id with paging. */
  async list(accountId: number, q: { skip: number; select: number }): Promise<Template[]> {
    const rows = await this.db('templates').where({ account_id: accountId }).orderBy('id').limit(q.select).offset(q.skip);
    return rows.map(toTemplate);
  }
}

function cols(t: TemplateWrite): Record<string, unknown> {
  return {
    name: t.name,
    subject: t.subject,
    from_name: t.fromName,
    html_content: t.htmlContent,
    plain_text_content: t.plainTextContent,
    reply_action: t.replyAction,
    reply_to_address: t.replyToAddress,
  };
}

function toTemplate(r: Record<string, unknown>): Template {
  return {
    id: Number(r.id),
    name: String(r.name),
    subject: (r.subject as string | null) ?? null,
    fromName: (r.from_name as string | null) ?? null,
    htmlContent: (r.html_content as string | null) ?? null,
    plainTextContent: (r.plain_text_content as string | null) ?? null,
    replyAction: r.reply_action as ReplyAction,
    replyToAddress: (r.reply_to_address as string | null) ?? null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
