import { Knex } from 'knex';
import { DataField } from '../../domain/dataField';
import { DataType, Visibility } from '../../domain/enums';
import { DataValue } from '../../domain/contact';
import { Dialect } from '../connection';
import { PreparedReads } from '../prepared';
import { fieldPath, parseJson } from '../sql';

/** SQL for data-field definitions. */
export class DataFieldRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
    private readonly fast?: PreparedReads,
  ) {}

  /** The account's fields in creation order. */
  async list(accountId: number): Promise<DataField[]> {
    const rows = this.fast?.rows('select * from data_fields where account_id = ? order by id', [accountId]) ?? (await this.db('data_fields').where({ account_id: accountId }).orderBy('id'));
    return rows.map(toField);
  }

  /** One field by upper-case name. */
  async get(accountId: number, name: string): Promise<DataField | undefined> {
    const r = await this.db('data_fields').where({ account_id: accountId, name }).first();
    return r ? toField(r) : undefined;
  }

  /** Inserts a field; returns its id. */
  async create(
    accountId: number,
    f: { name: string; type: DataType; visibility: Visibility; defaultValue: DataValue },
    now: number,
  ): Promise<number> {
    const [id] = await this.db('data_fields').insert({
      account_id: accountId,
      name: f.name,
      type: f.type,
      visibility: f.visibility,
      default_value: f.defaultValue === null ? null : JSON.stringify(f.defaultValue),
      created_at: now,
    });
    return Number(id);
  }

  /** Deletes a field and removes its value from every contact of the account. */
  async delete(accountId: number, name: string): Promise<boolean> {
    const n = await this.db('data_fields').where({ account_id: accountId, name }).delete();
    if (n > 0) {
      const fn = this.dialect === 'sqlite' ? 'json_remove' : 'JSON_REMOVE';
      await this.db.raw(`update contacts set data = ${fn}(data, ?) where account_id = ?`, [fieldPath(name), accountId]);
    }
    return n > 0;
  }
}

function toField(r: Record<string, unknown>): DataField {
  return {
    id: Number(r.id),
    name: String(r.name),
    type: r.type as DataType,
    visibility: r.visibility as Visibility,
    defaultValue: parseJson<DataValue>(r.default_value, null),
  };
}
