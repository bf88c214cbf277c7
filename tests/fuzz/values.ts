/**
 * Value generators of the API fuzzer: hostile strings and JSON values (odd dates, huge and
 * negative numbers, NaN, unicode, NUL, very long strings, deep nesting, huge arrays) and plausible
 * values generated from a JSON Schema (as the query app's OpenAPI document states them), which the
 * fuzzer then mutates.
 */
import fc from "fast-check";

/** A JSON Schema node as `@fastify/swagger` prints it (the members the generator reads). */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly format?: string;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly default?: unknown;
  readonly $ref?: string;
}

/** Dates and instants outside any plausible range, or not calendar dates at all. */
export const ODD_DATES = [
  "0000-01-01",
  "0000-00-00",
  "0001-01-01",
  "1899-12-31",
  "1969-12-31",
  "1970-01-01",
  "1999-12-31",
  "2100-01-01",
  "9999-12-31",
  "2026-02-29",
  "2026-02-30",
  "2026-13-01",
  "2026-10-32",
  "+275760-09-13",
  "-000001-01-01",
  "20261012",
  "2026-10-12T00:00",
  "0000-01-01T00:00:00Z",
  "0000-01-01T00:00:00.000Z",
  "9999-12-31T23:59:59Z",
  "9999-12-31T23:59:59.999999999Z",
  "+275760-09-13T00:00:00.000Z",
  "-271821-04-20T00:00:00.000Z",
  "1969-12-31T23:59:59Z",
  "1999-12-31T23:59:59.999Z",
  "2100-01-01T00:00:00Z",
  "2099-12-31T23:59:59+14:00",
  "2000-01-01T00:00:00+14:00",
  "2026-10-12T24:00:00Z",
  "2026-10-12T25:61:61Z",
  "2026-10-12T12:00:00+99:99",
  "2026-10-12T12:00:00",
  "2026-10-12 12:00:00",
  "2026-10-12T12:00:00z",
  "9999-12-31T23:59",
  "0000-01-01T00:00",
  "1792494035",
  "yesterday",
] as const;

/**
 * Well-formed calendar dates far from any plausible range: they pass a syntax check, so they reach
 * whatever computes with them (week and month arithmetic, time zones, SQL).
 */
export const EXTREME_DATES = [
  "0000-01-01",
  "0000-12-31",
  "0001-01-01",
  "1969-12-31",
  "2100-01-01",
  "9999-01-01",
  "9999-12-31",
] as const;

/** Well-formed ISO-8601 instants far from any plausible range (see {@link EXTREME_DATES}). */
export const EXTREME_INSTANTS = [
  "0000-01-01T00:00:00Z",
  "0000-01-01T00:00:00.000-14:00",
  "0001-01-01T00:00:00.000Z",
  "1999-12-31T23:59:59.999Z",
  "2000-01-01T00:00:00+14:00",
  "2100-01-01T00:00:00Z",
  "9999-12-31T23:59:59.999Z",
  "9999-12-31T23:59:59-14:00",
] as const;

/** Numbers (as query-string text) at and past every sensible bound. */
export const ODD_NUMBERS = [
  "0",
  "-0",
  "-1",
  "1.5",
  "1e3",
  "1e308",
  "1e309",
  "-1e308",
  "5e-324",
  "9007199254740991",
  "9007199254740993",
  "18446744073709551616",
  "99999999999999999999999999999",
  "2147483648",
  "-2147483649",
  "NaN",
  "Infinity",
  "-Infinity",
  "0x1F",
  "0b11",
  "0o7",
  " 1",
  "1 ",
  "+1",
  "1_000",
  "١٢٣",
] as const;

/** Text that breaks parsers, encodings or naive SQL/HTML handling. */
export const ODD_TEXT = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\u0000\u0000\u0000",
  "null",
  "undefined",
  "true",
  "[]",
  "{}",
  "ÿþ",
  "日本語",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  "\u202eevil",
  "\ufeffBOM",
  "\ud800",
  "\udfff\ud800",
  "e\u0301",
  "../../etc/passwd",
  "' OR 1=1 --",
  '"; DROP TABLE rm.orders; --',
  "<script>alert(1)</script>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, meant literally
  "${jndi:ldap://x}",
  "__proto__",
  "constructor",
  "prototype",
  "%",
  "%zz",
  "%00",
  "\\",
  "\\u0000",
  "\r\n",
  "\t",
  "shop-kyiv\u0000",
  "SHOP-KYIV",
  "shop-kyiv ",
] as const;

