import { Router } from 'express';
import { Services } from '../../../services';
import { actorOf } from '../auth';
import { ci } from '../input';
import { dependencyOut, fieldOut } from '../mappers';

/** Vendor data-field routes under /v2/data-fields. */
export function mountDataFields(r: Router, s: Services): void {
  r.get('/data-fields', async (_req, res) => {
    res.json((await s.dataFields.list(actorOf(res).accountId)).map(fieldOut));
  });
  r.post('/data-fields', async (req, res) => {
    const b = ci(req.body);
    const f = await s.dataFields.create(actorOf(res).accountId, {
      name: b.get('name'),
      type: b.get('type'),
      visibility: b.get('visibility'),
      defaultValue: b.get('defaultValue'),
    });
    res.status(201).json(fieldOut(f));
  });
  r.delete('/data-fields/:name', async (req, res) => {
    const d = await s.dataFields.delete(actorOf(res).accountId, req.params.name);
    // why: the vendor answered 409 with the dependency list when something still used the field.
    res.status(d.result ? 200 : 409).json(dependencyOut(d));
  });
}
