/** What kind of failure a domain error is; transports map it to an HTTP status or a SOAP faultcode. */
export type ErrorKind =
  | 'invalid' // the caller sent something wrong (400, soap:Client)
  | 'auth' // bad or missing credentials (401)
  | 'forbidden' // authenticated but not allowed (403)
  | 'notFound' // the id does not exist in the caller's account (404)
  | 'conflict' // the request clashes with existing state (409)
  | 'tooLarge' // body or file over the limit (413)
  | 'unsupportedMedia' // a body encoding the gateway refuses, e.g. Content-Encoding: gzip (415)
  | 'rateLimited' // too many calls (429)
  | 'unsupported' // not offered by this gateway (400, soap:Client)
  | 'unavailable'; // a transient server-side condition (503, soap:Server)

/** Stable error codes, each the vendor's `ERROR_*` token without the prefix. */
export const ErrorCodes = {
  PARAMETER_INVALID: { kind: 'invalid', text: 'One of the arguments is invalid.' },
  MALFORMED_REQUEST: { kind: 'invalid', text: 'The request is not formed correctly.' },
  BODY_DOES_NOT_MATCH_CONTENT_TYPE: { kind: 'invalid', text: 'The body of the request does not match its content type.' },
  CONTENT_TYPE_IS_NOT_SUPPORTED: { kind: 'invalid', text: 'The content type is not supported.' },
  INVALID_LOGIN: { kind: 'auth', text: 'The username or password is invalid.' },
  APIUSAGE_EXCEEDED: { kind: 'rateLimited', text: 'Your account has generated excess API activity and is being temporarily capped.' },
  LOGIN_THROTTLED: { kind: 'rateLimited', text: 'Too many failed logins for this user from this address; try again later.' },
  REQUEST_TOO_LARGE: { kind: 'tooLarge', text: 'The request is larger than this gateway accepts.' },
  CONTENT_ENCODING_NOT_SUPPORTED: { kind: 'unsupportedMedia', text: 'Compressed request bodies are not accepted; send the body without Content-Encoding.' },
  CONTACT_INVALID: { kind: 'invalid', text: 'The contact is not valid.' },
  INVALID_EMAIL: { kind: 'invalid', text: 'Email is not a valid email address.' },
  NON_UNIQUE_EMAIL: { kind: 'conflict', text: 'The email address is not unique.' },
  CONTACT_NOT_FOUND: { kind: 'notFound', text: 'Contact not found.' },
  CONTACT_SUPPRESSED: { kind: 'invalid', text: 'Contact is suppressed.' },
  CONTACT_RESUBSCRIPTION_INVALID: { kind: 'invalid', text: 'The contact resubscription is not valid.' },
  ADDRESSBOOK_NOT_FOUND: { kind: 'notFound', text: 'Address book not found.' },
  ADDRESSBOOK_INVALID: { kind: 'invalid', text: 'This address book is not valid.' },
  ADDRESSBOOK_DUPLICATE: { kind: 'conflict', text: 'There is already an address book with that name, or the name is reserved.' },
  ADDRESSBOOK_NOTWRITABLE: { kind: 'invalid', text: 'The address book cannot be written to.' },
  DATAFIELD_INVALID: { kind: 'invalid', text: 'The data field is not valid.' },
  DATAFIELD_NOTFOUND: { kind: 'invalid', text: 'One or more of the data fields does not exist.' },
  DATAFIELD_VALUE_INVALID: { kind: 'invalid', text: 'A data field value does not match the field type.' },
  NON_UNIQUE_DATAFIELD: { kind: 'conflict', text: 'Field already exists.' },
  DATAFIELD_IN_USE: { kind: 'conflict', text: 'The data field is used and cannot be deleted.' },
  IMPORT_NOT_FOUND: { kind: 'notFound', text: 'Import not found.' },
  IMPORT_REPORT_NOT_FOUND: { kind: 'notFound', text: 'Import is not processed yet or completed with error.' },
  IMPORT_TOOMANYACTIVEIMPORTS: { kind: 'conflict', text: 'Too many imports are running at once for this account.' },
  IMPORT_UNSUPPORTED_FORMAT: { kind: 'invalid', text: 'The import file is not in a supported format.' },
  NO_EMAIL_COLUMN: { kind: 'invalid', text: 'The file does not contain an Email column.' },
  MULTI_FILE_UPLOAD_NOT_ALLOWED: { kind: 'invalid', text: 'Upload one file per call.' },
  SEGMENT_NOT_FOUND: { kind: 'notFound', text: 'Segment not found.' },
  SEGMENT_INVALID: { kind: 'invalid', text: 'The segment is not valid.' },
  CAMPAIGN_NOT_FOUND: { kind: 'notFound', text: 'Campaign not found.' },
  CAMPAIGN_INVALID: { kind: 'invalid', text: 'The campaign is not valid.' },
  CAMPAIGN_READONLY: { kind: 'conflict', text: 'The campaign cannot be updated.' },
  CAMPAIGN_SEND_INVALID: { kind: 'invalid', text: 'The campaign send is not valid.' },
  CAMPAIGN_SENDNOTPERMITTED: { kind: 'conflict', text: 'Send not permitted at this time.' },
  CAMPAIGN_SEND_NOT_FOUND: { kind: 'notFound', text: 'Campaign send not found.' },
  SURVEY_NOT_FOUND: { kind: 'notFound', text: 'Survey not found.' },
  FEATURENOTACTIVE: { kind: 'unsupported', text: 'This operation is not supported by this gateway.' },
  ACCOUNT_INVALID: { kind: 'invalid', text: 'The account is not valid.' },
  INVALID_APIUSEREXISTS: { kind: 'conflict', text: 'That API user already exists.' },
  SYSTEM_SERVICETEMPORARILYUNAVAILABLE: { kind: 'unavailable', text: 'The service is temporarily unavailable; retry later.' },
  UNKNOWN: { kind: 'unavailable', text: 'An unexpected error occurred.' },
  // Transactional data (issue #19).
  // why: the vendor's message for an unknown key is the bare token after "Error:"; the shop connector [MAG] compares
  // whole messages (`Error: ERROR_TRANSACTIONAL_DATA_DOES_NOT_EXIST`), so the text is exactly "Error:".
  TRANSACTIONAL_DATA_DOES_NOT_EXIST: { kind: 'notFound', text: 'Error:' },
  TRANSACTIONAL_DATA_INVALID_COLLECTION_NAME: { kind: 'invalid', text: 'The collection name is not valid.' },
  TRANSACTIONAL_DATA_INVALID_KEY: { kind: 'invalid', text: 'The key is not valid.' },
  TRANSACTIONAL_DATA_INVALID_JSON: { kind: 'invalid', text: 'The JSON is not valid.' },
  TRANSACTIONAL_DATA_INVALID_CONTACT_IDENTIFIER: { kind: 'invalid', text: 'The contact identifier is not valid.' },
  TRANSACTIONAL_DATA_KEY_ALREADY_EXISTS: { kind: 'conflict', text: 'A record with this key already exists in the collection.' },
  TRANSACTIONAL_DATA_IMPORT_TOO_LARGE: { kind: 'tooLarge', text: 'The import holds more records than this gateway accepts in one call.' },
  // Templates, custom from addresses, SMS and the outbox (issue #21 part A).
  TEMPLATE_NOT_FOUND: { kind: 'notFound', text: 'Template not found.' },
  TEMPLATE_INVALID: { kind: 'invalid', text: 'The template is not valid.' },
  CUSTOM_FROM_ADDRESS_NOT_FOUND: { kind: 'notFound', text: 'Custom from address not found.' },
  CUSTOM_FROM_ADDRESS_INVALID: { kind: 'invalid', text: 'The custom from address is not valid.' },
  CUSTOM_FROM_ADDRESS_DUPLICATE: { kind: 'conflict', text: 'That custom from address already exists.' },
  SMS_INVALID_TELEPHONE_NUMBER: { kind: 'invalid', text: 'The telephone number is not valid.' },
  SMS_INVALID_MESSAGE: { kind: 'invalid', text: 'The SMS message is not valid.' },
  OUTBOX_CLAIM_INVALID: { kind: 'invalid', text: 'The outbox claim is not valid.' },
  // Documents, images, split tests and programs (issue #21 part B).
  FILE_TOO_LARGE: { kind: 'tooLarge', text: 'The file is larger than this gateway accepts.' },
  FILE_TYPE_NOT_ALLOWED: { kind: 'invalid', text: 'The file type is not allowed.' },
  FILE_STORAGE_FULL: { kind: 'conflict', text: "The account's file storage is full." },
  FOLDER_NOT_FOUND: { kind: 'notFound', text: 'Folder not found.' },
  FOLDER_INVALID: { kind: 'invalid', text: 'The folder is not valid.' },
  DOCUMENT_NOT_FOUND: { kind: 'notFound', text: 'Document not found.' },
  IMAGE_NOT_FOUND: { kind: 'notFound', text: 'Image not found.' },
  PROGRAM_NOT_FOUND: { kind: 'notFound', text: 'Program not found.' },
  PROGRAM_NOT_ACTIVE: { kind: 'invalid', text: 'The program is not active.' },
  PROGRAM_INVALID: { kind: 'invalid', text: 'The program is not valid.' },
  PROGRAM_ENROLMENT_NOT_FOUND: { kind: 'notFound', text: 'Program enrolment not found.' },
  PROGRAM_ENROLMENT_INVALID: { kind: 'invalid', text: 'The program enrolment is not valid.' },
} as const satisfies Record<string, { kind: ErrorKind; text: string }>;