/** A very long string of `unit` (between 1 000 and 20 000 characters). */
export function longString(unit: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(unit, fc.integer({ min: 1_000, max: 20_000 }))
    .map(([u, n]) => u.repeat(Math.ceil(n / Math.max(1, u.length))).slice(0, n));
}

/** A hostile string value for a query parameter, path segment or header. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_DATES) },
  { weight: 3, arbitrary: fc.constantFrom(...ODD_NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...ODD_TEXT) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.bigInt().map(String) },
  { weight: 1, arbitrary: longString(fc.constantFrom("9", "x", "€", "2026-10-12", "\u0000", "%")) },
);

/** JSON nested `depth` levels deep around `leaf` (arrays or objects), as text. */
export function nestedJson(depth: number, kind: "array" | "object", leaf = "1"): string {
  return kind === "array"
    ? `${"[".repeat(depth)}${leaf}${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}${leaf}${"}".repeat(depth)}`;
}

const DEEP = /"\\u0001deep:(\d+):(array|object)\\u0001"/g;

/**
 * A placeholder for JSON nested `depth` levels deep: {@link toJsonText} writes the nesting in its
 * place, so values deeper than `JSON.stringify` could handle never exist as objects in the fuzzer.
 */
function deepPlaceholder(depth: number, kind: "array" | "object"): string {
  return `\u0001deep:${depth}:${kind}\u0001`;
}

/** `value` as JSON text, with every deep-nesting placeholder expanded (see {@link deepPlaceholder}). */
export function toJsonText(value: unknown): string {
  const text = JSON.stringify(value) ?? "";
  return text.replace(DEEP, (_, depth: string, kind: "array" | "object") => nestedJson(Number(depth), kind));
}

/**
 * A hostile JSON value to put anywhere in a body: wrong types, odd numbers and dates, unicode and
 * NUL, very long strings, deep nesting (up to
 * 150 000 levels, expanded by {@link toJsonText}), huge arrays, prototype keys.
 */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53 + 2),
  },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_DATES) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_TEXT) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>([], {}, [null], { "": null }, [[[]]]) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: longString(fc.constantFrom("x", "€", "\u0000")) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.oneof(fc.integer({ min: 10, max: 300 }), fc.integer({ min: 300, max: 150_000 })),
        fc.constantFrom<"array" | "object">("array", "object"),
      )
      .map(([d, k]) => deepPlaceholder(d, k)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 60_000 }).map((n) => new Array<number>(n).fill(0)) },
  {
    weight: 1,
    arbitrary: fc.constant(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}')),
  },
);

const PLAUSIBLE_DATES = [
  "2026-10-12",
  "2026-10-21",
  "2026-10-01",
  "2026-01-01",
  "2025-12-31",
  "2000-01-01",
  "2099-12-31",
  "2024-02-29",
];

/** A plausible calendar date (`YYYY-MM-DD`), biased to the fixture corpus' months and the range's edges. */
export const plausibleDate: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...PLAUSIBLE_DATES),
  fc
    .date({
      min: new Date("2000-01-01T00:00:00Z"),
      max: new Date("2099-12-31T00:00:00Z"),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10)),
);

