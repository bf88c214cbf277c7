/**
 * Parsing of JSON webhook bodies (KeyCRM, Evolution): one bound on nesting, checked on the raw
 * text before `JSON.parse`, then the parse itself; both failures are 400 problems.
 */
import { MAX_BODY_DEPTH } from "../crm/crm-values.js";
import { ValidationError } from "../http/http.errors.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * True when `text` opens more than `maxDepth` nested objects/arrays at some point (brackets inside
 * strings do not count). One pass over the UTF-16 code units, no allocation; for text that is not
 * JSON the answer is about its brackets only.
 */
export function jsonNestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}

/**
 * Decodes a JSON webhook body.
 * @returns the parsed value (any JSON value; the normalizer checks its shape).
 * @throws ValidationError when the body nests deeper than `maxDepth` (default
 *   `MAX_BODY_DEPTH` of `crm-values.ts`, the one nesting bound of every body) or is not JSON; the detail never quotes the body.
 */
export function parseJsonBody(raw: string, maxDepth: number = MAX_BODY_DEPTH): unknown {
  if (jsonNestingExceeds(raw, maxDepth)) {
    throw new ValidationError(`JSON body nested deeper than ${maxDepth} levels`);
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    // The parser's message quotes the body; the sender gets a fixed reason instead.
    throw new ValidationError("malformed JSON body");
  }
}
