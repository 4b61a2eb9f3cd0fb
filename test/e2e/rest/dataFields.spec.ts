import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { expectError, fieldOf } from '../../helpers/expect';

describe('REST v2: data fields', () => {
  let app: TestApp;
  let api: RestClient;
  before(async () => {
    app = await startApp();
  });
  beforeEach(async () => {
    api = new RestClient(app.baseUrl, await app.newAccount('Fields'));
  });
  after(() => app.close());

  const names = async () => (await api.get('/v2/data-fields')).body.map((f: { name: string }) => f.name);

  it('a new account has the five default String fields, in the vendor shape', async () => {
    const r = await api.get('/v2/data-fields');
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.equal(
      ['FIRSTNAME', 'LASTNAME', 'FULLNAME', 'GENDER', 'POSTCODE'].map((name) => ({ name, type: 'String', visibility: 'Private', defaultValue: null })),
    );
    expect((await api.call('GET', '/v2/data-fields', {})).status).to.equal(200);
  });

  it('POST creates from PascalCase and camelCase: 201 ApiDataField, name upper-cased', async () => {
    const a = await api.post('/v2/data-fields', { Name: 'Shoe_Size', Type: 'Numeric', Visibility: 'Public', DefaultValue: 42 });
    expect(a.status, a.text).to.equal(201);
    expect(a.body).to.deep.equal({ name: 'SHOE_SIZE', type: 'Numeric', visibility: 'Public', defaultValue: 42 });
    const b = await api.post('/v2/data-fields', { name: 'joined', type: 'date', defaultValue: '2020-01-31' });
    expect(b.body).to.deep.equal({ name: 'JOINED', type: 'Date', visibility: 'Private', defaultValue: '2020-01-31T00:00:00.000Z' });
    const c = await api.post('/v2/data-fields', { name: 'OPTED', type: 'Boolean', defaultValue: 'false' });
    expect(c.body).to.deep.equal({ name: 'OPTED', type: 'Boolean', visibility: 'Private', defaultValue: false });
    const d = await api.post('/v2/data-fields', { name: 'NOTE' });
    expect(d.body).to.deep.equal({ name: 'NOTE', type: 'String', visibility: 'Private', defaultValue: null });
    expect(await names()).to.deep.equal(['FIRSTNAME', 'LASTNAME', 'FULLNAME', 'GENDER', 'POSTCODE', 'SHOE_SIZE', 'JOINED', 'OPTED', 'NOTE']);
  });

  it('applies defaults to new contacts only', async () => {
    const old = (await api.post('/v2/contacts', { email: 'before.default@example.com' })).body;
    await api.post('/v2/data-fields', { name: 'TIER', type: 'String', defaultValue: 'bronze' });
    const fresh = await api.post('/v2/contacts', { email: 'after.default@example.com' });
    expect(fieldOf(fresh.body, 'TIER')).to.equal('bronze');
    const given = await api.post('/v2/contacts', { email: 'given.default@example.com', dataFields: [{ key: 'TIER', value: 'gold' }] });
    expect(fieldOf(given.body, 'TIER')).to.equal('gold');
    expect(fieldOf((await api.get(`/v2/contacts/${old.id}`)).body, 'TIER')).to.equal(null);
  });

  it('a duplicate (any case) is 409 "Field already exists. ERROR_NON_UNIQUE_DATAFIELD"', async () => {
    for (const name of ['FIRSTNAME', 'firstName']) {
      const r = await api.post('/v2/data-fields', { name, type: 'String' });
      expectError(r, 409, 'ERROR_NON_UNIQUE_DATAFIELD');
      expect(r.body.message).to.equal('Field already exists. ERROR_NON_UNIQUE_DATAFIELD');
    }
  });

  it('refuses bad names, types, visibilities and defaults with 400 ERROR_DATAFIELD_INVALID', async () => {
    const bad = [
      {},
      { name: '' },
      { name: '1ABC' },
      { name: 'HAS SPACE' },
      { name: 'A'.repeat(21) },
      { name: 'EMAIL' },
      { name: 12 },
      { name: 'OKNAME', type: 'Text' },
      { name: 'OKNAME', type: 1 },
      { name: 'OKNAME', visibility: 'Hidden' },
      { name: 'OKNAME', type: 'Numeric', defaultValue: 'lots' },
      { name: 'OKNAME', type: 'Date', defaultValue: '2021-02-30' },
      { name: 'OKNAME', type: 'Boolean', defaultValue: 'maybe' },
    ];
    for (const body of bad) expectError(await api.post('/v2/data-fields', body), 400, 'ERROR_DATAFIELD_INVALID');
    expect(await names()).not.to.include('OKNAME');
    expectError(await api.call('POST', '/v2/data-fields', '{"name":', { 'Content-Type': 'application/json' }), 400, 'ERROR_BODY_DOES_NOT_MATCH_CONTENT_TYPE');
  });

  it('DELETE removes the field (any case) and its values: 200 ApiDependencyResult; unknown is 404', async () => {
    await api.post('/v2/data-fields', { name: 'TEMP', type: 'Numeric' });
    const c = (await api.post('/v2/contacts', { email: 'temp.value@example.com', dataFields: [{ key: 'TEMP', value: 7 }, { key: 'FIRSTNAME', value: 'T' }] })).body;
    expect(fieldOf(c, 'TEMP')).to.equal(7);
    const r = await api.delete('/v2/data-fields/temp');
    expect(r.status, r.text).to.equal(200);
    expect(r.body).to.deep.equal({ dependencies: [], result: true });
    expect(await names()).not.to.include('TEMP');
    const after = (await api.get(`/v2/contacts/${c.id}`)).body;
    expect(after.dataFields.map((d: { key: string }) => d.key)).not.to.include('TEMP');
    expect(fieldOf(after, 'FIRSTNAME')).to.equal('T');
    expectError(await api.post('/v2/contacts', { email: 'temp.value@example.com', dataFields: [{ key: 'TEMP', value: 1 }] }), 400, 'ERROR_DATAFIELD_NOTFOUND');
    // re-creating the field does not bring the old value back
    await api.post('/v2/data-fields', { name: 'TEMP', type: 'Numeric' });
    expect(fieldOf((await api.get(`/v2/contacts/${c.id}`)).body, 'TEMP')).to.equal(null);
    expectError(await api.delete('/v2/data-fields/NO_SUCH_FIELD'), 404, 'ERROR_DATAFIELD_NOTFOUND');
  });

  it('a default field can be deleted too', async () => {
    const r = await api.delete('/v2/data-fields/POSTCODE');
    expect(r.status).to.equal(200);
    expect(await names()).to.deep.equal(['FIRSTNAME', 'LASTNAME', 'FULLNAME', 'GENDER']);
  });

  it('validates contact values by type on every field type', async () => {
    await api.post('/v2/data-fields', { name: 'N', type: 'Numeric' });
    await api.post('/v2/data-fields', { name: 'D', type: 'Date' });
    await api.post('/v2/data-fields', { name: 'B', type: 'Boolean' });
    const ok = await api.post('/v2/contacts', {
      email: 'values@example.com',
      dataFields: [{ key: 'N', value: '-1.5' }, { key: 'D', value: '2024-02-29T10:11:12Z' }, { key: 'B', value: 0 }, { key: 'GENDER', value: 12 }],
    });
    expect(ok.status, ok.text).to.equal(201);
    expect(fieldOf(ok.body, 'N')).to.equal(-1.5);
    expect(fieldOf(ok.body, 'D')).to.equal('2024-02-29T10:11:12.000Z');
    expect(fieldOf(ok.body, 'B')).to.equal(false);
    expect(fieldOf(ok.body, 'GENDER')).to.equal('12');
    for (const df of [{ key: 'N', value: true }, { key: 'N', value: '1,5' }, { key: 'D', value: '2023-02-29' }, { key: 'D', value: true }, { key: 'B', value: 2 }, { key: 'B', value: 'x' }]) {
      expectError(await api.put(`/v2/contacts/${ok.body.id}`, { dataFields: [df] }), 400, 'ERROR_DATAFIELD_VALUE_INVALID');
    }
    expect((await api.get(`/v2/contacts/${ok.body.id}`)).body).to.deep.equal(ok.body);
  });
});
