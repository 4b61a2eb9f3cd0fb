import { buildOpenApi } from './openapiBuilder';
import { REST_ROUTES } from './routes';

// The OpenAPI document served at GET /v2/openapi.json, built from the route table (routes/index.ts).

/** Builds the OpenAPI 3.0 document of the REST API (every route of the table). */
export function openApiDocument(): Record<string, unknown> {
  return buildOpenApi(REST_ROUTES);
}
