import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';

describe('REST v2 extension: surveys with data-field mapping', () => {
  let app: TestApp;
  let api: RestClient;
  let surveyId: number;
  before(async () => {
    app = await startApp();
    api = new RestClient(app.baseUrl, await app.newAccount());
    await api.post('/v2/data-fields', { name: 'FAVOURITECOLOUR', type: 'String' });
    await api.post('/v2/data-fields', { name: 'AGE', type: 'Numeric' });
    const s = await api.post('/v2/surveys', {
      name: 'Preferences',
      questions: [
        { id: 'colour', text: 'Favourite colour?', dataField: 'favouritecolour' },
        { id: 'age', text: 'Age?', dataField: 'AGE' },
        { id: 'comment', text: 'Anything else?' },
      ],
    });
    expect(s.status).to.equal(201);
    surveyId = s.body.id;
  });
  after(() => app.close());

  it('writes mapped answers into contacts (creating unknown ones) and stores the responses', async () => {
    await api.post('/v2/contacts', { email: 'known@example.com' });
    const r = await api.post(`/v2/surveys/${surveyId}/responses`, [
      { email: 'known@example.com', answers: { colour: 'Blue', age: '41', comment: 'hi' } },
      { email: 'new@example.com', answers: { colour: 'Green' } },
    ]);
    expect(r.status).to.equal(202);
    expect(r.body).to.deep.equal({ accepted: 2, contactsUpdated: 2 });
    const known = (await api.get('/v2/contacts/known@example.com')).body;
    const value = (c: { dataFields: Array<{ key: string; value: unknown }> }, k: string) => c.dataFields.find((d) => d.key === k)?.value;
    expect(value(known, 'FAVOURITECOLOUR')).to.equal('Blue');
    expect(value(known, 'AGE')).to.equal(41);
    expect(value((await api.get('/v2/contacts/new@example.com')).body, 'FAVOURITECOLOUR')).to.equal('Green');
    expect((await api.get(`/v2/surveys/${surveyId}`)).body.responses).to.equal(2);
  });

  it('rejects the whole batch when one answer does not fit its field, and keeps mapped fields from being deleted', async () => {
    const r = await api.post(`/v2/surveys/${surveyId}/responses`, [
      { email: 'ok@example.com', answers: { colour: 'Red' } },
      { email: 'bad@example.com', answers: { age: 'forty' } },
    ]);
    expect(r.status).to.equal(400);
    expect(r.body.message).to.match(/^Response 1: .*ERROR_DATAFIELD_VALUE_INVALID$/);
    expect((await api.get('/v2/contacts/ok@example.com')).status).to.equal(404);
    const del = await api.delete('/v2/data-fields/AGE');
    expect(del.status).to.equal(409);
    expect(del.body).to.deep.equal({ dependencies: [{ type: 'Survey', objectId: surveyId }], result: false });
  });

  it('refuses a question mapped to a missing field and hides other accounts\' surveys', async () => {
    const bad = await api.post('/v2/surveys', { name: 'x', questions: [{ id: 'a', dataField: 'NOPE' }] });
    expect(bad.status).to.equal(400);
    expect(bad.body.message).to.match(/ERROR_DATAFIELD_NOTFOUND$/);
    const other = new RestClient(app.baseUrl, await app.newAccount());
    expect((await other.get(`/v2/surveys/${surveyId}`)).status).to.equal(404);
    expect((await other.post(`/v2/surveys/${surveyId}/responses`, { email: 'x@example.com', answers: {} })).status).to.equal(404);
  });
});
