import { Clock } from '../lib/clock';
import { coerceFieldValue, DataField, normaliseFieldName } from '../domain/dataField';
import { DataType, DATA_TYPES, matchEnum, Visibility, VISIBILITIES } from '../domain/enums';
import { DomainError } from '../domain/errors';
import { Store, Repos } from '../db/store';

/** A dependency that keeps a data field from being deleted. */
export interface Dependency {
  type: 'AddressBook' | 'Campaign' | 'Survey';
  objectId: number;
}

/** The result of a delete: deleted or not, and what depends on the field. */
export interface DependencyResult {
  result: boolean;
  dependencies: Dependency[];
}

/** Something that can report which objects use a data field (segments register one). */
export type FieldDependencyFinder = (r: Repos, accountId: number, fieldName: string) => Promise<Dependency[]>;

/** Contact data fields: definitions, validation and deletion with dependency results. */
export class DataFieldService {
  private readonly finders: FieldDependencyFinder[] = [];

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Lets another aggregate (segments, surveys) block deletion of fields it uses. */
  addDependencyFinder(f: FieldDependencyFinder): void {
    this.finders.push(f);
  }

  /** The account's fields in creation order. */
  async list(accountId: number): Promise<DataField[]> {
    return this.store.repos.dataFields.list(accountId);
  }

  /** Creates a field; the name is upper-cased, the default value checked against the type. */
  async create(
    accountId: number,
    input: { name: unknown; type?: unknown; visibility?: unknown; defaultValue?: unknown },
  ): Promise<DataField> {
    const name = normaliseFieldName(input.name);
    const type: DataType | undefined = input.type === undefined || input.type === null ? 'String' : matchEnum(DATA_TYPES, input.type);
    if (!type) throw new DomainError('DATAFIELD_INVALID', `Type must be one of ${DATA_TYPES.join(', ')}.`);
    const visibility: Visibility | undefined =
      input.visibility === undefined || input.visibility === null ? 'Private' : matchEnum(VISIBILITIES, input.visibility);
    if (!visibility) throw new DomainError('DATAFIELD_INVALID', 'Visibility must be Private or Public.');
    let defaultValue;
    try {
      defaultValue = coerceFieldValue({ name, type }, input.defaultValue);
    } catch {
      throw new DomainError('DATAFIELD_INVALID', `The default value does not fit type ${type}.`);
    }
    return this.store.tx(async (r) => {
      if (await r.dataFields.get(accountId, name)) throw new DomainError('NON_UNIQUE_DATAFIELD');
      const id = await r.dataFields.create(accountId, { name, type, visibility, defaultValue }, this.clock.now());
      return { id, name, type, visibility, defaultValue };
    });
  }

  /** Deletes a field unless something depends on it; the values go with it. */
  async delete(accountId: number, rawName: unknown): Promise<DependencyResult> {
    const name = typeof rawName === 'string' ? rawName.trim().toUpperCase() : '';
    return this.store.tx(async (r) => {
      // why: the field to delete is the resource itself, so its absence is "not found", not a bad argument.
      if (!name || !(await r.dataFields.get(accountId, name))) throw new DomainError('DATAFIELD_NOTFOUND', `Data field ${name} does not exist.`, 'notFound');
      const deps: Dependency[] = [];
      for (const f of this.finders) deps.push(...(await f(r, accountId, name)));
      if (deps.length > 0) return { result: false, dependencies: deps };
      await r.dataFields.delete(accountId, name);
      return { result: true, dependencies: [] };
    });
  }
}
