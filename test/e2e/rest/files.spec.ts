import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { GIF, HTML, PDF, PNG } from '../../helpers/files';
import { FILE_MAX_BYTES } from '../../../src/domain/files';
import { FileService } from '../../../src/services/files';

// REST documents, images and campaign attachments: the vendor routes, the public image URL and the document download.

describe('REST document folders, image folders and campaign attachments', () => {
  let app: TestApp;
  let api: RestClient;
  let other: RestClient;
  before(async () => {
    app = await startApp();
    api = new RestClient(app.baseUrl, await app.newAccount());
    other = new RestClient(app.baseUrl, await app.newAccount());
  });
  after(() => app.close());
  const b64 = (b: Buffer) => b.toString('base64');

  it('image folders: create at the top and inside, read the tree and one folder; another account gets 404', async () => {
    const top = await api.post('/v2/image-folders/0', { name: 'Shop' });
    expect(top.status).to.equal(201);
    expect(top.body).to.deep.equal({ id: top.body.id, name: 'Shop', childFolders: [] });
    const sub = (await api.post(`/v2/image-folders/${top.body.id}`, { Name: 'Banners' })).body;
    expect((await api.get('/v2/image-folders')).body).to.deep.equal([{ id: top.body.id, name: 'Shop', childFolders: [{ id: sub.id, name: 'Banners', childFolders: [] }] }]);
    expect((await api.get(`/v2/image-folders/${sub.id}`)).body).to.include({ name: 'Banners' });
    expect((await api.get('/v2/image-folders/0')).body.childFolders).to.have.length(1);
    const theirs = await other.get(`/v2/image-folders/${top.body.id}`);
    expect(theirs.status).to.equal(404);
    expect(theirs.body.message).to.match(/ERROR_FOLDER_NOT_FOUND$/);
    expect((await other.get('/v2/image-folders')).body).to.deep.equal([]);
    expect((await other.post(`/v2/image-folders/${top.body.id}/images`, { fileName: 'a.png', data: b64(PNG) })).status).to.equal(404);
  });

  it('an uploaded image is served at its path (no login), with the type of its bytes and nosniff', async () => {
    const r = await api.post('/v2/image-folders/0/images', { fileName: 'pixel.gif', data: b64(GIF) });
    expect(r.status).to.equal(200);
    expect(Object.keys(r.body)).to.deep.equal(['id', 'name', 'path']);
    const got = await fetch(r.body.path);
    expect(got.status).to.equal(200);
    expect(got.headers.get('content-type')).to.equal('image/gif');
    expect(got.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(got.headers.get('content-security-policy')).to.include('sandbox');
    expect(Buffer.from(await got.arrayBuffer()).equals(GIF)).to.equal(true);
  });

  it('uploads are refused by content (HTML named .png), by size before decoding (413), and when not base64', async () => {
    const html = await api.post('/v2/image-folders/0/images', { fileName: 'x.png', data: b64(HTML) });
    expect(html.status).to.equal(400);
    expect(html.body.message).to.match(/ERROR_FILE_TYPE_NOT_ALLOWED$/);
    const big = await api.post('/v2/document-folders/0/documents', { fileName: 'big.pdf', data: '*'.repeat(FILE_MAX_BYTES * 2) });
    expect(big.status).to.equal(413);
    expect(big.body.message).to.match(/ERROR_FILE_TOO_LARGE$/);
    const bad = await api.post('/v2/document-folders/0/documents', { fileName: 'x.pdf', data: '***' });
    expect(bad.status).to.equal(400);
    expect((await api.post('/v2/document-folders/0/documents', { fileName: 'x.pdf' })).status).to.equal(400);
  });

  it('multipart uploads: the file part is stored like a base64 one; over the cap it is refused while streaming', async () => {
    const form = (name: string, data: Buffer) => {
      const boundary = 'xBOUNDARYx';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
        data,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return { body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } };
    };
    const png = form('shot.png', PNG);
    const r = await api.call('POST', '/v2/image-folders/0/images', png.body, png.headers);
    expect(r.status, r.text).to.equal(200);
    expect(r.body.name).to.equal('shot');
    expect(Buffer.from(await (await fetch(r.body.path)).arrayBuffer()).equals(PNG)).to.equal(true);
    const html = form('page.png', HTML);
    expect((await api.call('POST', '/v2/image-folders/0/images', html.body, html.headers)).status).to.equal(400);
    const big = form('big.pdf', Buffer.concat([PDF, Buffer.alloc(FILE_MAX_BYTES)]));
    const tooBig = await api.call('POST', '/v2/document-folders/0/documents', big.body, big.headers);
    expect(tooBig.status).to.equal(413);
    expect(tooBig.body.message).to.match(/^The file is larger than \d+ bytes\. ERROR_REQUEST_TOO_LARGE$/);
  });

  it('an account\'s total storage is capped (FILE_STORAGE_FULL), checked before the file is written', async () => {
    const login = await app.newAccount();
    const small = new FileService(app.services.store, app.services.clock, app.services.campaigns, { maxAccountBytes: PNG.length * 2 });
    await small.upload(login.accountId, 'image', { folderId: 0, fileName: 'a.png', data: b64(PNG) });
    await small.upload(login.accountId, 'image', { folderId: 0, fileName: 'b.png', data: b64(PNG) });
    let err: any;
    await small.upload(login.accountId, 'image', { folderId: 0, fileName: 'c.png', data: b64(PNG) }).catch((e: unknown) => (err = e));
    expect(err?.token).to.equal('ERROR_FILE_STORAGE_FULL');
    expect(await small.files(login.accountId, 'image', 0)).to.have.length(2);
  });

  it('documents: folders, upload, list, download as an attachment; campaign attachments', async () => {
    const f = (await api.post('/v2/document-folders/0', { name: 'Terms' })).body;
    expect((await api.get('/v2/document-folders')).body).to.deep.equal([{ id: f.id, name: 'Terms', childFolders: [] }]);
    const d = await api.post(`/v2/document-folders/${f.id}/documents`, { fileName: 'terms.pdf', data: b64(PDF) });
    expect(d.status).to.equal(200);
    expect(Object.keys(d.body)).to.deep.equal(['id', 'name', 'fileName', 'fileSize', 'dateCreated', 'dateModified']);
    expect((await api.get(`/v2/document-folders/${f.id}/documents`)).body.map((x: { id: number }) => x.id)).to.deep.equal([d.body.id]);
    expect((await other.get(`/v2/document-folders/${f.id}/documents`)).status).to.equal(404);
    const dl = await api.get(`/v2/documents/${d.body.id}/content`);
    expect(dl.status).to.equal(200);
    expect(dl.headers.get('content-type')).to.equal('application/pdf');
    expect(dl.headers.get('content-disposition')).to.match(/^attachment; filename="terms\.pdf"/);
    expect(dl.headers.get('x-content-type-options')).to.equal('nosniff');
    expect((await other.get(`/v2/documents/${d.body.id}/content`)).status).to.equal(404);
    // A text file that looks like HTML is still only ever a text/plain download.
    const t = (await api.post(`/v2/document-folders/${f.id}/documents`, { fileName: 'page.txt', data: b64(HTML) })).body;
    const tdl = await api.get(`/v2/documents/${t.id}/content`);
    expect(tdl.headers.get('content-type')).to.equal('text/plain; charset=utf-8');
    expect(tdl.headers.get('content-disposition')).to.match(/^attachment/);

    const c = (await api.post('/v2/campaigns', { name: 'With terms' })).body;
    const att = await api.post(`/v2/campaigns/${c.id}/attachments`, { id: d.body.id });
    expect(att.status).to.equal(200);
    expect(att.body).to.deep.equal(d.body);
    expect((await api.get(`/v2/campaigns/${c.id}/attachments`)).body).to.deep.equal([d.body]);
    expect((await other.get(`/v2/campaigns/${c.id}/attachments`)).status).to.equal(404);
    expect((await other.post(`/v2/campaigns/${c.id}/attachments`, { id: d.body.id })).status).to.equal(404);
    expect((await api.delete(`/v2/campaigns/${c.id}/attachments/${d.body.id}`)).status).to.equal(204);
    expect((await api.get(`/v2/campaigns/${c.id}/attachments`)).body).to.deep.equal([]);
    expect((await api.delete(`/v2/campaigns/${c.id}/attachments/${d.body.id}`)).status).to.equal(404);
  });
});
