import { DomainError } from '../domain/errors';
import { isTransientDbError, TRANSIENT_TEXT } from '../db/store';

/**
 * A transient database error (deadlock, lock wait timeout, lost connection) that escaped a retry or happened outside
 * a transaction, as the 503 domain error transports answer; undefined for anything else.
 */
export function transientAsDomain(e: unknown): DomainError | undefined {
  return isTransientDbError(e) ? new DomainError('SYSTEM_SERVICETEMPORARILYUNAVAILABLE', TRANSIENT_TEXT) : undefined;
}
