/** The fourteen counters of an import report (ApiContactImportReport / v1 APIImportReport). */
export interface ImportReport {
  newContacts: number;
  updatedContacts: number;
  globallySuppressed: number;
  invalidEntries: number;
  duplicateEmails: number;
  blocked: number;
  unsubscribed: number;
  hardBounced: number;
  softBounced: number;
  ispComplaints: number;
  mailBlocked: number;
  domainSuppressed: number;
  pendingDoubleOptin: number;
  failures: number;
}

/** The counters in the vendor's schema order. */
export const REPORT_KEYS: ReadonlyArray<keyof ImportReport> = [
  'newContacts',
  'updatedContacts',
  'globallySuppressed',
  'invalidEntries',
  'duplicateEmails',
  'blocked',
  'unsubscribed',
  'hardBounced',
  'softBounced',
  'ispComplaints',
  'mailBlocked',
  'domainSuppressed',
  'pendingDoubleOptin',
  'failures',
];

/** A report with every counter at zero. */
export function emptyReport(): ImportReport {
  return Object.fromEntries(REPORT_KEYS.map((k) => [k, 0])) as unknown as ImportReport;
}

/** Rows written (new or updated contacts) and rows refused (invalid, duplicate, failed) so far, from a report. */
export function reportTotals(r: ImportReport): { imported: number; rejected: number } {
  return { imported: r.newContacts + r.updatedContacts, rejected: r.invalidEntries + r.duplicateEmails + r.failures };
}
