import { Services } from '../../src/services';

/** The state of one account as parity tests compare it: fields, books, contacts with data and books, unsubscribes. */
export async function accountState(s: Services, accountId: number): Promise<unknown> {
  const fields = (await s.dataFields.list(accountId)).map(({ id: _id, ...f }) => f);
  const books = (await s.addressBooks.list(accountId, {})).map(({ id: _id, createdAt: _c, ...b }) => b);
  const contacts = await s.contacts.list(accountId, { withFullData: true });
  const shaped = await Promise.all(
    contacts.map(async ({ id, createdAt: _c, updatedAt: _u, ...c }) => ({
      ...c,
      books: (await s.addressBooks.booksForContact(accountId, id, {})).map((b) => b.name),
    })),
  );
  const unsubscribed = (await s.contacts.listUnsubscribed(accountId, 0, {})).map((x) => [x.contact.email, x.reason, x.dateRemoved]);
  return { fields, books, contacts: shaped, unsubscribed };
}
