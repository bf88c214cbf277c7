import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type AdTeam, attributeUtmSource, DEFAULT_AD_TEAMS } from "./attribution.js";

const FIXTURES_DIR = resolve(
  process.env["FIXTURES_DIR"] ??
    join(fileURLToPath(new URL("../../../", import.meta.url)), "../shared/fixtures"),
);
const expectedCountsPath = join(FIXTURES_DIR, "amocrm/expected-counts.json");

/** What a fixture's `intended` text says the attribution must be. */
type Intended =
  | { kind: "team"; team: string; confidence: "high" | "medium"; rule: string; pattern?: string }
  | { kind: "none" }
  | { kind: "ambiguous" }
  | { kind: "trap"; substringTeam: string };

function parseIntended(text: string): Intended {
  if (text.startsWith("AMBIGUOUS")) return { kind: "ambiguous" };
  if (text.startsWith("no team")) return { kind: "none" };
  const trap = /^TRAP: .*-> (\w+) by substring, though not an? \1 ad/.exec(text);
  if (trap?.[1]) return { kind: "trap", substringTeam: trap[1] };
  const team = /^(\w+): (.*)\((high|medium)\)/.exec(text);
  if (!team?.[1] || !team[2] || !team[3]) throw new Error(`unknown intended rule: ${text}`);
  const confidence = team[3] as "high" | "medium";
  if (team[2].startsWith("exact utm_source"))
    return { kind: "team", team: team[1], confidence, rule: "exact_utm_source" };
  if (team[2].startsWith("fb_<team>")) return { kind: "team", team: team[1], confidence, rule: "fb_team" };
  const pattern = /pattern (?:'([^']+)'|([^\s,(]+))/.exec(team[2]);
  const name = pattern?.[1] ?? pattern?.[2];
  if (!name) throw new Error(`unknown intended rule: ${text}`);
  return { kind: "team", team: team[1], confidence, rule: "pattern", pattern: name };
}

describe(
  "attributeUtmSource against fixtures/amocrm/expected-counts.json utm_sources",
  {
    skip: !existsSync(expectedCountsPath) && "fixtures not found",
  },
  () => {
    const utmSources = existsSync(expectedCountsPath)
      ? (
          JSON.parse(readFileSync(expectedCountsPath, "utf8")) as {
            utm_sources: Record<string, { intended: string }>;
          }
        ).utm_sources
      : {};

    test("given the fixture, when read, then it covers every kind of rule", () => {
      const kinds = new Set(Object.values(utmSources).map((v) => parseIntended(v.intended).kind));
      assert.deepEqual([...kinds].sort(), ["ambiguous", "none", "team", "trap"]);
    });

    for (const [value, { intended }] of Object.entries(utmSources)) {
      const want = parseIntended(intended);
      test(`given utm_source ${JSON.stringify(value)}, when attributed, then ${intended}`, () => {
        const got = attributeUtmSource(value);
        switch (want.kind) {
          case "team":
            assert.equal(got.status, "attributed");
            assert.equal(got.team, want.team);
            assert.equal(got.confidence, want.confidence);
            if (got.status === "attributed") {
              assert.equal(got.match.rule, want.rule);
              if (want.pattern !== undefined) assert.equal(got.match.matched, want.pattern);
            }
            break;
          case "none":
            assert.deepEqual(got, { status: "unattributed", team: null, confidence: "low" });
            break;
          case "ambiguous":
            assert.equal(got.status, "ambiguous");
            assert.equal(got.team, null);
            assert.equal(got.confidence, "low");
            if (got.status === "ambiguous") assert.equal(got.candidates.length, 2);
            break;
          case "trap":
            // Decision documented in attribution.ts: patterns match at the start of a token, so `ast_`
            // inside `podcast_` does not make it an Arystan ad; the literal substring rule would.
            assert.equal(got.status, "unattributed");
            assert.equal(
              attributeUtmSource(value, DEFAULT_AD_TEAMS, { match: "substring" }).team,
              want.substringTeam,
            );
            break;
        }
      });
    }
  },
);

describe("attributeUtmSource rules", () => {
  test("given pb_agency, when attributed, then it is ambiguous between Kenesary and Traf4 with both matches", () => {
    assert.deepEqual(attributeUtmSource("pb_agency"), {
      status: "ambiguous",
      team: null,
      confidence: "low",
      candidates: ["Kenesary", "Traf4"],
      matches: [
        { team: "Kenesary", rule: "pattern", matched: "pb_agency" },
        { team: "Traf4", rule: "pattern", matched: "pb_agency" },
      ],
    });
  });

  test("given a value that matches patterns of two teams, when attributed, then ambiguous, never the first team", () => {
    const got = attributeUtmSource("tripwire_alex");
    assert.equal(got.status, "ambiguous");
    if (got.status === "ambiguous") assert.deepEqual(got.candidates, ["Kenesary", "Traf4"]);
  });

  test("given an exact utm_source in any case and with spaces around, when attributed, then high", () => {
    const got = attributeUtmSource("  MUHA ");
    assert.equal(got.team, "Muha");
    assert.equal(got.confidence, "high");
  });

  test("given fb_<team> spelled with a dash or glued, when attributed, then medium by the fb rule", () => {
    for (const value of ["fb_muha", "FB-Traf4", "fbarystan"]) {
      const got = attributeUtmSource(value);
      assert.equal(got.status, "attributed", value);
      if (got.status === "attributed") assert.equal(got.match.rule, "fb_team", value);
    }
  });

  test("given KENJI_stories from the fixtures README, when attributed, then Kenesary by pattern kenji", () => {
    const got = attributeUtmSource("KENJI_stories");
    assert.equal(got.team, "Kenesary");
    assert.equal(got.status === "attributed" && got.match.matched, "kenji");
  });

  test("given patterns inside other words, when attributed by token start, then no team", () => {
    for (const value of ["webinar_oct", "salon aigerim", "ultimate_sale", "podcast_evening"]) {
      assert.equal(attributeUtmSource(value).status, "unattributed", value);
    }
  });

  test("given a pattern after a separator or at the start, when attributed, then it matches", () => {
    assert.equal(attributeUtmSource("promo.tima-target").team, "Muha");
    assert.equal(attributeUtmSource("ig/ar_stories").team, "Arystan");
  });

  test("given null, empty or blank, when attributed, then unattributed", () => {
    for (const value of [null, undefined, "", "   "]) {
      assert.equal(attributeUtmSource(value).status, "unattributed");
    }
  });

  test("given two teams configured with the same utm_source, when attributed, then ambiguous at high level", () => {
    const teams: AdTeam[] = [
      { name: "A", utmSource: "shared", patterns: [] },
      { name: "B", utmSource: "Shared", patterns: [] },
    ];
    const got = attributeUtmSource("shared", teams);
    assert.equal(got.status, "ambiguous");
    if (got.status === "ambiguous") assert.deepEqual(got.candidates, ["A", "B"]);
  });

  test("given an exact utm_source that another team's pattern also contains, when attributed, then the exact team wins", () => {
    const teams: AdTeam[] = [
      { name: "A", utmSource: "traf4", patterns: [] },
      { name: "B", utmSource: "b", patterns: ["traf"] },
    ];
    assert.equal(attributeUtmSource("traf4", teams).team, "A");
  });
});
