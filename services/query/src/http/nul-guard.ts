/**
 * A request guard: no string of a request (query, path parameters, JSON body, object keys
 * included) may contain U+0000. PostgreSQL `text` and `jsonb` cannot store it, so such a value
 * would fail in SQL (a 500) or, inside a published settings event, later in the projector; it is a
 * 400 `validation_failed` here instead, for every route, before its schema runs.
 */
import type { FastifyRequest } from "fastify";
import { ValidationError } from "./app.errors.js";

/** Nodes {@link findNulString} visits at most; a larger value is left to the route's schema. */
export const NUL_SCAN_MAX_NODES = 200_000;

function pointerToken(key: string | number): string {
  return String(key).replaceAll("~", "~0").replaceAll("/", "~1");
}

/**
 * The JSON pointer (`""` = the value itself, `/a/0`) of the first string or object key in `value`
 * that contains U+0000, or null when there is none. Iterative (a body nested 100 000 deep does not
 * overflow the stack) and bounded by `maxNodes`.
 */
export function findNulString(value: unknown, maxNodes: number = NUL_SCAN_MAX_NODES): string | null {
  const stack: [unknown, string][] = [[value, ""]];
  let visited = 0;
  while (stack.length > 0 && visited++ < maxNodes) {
    const [node, path] = stack.pop() as [unknown, string];
    if (typeof node === "string") {
      if (node.includes("\u0000")) return path;
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${path}/${i}`]);
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        const at = `${path}/${pointerToken(key)}`;
        if (key.includes("\u0000")) return at;
        stack.push([child, at]);
      }
    }
  }
  return null;
}

/**
 * `preValidation` hook: throws for a request with U+0000 in its query, path parameters or body.
 * @throws ValidationError `validation_failed` with one issue (`location`, `path`, `code: nul_character`).
 */
export async function rejectNulCharacters(request: FastifyRequest): Promise<void> {
  for (const [location, value] of [
    ["querystring", request.query],
    ["params", request.params],
    ["body", request.body],
  ] as const) {
    const path = findNulString(value);
    if (path !== null) {
      throw new ValidationError(
        "validation_failed",
        `invalid ${location}: ${path || "/"} contains a NUL character`,
        {
          issues: [{ location, path, code: "nul_character", message: "contains a NUL character (U+0000)" }],
        },
      );
    }
  }
}
