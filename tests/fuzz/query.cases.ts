/**
 * Fuzz cases of the query API, made from its OpenAPI document (`GET /openapi.json`) at run time,
 * so a new route is fuzzed without touching this file: every operation's path parameters, query
 * parameters, headers and JSON body are generated from their schemas, then mutated (hostile
 * values, omitted or repeated parameters, unknown parameters, broken escapes, truncated or deeply
 * nested bodies, odd content types, missing or wrong tokens, wrong methods).
 */
import fc from "fast-check";
import { type FuzzRequest, headerSafe, percentEncode } from "./request.js";
import {
  DELETE,
  EXTREME_DATES,
  EXTREME_INSTANTS,
  fromSchema,
  hostileJson,
  hostileText,
  type JsonSchema,
  mutateAt,
  nestedJson,
  ODD_DATES,
  ODD_NUMBERS,
  type RefResolver,
  rarely,
  toJsonText,
} from "./values.js";

/** One parameter of an operation, as the OpenAPI document declares it. */
export interface ApiParameter {
  readonly in: "query" | "path" | "header";
  readonly name: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
}

/** One operation of the OpenAPI document. */
export interface ApiOperation {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Path template with `{name}` placeholders. */
  readonly path: string;
  readonly parameters: readonly ApiParameter[];
  /** Schema of the `application/json` request body, or null. */
  readonly body: JsonSchema | null;
  /** The 200 answer is `text/event-stream`. */
  readonly stream: boolean;
}

/** The parts of an OpenAPI 3.1 document the fuzzer reads. */
export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components?: { readonly schemas?: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  readonly parameters?: { in: string; name: string; required?: boolean; schema?: JsonSchema }[];
  readonly requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  readonly responses?: Record<string, { content?: Record<string, unknown> }>;
}

const METHODS = ["get", "put", "post", "patch", "delete"];

/** Every operation of `doc`, in document order. */
export function operationsOf(doc: OpenApiDocument): ApiOperation[] {
  const out: ApiOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const parameters: ApiParameter[] = (op.parameters ?? [])
        .filter((p) => p.in === "query" || p.in === "path" || p.in === "header")
        .map((p) => ({
          in: p.in as ApiParameter["in"],
          name: p.name,
          required: p.required === true || p.in === "path",
          schema: p.schema ?? {},
        }));
      out.push({
        method: method.toUpperCase(),
        path,
        parameters,
        body: op.requestBody?.content?.["application/json"]?.schema ?? null,
        stream: Object.keys(op.responses?.["200"]?.content ?? {}).includes("text/event-stream"),
      });
    }
  }
  return out;
}

/** A `$ref` resolver over `doc.components.schemas`. */
export function refResolver(doc: OpenApiDocument): RefResolver {
  return (ref) => {
    const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
    return name === undefined ? undefined : doc.components?.schemas?.[name];
  };
}

/** What the query cases need to know about the system under test. */
export interface QueryFuzzContext {
  /** The admin API token. */
  readonly token: string;
  /** Projects registered in the read models (plausible `project` values); an unknown one is added. */
  readonly projects: readonly string[];
  /** Order ids in the read models (plausible `orderId` values besides generated ones). */
  readonly orderIds: readonly number[];
}

type ParamMode = "omit" | "plausible" | "hostile" | "repeat" | "bracket";

const rawQueryJunk = fc.constantFrom(
  "&%zz=1",
  "&%=",
  "&=",
  "&&&",
  "&a",
  "&from=%E0%A4%A",
  "&to=%C0%80",
  "&project=%FF",
  "&%00=%00",
  "&project[]=x",
  "&__proto__[x]=1",
  "&constructor[prototype][x]=1",
  `&${"k".repeat(5000)}=v`,
);

function encode(value: string, raw: boolean): string {
  if (!raw) return percentEncode(value);
  // Deliberately broken escapes stay as they are; other characters are escaped, so the request
  // line stays sendable.
  return value.replace(/[^A-Za-z0-9%._~+-]/g, (c) => percentEncode(c));
}

/**
 * A hostile value aimed at the parameter's kind: odd dates for dates, instants and shift ids, odd
 * numbers for numbers and sequences, anything for the rest.
 */
