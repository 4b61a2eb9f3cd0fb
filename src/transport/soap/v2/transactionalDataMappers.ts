import { Actor } from '../../../services/accounts';
import { TransportServices } from '../../../services';
import { TxData, TxDataInput, TxImportReport } from '../../../services/transactionalData';
import { SoapCall, SoapHandler } from '../shared/endpoint';
import { Decoded } from '../shared/decode';

// v2 SOAP wire names of transactional data (issue #19) live only here; no logic beyond mapping.

type Rec = Record<string, unknown>;

function obj(v: unknown): Decoded {
  return v && typeof v === 'object' && !Buffer.isBuffer(v) && !Array.isArray(v) ? (v as Decoded) : (Object.create(null) as Decoded);
}

/** ApiTransactionalData in, as the shared service's input. */
export function txDataIn(v: unknown): TxDataInput {
  const x = obj(v);
  return { key: x.Key, contactIdentifier: x.ContactIdentifier, json: x.Json };
}

/** ApiTransactionalData out. */
export function txDataOut(d: TxData): Rec {
  return { Key: d.key, ContactIdentifier: d.contactIdentifier, Json: d.json };
}

/** ApiTransactionalDataImportReport out (schema order). */
export function txReportOut(r: TxImportReport): Rec {
  return {
    TotalItems: r.totalItems,
    TotalImported: r.totalImported,
    TotalRejected: r.totalRejected,
    Faults: r.faults.map((f) => ({ Key: f.key, Reason: f.reason })),
  };
}

/** The v2 transactional-data operations, mapped onto the shared transactional-data service. */
export function v2TransactionalDataHandlers(s: TransportServices): Record<string, SoapHandler<Actor>> {
  type C = SoapCall<Actor>;
  const acc = (c: C) => c.actor.accountId;
  const t = s.transactionalData;
  return {
    AddTransactionalData: async (c) => {
      await t.add(acc(c), c.args.dataCollection, txDataIn(c.args.transactionalData));
    },
    ImportTransactionalData: async (c) => {
      const list = Array.isArray(c.args.transactionalData) ? (c.args.transactionalData as unknown[]) : [];
      return (await t.startImport(acc(c), c.args.dataCollection, list.map(txDataIn), 'v2')).id;
    },
    GetTransactionalDataProgress: async (c) => (await t.importStatus(acc(c), c.args.importId)).status,
    GetTransactionalDataImportReport: async (c) => txReportOut(await t.importReport(acc(c), c.args.importId)),
    DeleteTransactionalDataByKey: async (c) => t.deleteByKey(acc(c), c.args.dataCollection, c.args.key),
    DeleteTransactionalDataByContact: async (c) => t.deleteByContact(acc(c), c.args.dataCollection, c.args.contactIdentifier),
    GetTransactionalDataByKey: async (c) => txDataOut(await t.getByKey(acc(c), c.args.dataCollection, c.args.key)),
    GetTransactionalDataByContact: async (c) => (await t.byContact(acc(c), c.args.dataCollection, c.args.contactIdentifier)).map(txDataOut),
    ReplaceTransactionalDataByKey: async (c) => {
      await t.replace(acc(c), c.args.dataCollection, c.args.key, c.args.json);
    },
  };
}
