import { actorOf } from '../auth';
import { ci } from '../input';
import { ref } from '../openapiSchemas';
import { Route } from '../route';

/** The vendor's single-SMS route: the message is checked and recorded in the outbox (no SMS transport here); 204. */
export const smsRoutes: Route[] = [
  {
    method: 'post', path: '/sms-messages/send-to/:telephoneNumber', kind: 'vendor', tag: 'SMS',
    summary: 'Send a single SMS (`{"message"}`, at most 160 characters) to an international number (+ and 8 to 15 digits); recorded in the outbox.',
    body: ref('ApiSms'), ok: [204],
    handler: async (req, res, { s }) => {
      await s.sms.send(actorOf(res).accountId, req.params.telephoneNumber, ci(req.body).get('message'));
      res.status(204).end();
    },
  },
];
