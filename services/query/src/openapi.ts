import type { SwaggerTransform } from "@fastify/swagger";
import { jsonSchemaTransform } from "fastify-type-provider-zod";
import { PROBLEM_CONTENT_TYPE } from "./problem.handler.js";

type JsonSchema = Record<string, unknown> & { description?: string };

/**
 * The route-schema transform of the OpenAPI document: zod → JSON Schema
 * (fastify-type-provider-zod's `jsonSchemaTransform`), then every 4xx/5xx response is documented
 * as `application/problem+json`, the media type the error handler really sends. A route's own
 * `produces` (e.g. `text/event-stream` for SSE) then applies to its success responses only.
 * Affects the document only, never validation or serialization.
 */
export const openApiTransform: SwaggerTransform = (input) => {
  const out = jsonSchemaTransform(input as Parameters<typeof jsonSchemaTransform>[0]);
  const response = (out.schema as { response?: Record<string, JsonSchema> } | undefined)?.response;
  if (response) {
    for (const [code, schema] of Object.entries(response)) {
      if (Number(code) >= 400) {
        response[code] = {
          description: schema.description ?? "problem details",
          content: { [PROBLEM_CONTENT_TYPE]: { schema } },
        };
      }
    }
  }
  return out;
};