/** A plausible ISO-8601 instant, in one of the spellings clients use (`Z`, offset, fraction). */
export const plausibleInstant: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "2026-10-12T00:00:00Z",
    "2026-10-21T17:00:00.000Z",
    "2026-10-22T17:00:00.000Z",
    "2026-11-01T00:00:00+05:00",
    "2000-01-01T00:00:00Z",
    "2099-12-31T23:59:59.999Z",
  ),
  fc
    .date({
      min: new Date("2000-01-01T00:00:00Z"),
      max: new Date("2099-12-31T00:00:00Z"),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
);

/** Resolves `$ref`s of a document's `components.schemas`. */
export type RefResolver = (ref: string) => JsonSchema | undefined;

/**
 * A plausible value of `schema` (what a well-behaved client would send), depth-limited:
 * enums and consts as given, dates and instants in range, integers within their bounds, patterned
 * strings matching the pattern, objects with their required members and some optional ones.
 * `asText`: the value is a query-string or header value (numbers and booleans as text).
 */
export function fromSchema(
  schema: JsonSchema,
  resolve: RefResolver,
  asText: boolean,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const target = resolve(schema.$ref);
    return target ? fromSchema(target, resolve, asText, depth + 1) : fc.constant({});
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) {
    return fc.oneof(...alternatives.map((s) => fromSchema(s, resolve, asText, depth + 1)));
  }
  if (schema.allOf && schema.allOf.length > 0) {
    return fromSchema(schema.allOf[0] as JsonSchema, resolve, asText, depth + 1);
  }
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const nonNull = types.filter((t) => t !== "null");
  if (types.includes("null") && nonNull.length > 0) {
    return fc.oneof(
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 3, arbitrary: fromSchema({ ...schema, type: nonNull }, resolve, asText, depth) },
    );
  }
  const type = nonNull[0] ?? "string";
  switch (type) {
    case "string": {
      if (schema.format === "date" || ("formatMinimum" in schema && schema.format === undefined))
        return plausibleDate;
      if (schema.format === "date-time") return plausibleInstant;
      if (schema.pattern !== undefined) {
        try {
          return fc.stringMatching(new RegExp(schema.pattern), { size: "xsmall" });
        } catch {
          return fc.string({ maxLength: 10 });
        }
      }
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 12, 12) });
    }
    case "integer":
    case "number": {
      const lo = Math.max(schema.minimum ?? schema.exclusiveMinimum ?? -1_000, -1_000_000);
      const hi = Math.min(schema.maximum ?? schema.exclusiveMaximum ?? 1_000, 1_000_000);
      const small = fc.integer({ min: Math.ceil(Math.min(lo, hi)), max: Math.floor(Math.max(lo, hi)) });
      const n: fc.Arbitrary<number> =
        type === "integer"
          ? fc.oneof(
              small,
              fc.constantFrom(
                ...[0, 1, 3, 50].filter(
                  (v) => v >= (schema.minimum ?? -Infinity) && v <= (schema.maximum ?? Infinity),
                ),
                Math.max(lo, 0),
              ),
            )
          : fc.double({ min: Math.min(lo, hi), max: Math.max(lo, hi), noNaN: true });
      return asText ? n.map(String) : n;
    }
    case "boolean":
      return asText ? fc.constantFrom("true", "false") : fc.boolean();
    case "array": {
      if (depth > 6) return fc.constant([]);
      return fc.array(fromSchema(schema.items ?? {}, resolve, false, depth + 1), { maxLength: 3 });
    }
    case "object": {
      if (depth > 6) return fc.constant({});
      const props = Object.entries(schema.properties ?? {});
      const required = new Set(schema.required ?? []);
      const members = props.map(([name, s]) =>
        fc
          .tuple(
            required.has(name) ? fc.constant(true) : fc.boolean(),
            fromSchema(s, resolve, false, depth + 1),
          )
          .map(([present, v]) => (present ? ([name, v] as const) : null)),
      );
      const extra =
        typeof schema.additionalProperties === "object"
          ? fc.array(
              fc.tuple(
                fc.constantFrom("1", "2", "10", "normal", "urgent", "default"),
                fromSchema(schema.additionalProperties, resolve, false, depth + 1),
              ),
              { maxLength: 2 },
            )
          : fc.constant([] as [string, unknown][]);
      return fc.tuple(fc.tuple(...members), extra).map(([ms, ex]) => {
        const o: Record<string, unknown> = {};
        for (const [k, v] of ex) o[k] = v;
        for (const m of ms) if (m) o[m[0]] = m[1];
        return o;
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * Replaces the node at a random path of `value` (an object/array tree) with `replacement`, or
 * deletes it when `replacement` is `DELETE`; returns a new tree. `pick` (0 ≤ pick < 1) chooses the path.
 */
export function mutateAt(value: unknown, pick: number, replacement: unknown): unknown {
  const paths: (string | number)[][] = [[]];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (paths.length > 200 || v === null || typeof v !== "object") return;
    for (const [k, x] of Array.isArray(v) ? v.entries() : Object.entries(v)) {
      const here = [...path, k];
      paths.push(here);
      walk(x, here);
    }
  };
  walk(value, []);
  const path = paths[Math.floor(pick * paths.length)] ?? [];
  if (path.length === 0) return replacement === DELETE ? undefined : replacement;
  const root = structuredClone(value) as Record<string | number, unknown>;
  let node = root;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (replacement === DELETE) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = replacement;
  return root;
}

/** Marker for {@link mutateAt}: delete the node instead of replacing it. */
export const DELETE = Symbol("delete");

/** `arb` in one case of `oneIn`, else null. */
export function rarely<T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}
