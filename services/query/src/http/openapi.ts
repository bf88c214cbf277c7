import type { SwaggerTransform } from "@fastify/swagger";
import { jsonSchemaTransform } from "fastify-type-provider-zod";
import { PROBLEM_CONTENT_TYPE } from "./problem.handler.js";

type JsonSchema = Record<string, unknown> & { description?: string };

/**
 * Appends the plausible range of every date or instant in a request schema (the
 * `formatMinimum`/`formatMaximum`/`formatExclusiveMaximum` members `api.schemas.ts` sets from
 * `PLAUSIBLE_RANGE`) to its description, so the document states the bound where a client reads.
 */
function describeRanges(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) describeRanges(item);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const schema = node as JsonSchema;
  const min = schema["formatMinimum"];
  const max = schema["formatMaximum"];
  const maxExclusive = schema["formatExclusiveMaximum"];
  if (typeof min === "string" && (typeof max === "string" || typeof maxExclusive === "string")) {
    const range = typeof max === "string" ? `${min} to ${max}` : `from ${min}, before ${maxExclusive}`;
    const text = `plausible range ${range}; outside it the answer is 400 validation_failed`;
    if (!schema.description?.includes(text)) {
      schema.description = schema.description ? `${schema.description} (${text})` : text;
    }
  }
  for (const value of Object.values(schema)) describeRanges(value);
}

/**
 * The route-schema transform of the OpenAPI document: zod → JSON Schema
 * (fastify-type-provider-zod's `jsonSchemaTransform`), then every 4xx/5xx response is documented
 * as `application/problem+json`, the media type the error handler really sends. A route's own
 * `produces` (e.g. `text/event-stream` for SSE) then applies to its success responses only.
 * Dates and instants of the request get their plausible range in their description.
 * Affects the document only, never validation or serialization.
 */
export const openApiTransform: SwaggerTransform = (input) => {
  const out = jsonSchemaTransform(input as Parameters<typeof jsonSchemaTransform>[0]);
  const request = out.schema as Record<string, unknown> | undefined;
  for (const part of ["querystring", "params", "headers", "body"]) describeRanges(request?.[part]);
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