/** One of the stable error codes. */
export type ErrorCode = keyof typeof ErrorCodes;

/** An expected failure with a stable code; its message ends with the vendor's `ERROR_<CODE>` token. */
export class DomainError extends Error {
  readonly kind: ErrorKind;
  readonly token: string;
  /** The human part of the message (without the token). */
  readonly text: string;
  /** `kind` overrides the code's usual kind where the same vendor code means two things (e.g. a field missing from a
   * body is invalid input, a field named in the path is a missing resource). */
  constructor(
    readonly code: ErrorCode,
    text?: string,
    kind?: ErrorKind,
  ) {
    const t = text ?? ErrorCodes[code].text;
    super(`${t} ERROR_${code}`);
    this.name = 'DomainError';
    this.kind = kind ?? ErrorCodes[code].kind;
    this.token = `ERROR_${code}`;
    this.text = t;
  }
}

/** A refusal that lifts by itself after retryAfterS seconds (REST sends it as Retry-After). */
export class RetryLater extends DomainError {
  constructor(
    code: ErrorCode,
    readonly retryAfterS: number,
    text?: string,
  ) {
    super(code, text);
  }
}

/** Shorthand: throws a DomainError when cond is false. */
export function ensure(cond: unknown, code: ErrorCode, text?: string): asserts cond {
  if (!cond) throw new DomainError(code, text);
}

/** True when e is a DomainError. */
export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
