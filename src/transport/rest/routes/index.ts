import { Route } from '../route';
import { serviceRoutes } from './service';
import { accountRoutes } from './account';
import { contactRoutes } from './contacts';
import { addressBookRoutes } from './addressBooks';
import { dataFieldRoutes } from './dataFields';
import { sendRoutes } from './sends';
import { campaignRoutes } from './campaigns';
import { campaignReportRoutes } from './campaignReports';
import { activityRoutes } from './activities';
import { surveyRoutes } from './surveys';
import { segmentRoutes } from './segments';
import { importRoutes } from './imports';
import { transactionalDataRoutes } from './transactionalData';
import { templateRoutes } from './templates';
import { fromAddressRoutes } from './fromAddresses';
import { smsRoutes } from './sms';
import { outboxRoutes } from './outbox';
import { campaignCopyRoutes } from './campaignCopies';
import { fileRoutes } from './files';
import { splitTestRoutes } from './splitTests';
import { programRoutes } from './programs';

/**
 * The REST route table: every route under /v2, in mounting order (Express tries them in this order, so a literal
 * path such as `/campaigns/send/:id` comes before a template that would also match it, `/campaigns/:id/opens`).
 * The router mounts it, the OpenAPI document and the XML answers are built from it.
 */
export const REST_ROUTES: readonly Route[] = [
  ...serviceRoutes,
  ...accountRoutes,
  ...transactionalDataRoutes,
  ...contactRoutes,
  ...addressBookRoutes,
  ...dataFieldRoutes,
  ...sendRoutes,
  ...campaignReportRoutes,
  ...campaignRoutes,
  ...activityRoutes,
  ...surveyRoutes,
  ...segmentRoutes,
  ...importRoutes,
  ...templateRoutes,
  ...fromAddressRoutes,
  ...smsRoutes,
  ...outboxRoutes,
  ...campaignCopyRoutes,
  ...fileRoutes,
  ...splitTestRoutes,
  ...programRoutes,
];
