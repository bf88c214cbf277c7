/**
 * Fuzz cases of the ingest webhooks (KeyCRM JSON, amoCRM form-encoded, Evolution JSON): real
 * deliveries of the fixture corpus (`../shared/fixtures`), sent as they are or mutated (a node or
 * form value replaced by a hostile value or removed, truncated, nested deep, blown up, replaced by
 * bytes), to a valid, wrong-kind or unknown project, with a valid, wrong, missing or oddly placed
 * secret, odd content types, receive-time headers and query strings.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { type FuzzRequest, headerSafe, percentEncode } from "./request.js";
import {
  DELETE,
  hostileJson,
  hostileText,
  mutateAt,
  nestedJson,
  ODD_DATES,
  rarely,
  toJsonText,
} from "./values.js";

/** The projects the webhook cases address (registered by the fuzz environment). */
export interface WebhookFuzzContext {
  /** The webhook secret of every registered project. */
  readonly secret: string;
  /** A registered KeyCRM project, whose deliveries the KeyCRM fixtures are. */
  readonly keycrmProject: string;
  /** A registered amoCRM project (also the Evolution fixtures' project). */
  readonly amocrmProject: string;
}

/** The recorded deliveries the cases start from, as raw bodies. */
export interface WebhookCorpus {
  readonly keycrm: readonly string[];
  readonly amocrm: readonly string[];
  readonly evolution: readonly string[];
}

/**
 * Loads up to `perSource` recorded deliveries of each source from `fixturesDir` (KeyCRM ones of
 * `keycrmProject`), spread over each file, plus the real-world samples of `real/`.
 */
export function loadWebhookCorpus(
  fixturesDir: string,
  keycrmProject: string,
  perSource = 200,
): WebhookCorpus {
  const lines = (file: string) =>
    readFileSync(join(fixturesDir, file), "utf8")
      .split("\n")
      .filter((l) => l.length > 0);
  const spread = <T>(items: T[]) => {
    const step = Math.max(1, Math.floor(items.length / perSource));
    return items.filter((_, i) => i % step === 0).slice(0, perSource);
  };
  const real = (prefix: string, suffix: string) =>
    readdirSync(join(fixturesDir, "real"))
      .filter((f) => f.startsWith(prefix) && f.endsWith(suffix))
      .sort()
      .map((f) => readFileSync(join(fixturesDir, "real", f), "utf8").trim());
  const keycrm = spread(
    lines("keycrm/webhooks.jsonl")
      .map((l) => JSON.parse(l) as { project: string; body: unknown })
      .filter((r) => r.project === keycrmProject)
      .map((r) => JSON.stringify(r.body)),
  );
  const amocrm = spread(lines("amocrm/webhooks.jsonl").map((l) => (JSON.parse(l) as { body: string }).body));
  const evolution = spread(lines("evolution/webhooks.jsonl"));
  return {
    keycrm: [...keycrm, ...real("keycrm-webhook", ".json")],
    amocrm: [...amocrm, ...real("amocrm-", ".urlencoded")],
    evolution: [...evolution, ...real("evolution-", ".json")],
  };
}

type Source = "keycrm" | "amocrm" | "evolution";

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** JSON bodies: a delivery as recorded, or mutated. */
function jsonBodies(corpus: readonly string[]): fc.Arbitrary<{ body: string; note: string }> {
  const recorded = fc.constantFrom(...corpus);
  const parsed = recorded.map((t) => JSON.parse(t) as unknown);
  return fc.oneof(
    { weight: 2, arbitrary: recorded.map((body) => ({ body, note: "body: recorded delivery" })) },
    {
      weight: 5,
      arbitrary: fc.tuple(parsed, unit, hostileJson).map(([v, at, h]) => ({
        body: toJsonText(mutateAt(v, at, h)),
        note: "body: a node replaced",
      })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(parsed, unit).map(([v, at]) => ({
        body: JSON.stringify(mutateAt(v, at, DELETE)) ?? "",
        note: "body: a node deleted",
      })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(recorded, unit).map(([t, cut]) => ({
        body: t.slice(0, Math.floor(cut * t.length)),
        note: "body: truncated",
      })),
    },
    {
      // Deep nesting at a real member: where a normalizer would walk or copy it.
      weight: 2,
      arbitrary: fc
        .tuple(
          recorded,
          fc.oneof(fc.integer({ min: 10, max: 200 }), fc.integer({ min: 200, max: 150_000 })),
          fc.constantFrom<"array" | "object">("array", "object"),
          fc.constantFrom('"data":', '"context":', '"message":', '"key":', '"id":'),
        )
        .map(([t, depth, kind, member]) => {
          const at = t.indexOf(member);
          const body =
            at < 0
              ? nestedJson(depth, kind)
              : `${t.slice(0, at + member.length)}${nestedJson(depth, kind)},"x":${t.slice(at + member.length)}`;
          return { body, note: `body: nested ${depth} deep at ${member}` };
        }),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 10_000, max: 300_000 }).map((n) => ({
        body: `{"event":"messages.upsert","data":[${"0,".repeat(n)}0]}`,
        note: `body: array of ${n}`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          hostileJson.map((v) => toJsonText(v)),
          fc.constantFrom("", " ", "\u0000", "{", "[", '{"a":1}}', "\ufeff{}"),
        )
        .map((body) => ({ body, note: "body: not a delivery" })),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 400 })
        .map((b) => ({ body: Buffer.from(b).toString("latin1"), note: "body: random bytes" })),
    },
  );
}