function hostileFor(p: ApiParameter): fc.Arbitrary<string> {
  const s = p.schema;
  const anyText = { weight: 1, arbitrary: hostileText };
  const odd = { weight: 2, arbitrary: fc.constantFrom<string>(...ODD_DATES) };
  if (s.format === "date-time") {
    return fc.oneof({ weight: 6, arbitrary: fc.constantFrom<string>(...EXTREME_INSTANTS) }, odd, anyText);
  }
  if (s.format === "date" || "formatMinimum" in s || /\\d\{4\}-/.test(s.pattern ?? "")) {
    const extreme = fc.constantFrom<string>(...EXTREME_DATES);
    // Shift ids also come with a start time.
    const withTime = fc
      .tuple(extreme, fc.constantFrom("", "T22:00", "T00:00", "T23:59"))
      .map(([d, t]) => d + t);
    return fc.oneof({ weight: 6, arbitrary: s.format === "date" ? extreme : withTime }, odd, anyText);
  }
  if (s.type === "integer" || s.type === "number" || /\\d/.test(s.pattern ?? "")) {
    return fc.oneof({ weight: 3, arbitrary: fc.constantFrom<string>(...ODD_NUMBERS) }, anyText);
  }
  return hostileText;
}

function parameterValue(p: ApiParameter, ctx: QueryFuzzContext, resolve: RefResolver): fc.Arbitrary<string> {
  const generated = fromSchema(p.schema, resolve, true).map((v) =>
    typeof v === "string" ? v : JSON.stringify(v),
  );
  if (p.name === "project") {
    return fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...ctx.projects) },
      { weight: 1, arbitrary: fc.constant("no-such-project") },
    );
  }
  if (p.name === "orderId" && ctx.orderIds.length > 0) {
    return fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...ctx.orderIds.map(String)) },
      { weight: 1, arbitrary: generated },
    );
  }
  return generated;
}

/** The fuzz cases of one operation. */
export function operationCases(
  op: ApiOperation,
  ctx: QueryFuzzContext,
  resolve: RefResolver,
): fc.Arbitrary<FuzzRequest> {
  const params = op.parameters.filter((p) => p.name !== "access_token");
  // Each parameter is plausible (optional ones present or not) unless the case mutates it. A case
  // mutates no parameter, one, two or all of them: a bug behind one odd value needs the others
  // to be well-formed to be reached.
  const paramArbs = params.map((p) =>
    fc.record({
      present: p.required ? fc.constant(true) : fc.boolean(),
      mutation: fc.oneof(
        { weight: 6, arbitrary: fc.constant<ParamMode>("hostile") },
        { weight: 3, arbitrary: fc.constantFrom<ParamMode>("omit", "repeat", "bracket") },
      ),
      plausible: parameterValue(p, ctx, resolve),
      other: fc.oneof(parameterValue(p, ctx, resolve), hostileFor(p)),
      hostile: hostileFor(p),
      raw: fc.boolean(),
    }),
  );
  const body: fc.Arbitrary<{ text: string | undefined; note: string; contentType: string | null }> =
    op.body === null
      ? fc.constant({ text: undefined, note: "", contentType: null })
      : bodyCases(op.body, resolve);
  return fc
    .record({
      values: fc.tuple(...paramArbs),
      mutated: fc
        .constantFrom(0, 0, 0, 1, 1, 1, 1, 1, 2, params.length)
        .chain((k) =>
          fc.shuffledSubarray(
            params.map((_, i) => i),
            { minLength: Math.min(k, params.length), maxLength: Math.min(k, params.length) },
          ),
        )
        .map((indices) => new Set(indices)),
      auth: fc.oneof(
        { weight: 46, arbitrary: fc.constant("bearer") },
        { weight: 4, arbitrary: fc.constantFrom("query", "none", "wrong", "malformed") },
      ),
      wrongToken: fc.oneof(hostileText, fc.constant("e".repeat(64))),
      extra: rarely(
        fc.tuple(fc.constantFrom("extra", "page", "Project", "PROJECT", "from", "x"), hostileText),
        8,
      ),
      junk: rarely(rawQueryJunk, 12),
      method: rarely(fc.constantFrom("DELETE", "PATCH", "HEAD", "OPTIONS", "POST", "PUT", "GET"), 25),
      accept: rarely(
        fc.constantFrom("text/html", "application/xml", "*/*", "text/event-stream", "\u00ff"),
        10,
      ),
      body,
    })
    .map(({ values, mutated, auth, wrongToken, extra, junk, method, accept, body }) => {
      let path = op.path;
      const query: string[] = [];
      const headers: Record<string, string> = {};
      const notes: string[] = [];
      params.forEach((p, i) => {
        const drawn = values[i];
        if (!drawn) return;
        const mode: ParamMode = mutated.has(i) ? drawn.mutation : drawn.present ? "plausible" : "omit";
        const v = { ...drawn, mode, raw: mode !== "plausible" && drawn.raw };
        if (v.mode === "omit") {
          if (p.required) notes.push(`${p.in} ${p.name}: omitted`);
          if (p.in === "path") path = path.replace(`{${p.name}}`, "");
          return;
        }
        const value = v.mode === "hostile" ? v.hostile : v.plausible;
        if (v.mode === "hostile") notes.push(`${p.in} ${p.name}: ${JSON.stringify(value.slice(0, 40))}`);
        if (p.in === "path") {
          path = path.replace(`{${p.name}}`, encode(value, v.raw));
        } else if (p.in === "header") {
          headers[p.name] = headerSafe(value);
        } else if (v.mode === "repeat") {
          notes.push(`query ${p.name}: repeated`);
          query.push(`${p.name}=${encode(value, v.raw)}`, `${p.name}=${encode(v.other, v.raw)}`);
        } else if (v.mode === "bracket") {
          notes.push(`query ${p.name}: bracketed`);
          query.push(`${p.name}[]=${encode(value, v.raw)}`);
        } else {
          query.push(`${p.name}=${encode(value, v.raw)}`);
        }
      });
      if (auth === "bearer") headers["authorization"] = `Bearer ${ctx.token}`;
      else if (auth === "query") query.push(`access_token=${percentEncode(ctx.token)}`);
      else if (auth === "wrong") headers["authorization"] = `Bearer ${headerSafe(wrongToken)}`;
      else if (auth === "malformed") headers["authorization"] = `Basic ${headerSafe(wrongToken)}`;
      if (auth !== "bearer") notes.push(`auth: ${auth}`);
      if (extra) {
        query.push(`${extra[0]}=${percentEncode(extra[1])}`);
        notes.push(`extra query ${extra[0]}`);
      }
      let url = query.length > 0 ? `${path}?${query.join("&")}` : path;
      if (junk) {
        url += url.includes("?") ? junk : `?${junk.slice(1)}`;
        notes.push(`raw query ${JSON.stringify(junk.slice(0, 30))}`);
      }
      if (accept) headers["accept"] = headerSafe(accept);
      if (body.contentType !== null) headers["content-type"] = body.contentType;
      if (body.note) notes.push(body.note);
      const sentMethod = method ?? op.method;
      if (method !== null && method !== op.method) notes.push(`method ${method}`);
      return {
        target: "query" as const,
        method: sentMethod,
        url,
        headers,
        ...(body.text === undefined || sentMethod === "GET" || sentMethod === "HEAD"
          ? {}
          : { body: body.text }),
        route: `${op.method} ${op.path}`,
        stream: op.stream,
        note: notes.join("; ") || "plausible",
      };
    });
}

