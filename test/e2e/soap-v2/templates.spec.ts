import { expect } from 'chai';
import * as soap from 'soap';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { expectError } from '../../helpers/expect';
import { loginStrictV2, vendorClient } from '../../helpers/vendorClients';

type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// Templates through v2 SOAP clients generated from our WSDL and from the vendor's, and their parity with REST
// /v2/templates: one store, so what one dialect writes the other reads back identically.
const kinds: Array<{ name: string; make: (app: TestApp) => Promise<Client> }> = [
  { name: 'our served WSDL', make: (app) => soap.createClientAsync(`${app.baseUrl}/v2/Api.svc?wsdl`) },
  { name: 'the vendor WSDL', make: (app) => vendorClient('v2', 'templates', app.baseUrl) },
];

for (const kind of kinds) {
  describe(`SOAP v2 templates with a node-soap client from ${kind.name}, and REST parity`, () => {
    let app: TestApp;
    let login: TestLogin;
    let client: Client;
    let api: RestClient;
    const invalid: string[] = [];
    before(async () => {
      app = await startApp();
      login = await app.newAccount();
      api = new RestClient(app.baseUrl, login);
      client = await kind.make(app);
      loginStrictV2(client, login, invalid);
    });
    afterEach(() => expect(invalid, 'responses valid against the schema').to.deep.equal([]));
    after(() => app.close());

    const call = async (op: string, args: object = {}): Promise<any> => (await client[`${op}Async`](args))[0]?.[`${op}Result`];
    const fails = async (op: string, args: object, token: string): Promise<void> => {
      let err: any;
      try {
        await client[`${op}Async`](args);
      } catch (e) {
        err = e;
      }
      expect(err, `${op} should fail`).to.exist;
      expect(err.response?.status).to.equal(500);
      expect(err.root?.Envelope?.Body?.Fault?.faultstring).to.match(new RegExp(` ${token}$`));
    };

    it('CreateTemplate, GetTemplateById, UpdateTemplate, GetTemplates; REST reads the same template', async () => {
      const t = await call('CreateTemplate', {
        template: { Name: 'Welcome', Subject: 'Hello', FromName: 'Acme', HtmlContent: '<p>Hi</p>', PlainTextContent: 'Hi', ReplyAction: 'Webmail', ReplyToAddress: 'reply@acme.example' },
      });
      expect(t.Id).to.be.a('number').greaterThan(0);
      expect(t).to.include({ Name: 'Welcome', Subject: 'Hello', FromName: 'Acme', HtmlContent: '<p>Hi</p>', PlainTextContent: 'Hi', ReplyAction: 'Webmail', ReplyToAddress: 'reply@acme.example' });
      expect(await call('GetTemplateById', { templateId: t.Id })).to.deep.equal(t);
      const u = await call('UpdateTemplate', { template: { Id: t.Id, Name: 'Welcome 2', Subject: 'Hello again', FromName: 'Acme', HtmlContent: '<p>Hi 2</p>', PlainTextContent: 'Hi 2' } });
      expect(u).to.include({ Id: t.Id, Name: 'Welcome 2', Subject: 'Hello again', HtmlContent: '<p>Hi 2</p>', ReplyAction: 'Webmail' });
      await call('CreateTemplate', { template: { Name: 'Second', Subject: null, FromName: null, HtmlContent: null, PlainTextContent: null } });
      const list = await call('GetTemplates', { select: 10, skip: 0 });
      expect(list.ApiTemplate.map((x: { Name: string }) => x.Name)).to.deep.equal(['Welcome 2', 'Second']);
      expect((await call('GetTemplates', { select: 1, skip: 1 })).ApiTemplate.map((x: { Name: string }) => x.Name)).to.deep.equal(['Second']);
      // Parity: REST reads what SOAP wrote, member for member.
      const r = await api.get(`/v2/templates/${t.Id}`);
      expect(r.status, r.text).to.equal(200);
      expect(r.body).to.deep.equal({
        id: t.Id, name: 'Welcome 2', subject: 'Hello again', fromName: 'Acme', htmlContent: '<p>Hi 2</p>', plainTextContent: 'Hi 2', replyAction: 'Webmail', replyToAddress: 'reply@acme.example',
      });
      // ... and SOAP reads what REST wrote.
      const made = await api.post('/v2/templates', { Name: 'From REST', Subject: 'S', HtmlContent: '<b>x</b>', replyAction: 'delete' });
      expect(made.status, made.text).to.equal(201);
      expect(await call('GetTemplateById', { templateId: made.body.id })).to.include({ Id: made.body.id, Name: 'From REST', Subject: 'S', HtmlContent: '<b>x</b>', ReplyAction: 'Delete' });
    });

    it('vendor-style validation: a name is required (at most 255 characters), contents at most 1,000,000 bytes, unknown ids are not found', async () => {
      await fails('CreateTemplate', { template: { Name: '  ', Subject: 's', FromName: 'f', HtmlContent: 'h', PlainTextContent: 'p' } }, 'ERROR_TEMPLATE_INVALID');
      await fails('CreateTemplate', { template: { Name: 'x'.repeat(256), Subject: 's', FromName: 'f', HtmlContent: 'h', PlainTextContent: 'p' } }, 'ERROR_TEMPLATE_INVALID');
      // 500,001 two-byte characters: under the character count, over the byte budget.
      await fails('CreateTemplate', { template: { Name: 'Big', Subject: 's', FromName: 'f', HtmlContent: 'é'.repeat(500_001), PlainTextContent: 'p' } }, 'ERROR_TEMPLATE_INVALID');
      await fails('CreateTemplate', { template: { Name: 'Bad reply', Subject: 's', FromName: 'f', HtmlContent: 'h', PlainTextContent: 'p', ReplyToAddress: 'not-an-address' } }, 'ERROR_TEMPLATE_INVALID');
      await fails('GetTemplateById', { templateId: 99999999 }, 'ERROR_TEMPLATE_NOT_FOUND');
      await fails('UpdateTemplate', { template: { Id: 99999999, Name: 'x', Subject: 's', FromName: 'f', HtmlContent: 'h', PlainTextContent: 'p' } }, 'ERROR_TEMPLATE_NOT_FOUND');
      await fails('GetTemplates', { select: 0, skip: 0 }, 'ERROR_PARAMETER_INVALID');
      // The same checks on REST, with the vendor's JSON error form.
      expectError(await api.post('/v2/templates', { name: '' }), 400, 'ERROR_TEMPLATE_INVALID');
      expectError(await api.put('/v2/templates/99999999', { name: 'x' }), 404, 'ERROR_TEMPLATE_NOT_FOUND');
      expectError(await api.get('/v2/templates/abc'), 404, 'ERROR_TEMPLATE_NOT_FOUND');
      expect((await api.get('/v2/templates')).body.map((t: { name: string }) => t.name)).not.to.include('Big');
    });

    it('another account never sees the templates', async () => {
      const other = await app.newAccount();
      const api2 = new RestClient(app.baseUrl, other);
      expect((await api2.get('/v2/templates')).body).to.deep.equal([]);
      const mine = (await api.get('/v2/templates')).body[0].id;
      expectError(await api2.get(`/v2/templates/${mine}`), 404, 'ERROR_TEMPLATE_NOT_FOUND');
    });
  });
}
