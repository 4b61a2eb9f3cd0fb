import { Request, Response } from 'express';
import { TransportServices } from '../../services';
import { RouteKind } from './extensions';
import { Schema } from './openapiSchemas';
import { RestXmlTypeName } from './xmlTypes';

// One description per REST route: the router mounts it (router.ts), the OpenAPI document is built from it
// (openapiBuilder.ts) and the XML writer takes its answer type from it (xml.ts). Adding a route is one entry in a
// routes/*.ts list, as one descriptor line per SOAP operation drives WSDL, decoding and encoding.

/** HTTP methods of REST routes (Express router method names). */
export type Method = 'get' | 'post' | 'put' | 'delete';

/** Query parameters the OpenAPI document describes (openapiBuilder.ts QUERY). */
export type QueryParam =
  | 'select'
  | 'skip'
  | 'withFullData'
  | 'full'
  // Outbox extension (issue #21): filters of GET /v2/outbox.
  | 'state'
  | 'kind'
  // Transactional data (issue #19): the vendor's WADL binds a record (and an import's records) from the query too.
  | TxQueryParam;

/** The query names of a transactional-data record, alone or as the items of an import (the WADL lists items 0 and 1). */
export const TX_RECORD_QUERY = ['Key', 'ContactIdentifier', 'Json'] as const;
/** The query names of an import's first two records, as the vendor WADL lists them. */
export const TX_IMPORT_QUERY = [0, 1].flatMap((i) => TX_RECORD_QUERY.map((f) => `apiTransactionalData[${i}].${f}` as const));
/** One of those query names. */
export type TxQueryParam = (typeof TX_RECORD_QUERY)[number] | (typeof TX_IMPORT_QUERY)[number];

/** What a handler gets besides the request and response: the services, its own entry, the OpenAPI document. */
export interface RouteContext {
  s: TransportServices;
  route: Route;
  /** The OpenAPI document of the whole table (built once, on first use). */
  openApi: () => Record<string, unknown>;
}

/** A request to a route: its path parameters are single strings (no route has a wildcard). */
export type RouteRequest = Request<Record<string, string>>;

/** Answers one request (a rejected promise or a throw goes to the REST error handler). */
export type Handler = (req: RouteRequest, res: Response, ctx: RouteContext) => unknown;

/** One REST route under /v2. */
export interface Route {
  method: Method;
  /** Express path template under /v2 (`/contacts/:id`); the OpenAPI path is `/v2/contacts/{id}`. */
  path: string;
  /**
   * `vendor`: the vendor's route; its objects carry our extension properties only with the X-Contactgate-Extensions
   * switch. `extension`: ours (tagged Extensions, marked x-contactgate-extension), always with them (extensions.ts).
   */
  kind: RouteKind;
  /** OpenAPI tag (the group in Swagger UI). */
  tag: string;
  summary: string;
  query?: QueryParam[];
  /** Request body schema (JSON). */
  body?: Schema;
  /** Success status and answer schema (no schema: no content). */
  ok: [number, Schema?];
  /** Success content type other than JSON (the answer is then never XML). */
  okType?: string;
  /**
   * The v2 data type a JSON answer is written as for `Accept: application/xml` (xmlTypes.ts); null: no vendor XML
   * type, answered as JSON. Required when the route answers a JSON body, absent when it answers none.
   */
  xml?: RestXmlTypeName | null;
  /** Rewrites the JSON answer before it is written as XML (e.g. to give an `anyType` member its xsi:type); default: as is. */
  xmlOut?: (json: unknown) => unknown;
  /** No authentication, mounted before the login (server time, the OpenAPI document, the docs page). */
  open?: boolean;
  /** Extra error statuses besides 400/401/404/429/500 (OpenAPI). */
  errors?: number[];
  /**
   * A vendor route the vendor's WADL does not list, with where it is attested (CONTRACT section and client), e.g.
   * `CONTRACT §10 [MAG]`; the OpenAPI document carries it as `x-contactgate-vendor-source` and the conformance test
   * accepts such a route only with this mark.
   */
  vendorSource?: string;
  handler: Handler;
}

/** `METHOD /v2/path/{param}`: how tests and the OpenAPI document name a route. */
export function routeName(method: string, expressPath: string): string {
  return `${method.toUpperCase()} ${openApiPath(expressPath)}`;
}

/** The OpenAPI path of an Express path template under /v2 (`/contacts/:id` → `/v2/contacts/{id}`). */
export function openApiPath(expressPath: string): string {
  return `/v2${expressPath.replace(/:(\w+)/g, '{$1}')}`;
}

/** Query parameters of a paged list: `select` and `skip`. */
export const PAGED: QueryParam[] = ['select', 'skip'];
/** Query parameters of a paged contact list: `select`, `skip` and `withFullData`. */
export const PAGED_FULL: QueryParam[] = ['select', 'skip', 'withFullData'];