/** Bodies of an operation with a JSON body: plausible ones, then mutated, serialized and labelled. */
function bodyCases(
  schema: JsonSchema,
  resolve: RefResolver,
): fc.Arbitrary<{ text: string | undefined; note: string; contentType: string | null }> {
  const value = fromSchema(schema, resolve, false);
  const mutated: fc.Arbitrary<{ value: unknown; note: string }> = fc.oneof(
    { weight: 4, arbitrary: value.map((v) => ({ value: v, note: "" })) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(value, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), hostileJson)
        .map(([v, at, h]) => ({ value: mutateAt(v, at, h), note: "body: a node replaced" })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(value, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }))
        .map(([v, at]) => ({ value: mutateAt(v, at, DELETE), note: "body: a node deleted" })),
    },
    { weight: 1, arbitrary: hostileJson.map((h) => ({ value: h, note: "body: hostile value" })) },
  );
  const text: fc.Arbitrary<{ text: string | undefined; note: string }> = fc.oneof(
    { weight: 8, arbitrary: mutated.map((m) => ({ text: toJsonText(m.value), note: m.note })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(mutated, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }))
        .map(([m, cut]) => {
          const s = toJsonText(m.value);
          return { text: s.slice(0, Math.floor(cut * s.length)), note: "body: truncated" };
        }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 10, max: 200_000 }), fc.constantFrom<"array" | "object">("array", "object"))
        .map(([d, k]) => ({ text: nestedJson(d, k), note: `body: nested ${d} deep` })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("", " ", "null", "[]", "{", "{}}", "\u0000", "not json")
        .map((t) => ({ text: t, note: "body: not an object" })),
    },
  );
  return fc
    .tuple(
      text,
      fc.constantFrom<string | null>(
        "application/json",
        "application/json",
        "application/json",
        "application/json",
        "application/json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "application/json; charset=latin1",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/problem+json",
        ";;;",
        null,
      ),
    )
    .map(([t, contentType]) => ({
      text: t.text,
      note: [t.note, contentType === "application/json" ? "" : `content-type ${contentType}`]
        .filter(Boolean)
        .join("; "),
      contentType,
    }));
}

/** The fuzz cases of every operation, chosen uniformly by operation. */
export function queryCases(
  doc: OpenApiDocument,
  ctx: QueryFuzzContext,
): { operations: ApiOperation[]; cases: fc.Arbitrary<FuzzRequest> } {
  const operations = operationsOf(doc);
  const resolve = refResolver(doc);
  return { operations, cases: fc.oneof(...operations.map((op) => operationCases(op, ctx, resolve))) };
}
