import { Clock } from '../lib/clock';
import { checkSmsMessage, normaliseTelephone } from '../domain/sms';
import { Store } from '../db/store';

/**
 * Single SMS messages (v1 SendSingleSMSMessage, v2 SendSingleSmsMessage, REST POST /v2/sms-messages/send-to/{number}).
 * The gateway has no SMS transport: a checked message is recorded in the outbox (kind `sms`, the E.164 number, payload
 * `{message}`) for a delivery worker (docs/outbox.md), and the call answers as the vendor did (nothing).
 */
export class SmsService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Checks the number and the message (both before any write) and records the SMS; returns its outbox row id. */
  async send(accountId: number, telephoneNumber: unknown, message: unknown): Promise<number> {
    const telephone = normaliseTelephone(telephoneNumber);
    const text = checkSmsMessage(message);
    return this.store.repos.outbox.add({ accountId, kind: 'sms', telephone, payload: { message: text } }, this.clock.now());
  }
}
