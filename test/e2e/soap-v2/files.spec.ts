import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { loginStrictV2, vendorClient } from '../../helpers/vendorClients';
import { GIF, HTML, PDF, PNG, SVG } from '../../helpers/files';
import { FILE_MAX_BYTES } from '../../../src/domain/files';

type Client = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// Documents, images and campaign attachments through a node-soap client generated from the VENDOR's v2 WSDL: folder
// trees, uploads checked by content and size, the image served back at the URL the answer gives, attachments, and one
// account never seeing another's folders or files.

describe('SOAP v2 documents and images with a client from the vendor WSDL', () => {
  let app: TestApp;
  let login: TestLogin;
  let client: Client;
  let other: Client;
  const invalid: string[] = [];
  const make = async (l: TestLogin) => {
    const c = await vendorClient('v2', 'files', app.baseUrl);
    loginStrictV2(c, l, invalid);
    return c;
  };
  before(async () => {
    app = await startApp();
    login = await app.newAccount();
    client = await make(login);
    other = await make(await app.newAccount());
  });
  afterEach(() => expect(invalid, 'responses valid against the schema').to.deep.equal([]));
  after(() => app.close());

  const call = async (c: Client, op: string, args: object = {}): Promise<any> => (await c[`${op}Async`](args))[0]?.[`${op}Result`];
  const fails = async (c: Client, op: string, args: object, token: string): Promise<void> => {
    let err: any;
    try {
      await c[`${op}Async`](args);
    } catch (e) {
      err = e;
    }
    expect(err, `${op} should fail`).to.exist;
    expect(err.root?.Envelope?.Body?.Fault?.faultstring).to.match(new RegExp(`${token}$`));
  };
  const items = (v: any, name: string): any[] => (v?.[name] ? [].concat(v[name]) : []);

  it('CreateImageFolder / GetImageFolders / GetImageFolderById: a tree per account', async () => {
    const top = await call(client, 'CreateImageFolder', { folderId: 0, folder: { Name: 'Shop' } });
    expect(top).to.include({ Name: 'Shop' });
    const sub = await call(client, 'CreateImageFolder', { folderId: top.Id, folder: { Name: 'Banners' } });
    const tree = items(await call(client, 'GetImageFolders'), 'ApiImageFolder');
    expect(tree.map((f) => f.Name)).to.deep.equal(['Shop']);
    expect(items(tree[0].ChildFolders, 'ApiImageFolder').map((f) => f.Id)).to.deep.equal([sub.Id]);
    const byId = await call(client, 'GetImageFolderById', { folderId: top.Id });
    expect(byId.Name).to.equal('Shop');
    expect(items(byId.ChildFolders, 'ApiImageFolder')[0].Name).to.equal('Banners');
    await fails(client, 'CreateImageFolder', { folderId: top.Id, folder: { Name: 'banners' } }, 'ERROR_FOLDER_INVALID');
    // Another account sees none of it.
    expect(items(await call(other, 'GetImageFolders'), 'ApiImageFolder')).to.deep.equal([]);
    await fails(other, 'GetImageFolderById', { folderId: top.Id }, 'ERROR_FOLDER_NOT_FOUND');
    await fails(other, 'CreateImageFolder', { folderId: top.Id, folder: { Name: 'x' } }, 'ERROR_FOLDER_NOT_FOUND');
  });

  it('UploadImage: stored, and served back at its Path with the recognised type and nosniff', async () => {
    const folder = await call(client, 'CreateImageFolder', { folderId: 0, folder: { Name: 'Logos' } });
    const img = await call(client, 'UploadImage', { folderId: folder.Id, filename: 'logo.png', data: PNG.toString('base64') });
    expect(img).to.include({ Name: 'logo' });
    expect(img.Path).to.match(new RegExp(`^${app.baseUrl}/v2/images/[A-Za-z0-9_-]{32}/logo\\.png$`));
    const res = await fetch(img.Path);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('image/png');
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).to.equal(true);
    // The type comes from the bytes: a GIF named .png is served as a GIF.
    const gif = await call(client, 'UploadImage', { folderId: 0, filename: 'really-a-gif.png', data: GIF.toString('base64') });
    expect((await fetch(gif.Path)).headers.get('content-type')).to.equal('image/gif');
    // A made-up key is a 404.
    expect((await fetch(img.Path.replace(/images\/[^/]+/, 'images/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'))).status).to.equal(404);
  });

  it('UploadImage refuses what is not an allowed image by content (HTML named .png, SVG), and another account\'s folder', async () => {
    await fails(client, 'UploadImage', { folderId: 0, filename: 'x.png', data: HTML.toString('base64') }, 'ERROR_FILE_TYPE_NOT_ALLOWED');
    await fails(client, 'UploadImage', { folderId: 0, filename: 'x.svg', data: SVG.toString('base64') }, 'ERROR_FILE_TYPE_NOT_ALLOWED');
    await fails(client, 'UploadImage', { folderId: 0, filename: 'x.png', data: PDF.toString('base64') }, 'ERROR_FILE_TYPE_NOT_ALLOWED');
    const mine = await call(client, 'CreateImageFolder', { folderId: 0, folder: { Name: 'Private' } });
    await fails(other, 'UploadImage', { folderId: mine.Id, filename: 'x.png', data: PNG.toString('base64') }, 'ERROR_FOLDER_NOT_FOUND');
  });

  it('UploadDocument over the size cap is refused before decoding (FILE_TOO_LARGE), at the cap it is taken', async () => {
    const big = Buffer.alloc(FILE_MAX_BYTES + 3, 0x20);
    PDF.copy(big);
    await fails(client, 'UploadDocument', { folderId: 0, filename: 'big.pdf', data: big.toString('base64') }, 'ERROR_FILE_TOO_LARGE');
    // Text that is not even base64, but too long: refused by its length, so it was never decoded.
    await fails(client, 'UploadDocument', { folderId: 0, filename: 'big.pdf', data: '*'.repeat(FILE_MAX_BYTES * 2) }, 'ERROR_FILE_TOO_LARGE');
    await fails(client, 'UploadDocument', { folderId: 0, filename: 'small.pdf', data: '****' }, 'ERROR_PARAMETER_INVALID');
    const max = big.subarray(0, FILE_MAX_BYTES);
    const d = await call(client, 'UploadDocument', { folderId: 0, filename: 'max.pdf', data: max.toString('base64') });
    expect(d.FileSize).to.equal(FILE_MAX_BYTES);
  });

  it('CreateDocumentFolder / GetDocumentFolders / UploadDocument / GetDocuments', async () => {
    const f = await call(client, 'CreateDocumentFolder', { folderId: 0, folder: { Name: 'Terms' } });
    const sub = await call(client, 'CreateDocumentFolder', { folderId: f.Id, folder: { Name: '2030' } });
    const tree = items(await call(client, 'GetDocumentFolders'), 'ApiDocumentFolder');
    expect(tree.map((x) => x.Name)).to.deep.equal(['Terms']);
    expect(items(tree[0].ChildFolders, 'ApiDocumentFolder')[0]).to.include({ Id: sub.Id, Name: '2030' });
    const d = await call(client, 'UploadDocument', { folderId: sub.Id, filename: 'terms.pdf', data: PDF.toString('base64') });
    expect(d).to.include({ Name: 'terms', FileName: 'terms.pdf', FileSize: PDF.length });
    const txt = await call(client, 'UploadDocument', { folderId: sub.Id, filename: 'notes.txt', data: Buffer.from('plain notes\n').toString('base64') });
    expect(items(await call(client, 'GetDocuments', { folderId: sub.Id }), 'ApiDocument').map((x) => x.Id)).to.deep.equal([d.Id, txt.Id]);
    await fails(client, 'UploadDocument', { folderId: sub.Id, filename: 'page.html', data: HTML.toString('base64') }, 'ERROR_FILE_TYPE_NOT_ALLOWED');
    await fails(other, 'GetDocuments', { folderId: sub.Id }, 'ERROR_FOLDER_NOT_FOUND');
  });

  it('parity: what one dialect stores the other reads back the same (folders, documents, images, attachments)', async () => {
    const rest = new RestClient(app.baseUrl, login);
    const folder = (await rest.post('/v2/document-folders/0', { name: 'Parity' })).body;
    const viaSoap = await call(client, 'UploadDocument', { folderId: folder.id, filename: 'a.pdf', data: PDF.toString('base64') });
    const viaRest = (await rest.post(`/v2/document-folders/${folder.id}/documents`, { fileName: 'b.txt', data: Buffer.from('b').toString('base64') })).body;
    const restList = (await rest.get(`/v2/document-folders/${folder.id}/documents`)).body;
    const soapList = items(await call(client, 'GetDocuments', { folderId: folder.id }), 'ApiDocument');
    const same = (d: any) => [d.id ?? d.Id, d.name ?? d.Name, d.fileName ?? d.FileName, d.fileSize ?? d.FileSize, new Date(d.dateCreated ?? d.DateCreated).getTime()];
    expect(restList.map(same)).to.deep.equal(soapList.map(same));
    expect(restList.map((d: any) => d.id)).to.deep.equal([viaSoap.Id, viaRest.id]);
    const img = await call(client, 'UploadImage', { folderId: 0, filename: 'p.png', data: PNG.toString('base64') });
    const restImg = (await rest.post('/v2/image-folders/0/images', { fileName: 'p.png', data: PNG.toString('base64') })).body;
    expect(new URL(img.Path).pathname.split('/').slice(0, 3)).to.deep.equal(new URL(restImg.path).pathname.split('/').slice(0, 3));
    const campaign = (await rest.post('/v2/campaigns', { name: 'Parity' })).body.id;
    await call(client, 'AttachDocumentToCampaign', { campaignId: campaign, document: { Id: viaRest.id } });
    expect((await rest.get(`/v2/campaigns/${campaign}/attachments`)).body.map(same)).to.deep.equal([same(viaRest)]);
    expect(items(await call(client, 'GetDocumentFolders'), 'ApiDocumentFolder').map((f) => f.Id)).to.include(folder.id);
  });

  it('AttachDocumentToCampaign / GetCampaignAttachments / DetachDocumentFromCampaign', async () => {
    const campaign = await call(client, 'CreateCampaign', { apiCampaign: { Name: 'With terms', Subject: 'S', FromName: 'A', HtmlContent: '<p/>', PlainTextContent: 'p' } });
    const d = await call(client, 'UploadDocument', { folderId: 0, filename: 'leaflet.pdf', data: PDF.toString('base64') });
    await call(client, 'AttachDocumentToCampaign', { campaignId: campaign.Id, document: { Id: d.Id } });
    await call(client, 'AttachDocumentToCampaign', { campaignId: campaign.Id, document: { Id: d.Id } }); // again: no change
    expect(items(await call(client, 'GetCampaignAttachments', { campaignId: campaign.Id }), 'ApiDocument').map((x) => x.FileName)).to.deep.equal(['leaflet.pdf']);
    await fails(other, 'AttachDocumentToCampaign', { campaignId: campaign.Id, document: { Id: d.Id } }, 'ERROR_CAMPAIGN_NOT_FOUND');
    await fails(client, 'AttachDocumentToCampaign', { campaignId: campaign.Id, document: { Id: 999999 } }, 'ERROR_DOCUMENT_NOT_FOUND');
    await call(client, 'DetachDocumentFromCampaign', { campaignId: campaign.Id, documentId: d.Id });
    expect(items(await call(client, 'GetCampaignAttachments', { campaignId: campaign.Id }), 'ApiDocument')).to.deep.equal([]);
    await fails(client, 'DetachDocumentFromCampaign', { campaignId: campaign.Id, documentId: d.Id }, 'ERROR_DOCUMENT_NOT_FOUND');
  });
});