function pairsOf(raw: string): [string, string][] {
  return raw.split("&").map((p) => {
    const i = p.indexOf("=");
    return i < 0 ? [p, ""] : [p.slice(0, i), p.slice(i + 1)];
  });
}

function joinPairs(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

/** Form bodies: an amoCRM delivery as recorded, or mutated. */
function formBodies(corpus: readonly string[]): fc.Arbitrary<{ body: string; note: string }> {
  const recorded = fc.constantFrom(...corpus);
  return fc.oneof(
    { weight: 2, arbitrary: recorded.map((body) => ({ body, note: "body: recorded delivery" })) },
    {
      weight: 5,
      arbitrary: fc.tuple(recorded, unit, hostileText, fc.boolean()).map(([raw, at, v, escaped]) => {
        const pairs = pairsOf(raw);
        const i = Math.floor(at * pairs.length);
        const key = pairs[i]?.[0] ?? "x";
        pairs[i] = [key, escaped ? percentEncode(v) : v.replace(/[&=#]/g, "")];
        return { body: joinPairs(pairs), note: `body: form value ${decodeSafe(key)} replaced` };
      }),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(recorded, unit).map(([raw, at]) => {
        const pairs = pairsOf(raw);
        const i = Math.floor(at * pairs.length);
        const key = pairs[i]?.[0] ?? "";
        pairs.splice(i, 1);
        return { body: joinPairs(pairs), note: `body: form member ${decodeSafe(key)} removed` };
      }),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(recorded, unit).map(([raw, cut]) => ({
        body: raw.slice(0, Math.floor(cut * raw.length)),
        note: "body: truncated form",
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(recorded, fc.integer({ min: 5, max: 3_000 })).map(([raw, depth]) => ({
        body: `${raw}&leads%5Bstatus%5D%5B0%5D%5Bid%5D${"%5Ba%5D".repeat(depth)}=1`,
        note: `body: form key ${depth} brackets deep`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 9_990, max: 12_000 }).map((n) => ({
        body: `leads[status][0][id]=1&leads[status][0][status_id]=2&${Array.from({ length: n }, (_, i) => `p${i}=1`).join("&")}`,
        note: `body: ${n + 2} form parameters`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          recorded,
          fc.constantFrom(
            "%",
            "%zz",
            "%E0%A4%A",
            "%C0%80",
            "%FF%FE",
            "%00",
            "%u0041",
            "+%",
            "&&&&",
            "=&=",
            "[",
            "]]]",
          ),
        )
        .map(([raw, junk]) => ({
          body: `${raw}${junk}`,
          note: `body: form ends in ${JSON.stringify(junk)}`,
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString("latin1")),
          fc.constantFrom("", "=", "&", "leads", "leads[]=1", "leads[status][0]=x", '{"leads":{}}', "\u0000"),
        )
        .map((body) => ({ body, note: "body: not a delivery" })),
    },
  );
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " ")).slice(0, 60);
  } catch {
    return s.slice(0, 60);
  }
}

/** The webhook fuzz cases over the three endpoints. */
export function webhookCases(corpus: WebhookCorpus, ctx: WebhookFuzzContext): fc.Arbitrary<FuzzRequest> {
  const bodies: Record<Source, fc.Arbitrary<{ body: string; note: string }>> = {
    keycrm: jsonBodies(corpus.keycrm),
    amocrm: formBodies(corpus.amocrm),
    evolution: jsonBodies(corpus.evolution),
  };
  const mediaType: Record<Source, string> = {
    keycrm: "application/json",
    amocrm: "application/x-www-form-urlencoded",
    evolution: "application/json",
  };
  return fc
    .constantFrom<Source>("keycrm", "amocrm", "evolution")
    .chain((source) =>
      fc.record({
        source: fc.constant(source),
        body: bodies[source],
        project: fc.oneof(
          { weight: 17, arbitrary: fc.constant("right") },
          { weight: 3, arbitrary: fc.constantFrom("wrong-kind", "unknown", "hostile", "empty") },
        ),
        hostileProject: hostileText,
        secret: fc.oneof(
          { weight: 14, arbitrary: fc.constant("query") },
          { weight: 3, arbitrary: fc.constantFrom("token", "header") },
          { weight: 3, arbitrary: fc.constantFrom("wrong", "none", "repeated", "bracketed", "hostile") },
        ),
        hostileSecret: hostileText,
        contentType: fc.constantFrom(
          "right",
          "right",
          "right",
          "right",
          "right",
          "right",
          "charset",
          "upper",
          "other",
          "none",
          "garbage",
          "multipart",
          "bad-charset",
        ),
        otherType: fc.constantFrom(
          "application/json",
          "application/x-www-form-urlencoded",
          "text/plain",
          "application/xml",
          "application/octet-stream",
        ),
        receivedAt: rarely(fc.oneof(fc.constantFrom(...ODD_DATES), hostileText), 6),
        junk: rarely(
          fc.tuple(fc.constantFrom("x", "secret", "project", "%zz", "__proto__[a]"), hostileText),
          10,
        ),
        method: rarely(fc.constantFrom("GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"), 30),
      }),
    )
    .map((c) => {
      const notes = [c.body.note];
      const project =
        c.project === "right"
          ? c.source === "keycrm"
            ? ctx.keycrmProject
            : ctx.amocrmProject
          : c.project === "wrong-kind"
            ? c.source === "keycrm"
              ? ctx.amocrmProject
              : ctx.keycrmProject
            : c.project === "unknown"
              ? "no-such-project"
              : c.project === "empty"
                ? ""
                : percentEncode(c.hostileProject);
      if (c.project !== "right") notes.push(`project: ${c.project}`);
      const query: string[] = [];
      const headers: Record<string, string> = {};
      const secret = percentEncode(ctx.secret);
      switch (c.secret) {
        case "query":
          query.push(`secret=${secret}`);
          break;
        case "token":
          query.push(`token=${secret}`);
          break;
        case "header":
          headers["x-webhook-secret"] = ctx.secret;
          break;
        case "wrong":
          query.push(`secret=${secret}x`);
          break;
        case "repeated":
          query.push(`secret=${secret}`, `secret=${secret}`);
          break;
        case "bracketed":
          query.push(`secret[]=${secret}`);
          break;
        case "hostile":
          query.push(`secret=${percentEncode(c.hostileSecret)}`);
          headers["x-webhook-secret"] = headerSafe(c.hostileSecret);
          break;
        default:
          break;
      }
      if (c.secret !== "query") notes.push(`secret: ${c.secret}`);
      if (c.junk) {
        query.push(`${c.junk[0]}=${percentEncode(c.junk[1])}`);
        notes.push(`extra query ${c.junk[0]}`);
      }
      const type = mediaType[c.source];
      const contentType: Record<string, string | null> = {
        right: type,
        charset: `${type}; charset=utf-8`,
        upper: type.toUpperCase(),
        other: c.otherType,
        none: null,
        garbage: ";;; =",
        multipart: "multipart/form-data; boundary=----x",
        "bad-charset": `${type}; charset=utf-16`,
      };
      const ct = contentType[c.contentType] ?? null;
      if (ct !== null) headers["content-type"] = ct;
      if (c.contentType !== "right") notes.push(`content-type: ${ct}`);
      if (c.receivedAt !== null) {
        headers["x-recorded-received-at"] = headerSafe(c.receivedAt);
        notes.push(`x-recorded-received-at: ${JSON.stringify(c.receivedAt.slice(0, 40))}`);
      }
      const method = c.method ?? "POST";
      if (method !== "POST") notes.push(`method ${method}`);
      const path = `/webhooks/${c.source}/${project}`;
      return {
        target: "ingest" as const,
        method,
        url: query.length > 0 ? `${path}?${query.join("&")}` : path,
        headers,
        ...(method === "GET" || method === "HEAD" ? {} : { body: c.body.body }),
        route: `POST /webhooks/${c.source}/{projectId}`,
        stream: false,
        note: notes.join("; "),
      };
    });
}
