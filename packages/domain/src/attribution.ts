/**
 * Sales attribution to ad teams by `utm_source` (SPEC "amoCRM deals", "Attribution to ad teams"):
 * per team a utm_source and a list of case-insensitive patterns; confidence `high` for the team's exact
 * utm_source, `medium` for a pattern or `fb_<team>`, `low` for none. A value that points at more than
 * one team is reported as ambiguous with its candidates and never attributed to one of them.
 *
 * Pattern matching — the one decision taken beyond the SPEC text: a pattern matches case-insensitively
 * as a substring **that starts a token** — at the start of the value or right after a character that is
 * neither a letter nor a digit (`_`, `-`, space, `.`, `/` …). Reason: the SPEC patterns are written as
 * token prefixes (`ar_`, `ast_` carry their separator; `kab3`, `1day`, `kenji` are campaign words), and
 * plain substring search lets them fire inside unrelated words: `ast_` in `podcast_evening` (the
 * fixture trap, "not an Arystan ad"), `ar_` in `webinar_oct`, `on ai` in `salon aigerim`, `tima` in
 * `ultimate`. Every intended match of the fixture corpus starts a token, so nothing is lost. The plain
 * SPEC substring rule stays available as `{ match: "substring" }`.
 */

/** An ad team: display name, its own utm_source, and its case-insensitive patterns. */
export interface AdTeam {
  readonly name: string;
  readonly utmSource: string;
  readonly patterns: readonly string[];
}

/**
 * The teams of the SPEC example (Kenesary, Arystan, Muha, Traf4) with their pattern lists.
 * `pb_agency` is listed under two teams, Kenesary and Traf4, as in the design note the SPEC quotes;
 * values matching it are therefore always ambiguous.
 */
export const DEFAULT_AD_TEAMS: readonly AdTeam[] = Object.freeze([
  {
    name: "Kenesary",
    utmSource: "kenesary",
    patterns: ["tripwire", "nutcab", "kenesary", "nutrients", "kab3", "1day", "kenji", "kenes", "pb_agency"],
  },
  { name: "Arystan", utmSource: "arystan", patterns: ["arystan", "ar_", "ast_", "rm almaty", "rm_almaty"] },
  {
    name: "Muha",
    utmSource: "muha",
    patterns: [
      "onai",
      "on ai",
      "запуск",
      "muha",
      "yourmarketolog",
      "maqtakyz",
      "residence",
      "yourteam",
      "tima",
    ],
  },
  {
    name: "Traf4",
    utmSource: "traf4",
    patterns: ["alex", "traf4", "proftest", "smmmcwin", "3-1", "pb_agency"],
  },
]);

/** `high` (exact utm_source), `medium` (pattern or `fb_<team>`), `low` (no team, or ambiguous). */
export type AttributionConfidence = "high" | "medium" | "low";

/** Which rule matched: the team's exact utm_source, `fb_<team>`, or one of its patterns. */
export type AttributionRule = "exact_utm_source" | "fb_team" | "pattern";

/** One team a value matched, by which rule and which pattern (or utm_source) text. */
export interface AttributionMatch {
  readonly team: string;
  readonly rule: AttributionRule;
  readonly matched: string;
}

/**
 * The result for one utm_source value.
 * - `attributed`: exactly one team; `confidence` `high` or `medium`; `match` says why.
 * - `ambiguous`: several teams at the deciding level; `team` is `null`, `confidence` `low`,
 *   `candidates` lists the team names in configuration order, `matches` every match found.
 * - `unattributed`: no team (also for `null`, empty or blank values); `confidence` `low`.
 */
export type Attribution =
  | {
      readonly status: "attributed";
      readonly team: string;
      readonly confidence: "high" | "medium";
      readonly match: AttributionMatch;
    }
  | {
      readonly status: "ambiguous";
      readonly team: null;
      readonly confidence: "low";
      readonly candidates: readonly string[];
      readonly matches: readonly AttributionMatch[];
    }
  | { readonly status: "unattributed"; readonly team: null; readonly confidence: "low" };

/** Options: `match: "token_start"` (default, see the module comment) or `"substring"` (the literal SPEC rule). */
export interface AttributionOptions {
  readonly match?: "token_start" | "substring";
}

const fold = (s: string): string => s.normalize("NFC").trim().toLowerCase();
const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

function containsPattern(value: string, pattern: string, mode: "token_start" | "substring"): boolean {
  if (pattern === "") return false;
  for (let i = value.indexOf(pattern); i >= 0; i = value.indexOf(pattern, i + 1)) {
    if (mode === "substring" || !isWordChar(value[i - 1])) return true;
  }
  return false;
}

function decide(matches: AttributionMatch[], confidence: "high" | "medium"): Attribution | null {
  const candidates = [...new Set(matches.map((m) => m.team))];
  if (candidates.length === 0) return null;
  const first = matches[0];
  if (candidates.length === 1 && first !== undefined) {
    return { status: "attributed", team: first.team, confidence, match: first };
  }
  return { status: "ambiguous", team: null, confidence: "low", candidates, matches };
}

/**
 * Attributes one `utm_source` value to an ad team. The value is trimmed and case-folded first. Rules in
 * order, the first level with any match decides:
 * 1. exact: the value equals a team's `utmSource` → `high`;
 * 2. `fb_<team>`: the value is `fb_`/`fb-`/`fb` + a team's utm_source or name (`fb_kenesary`,
 *    `fbarystan`) → `medium`;
 * 3. patterns: the value contains a team's pattern (see the module comment for the token rule) → `medium`.
 * When the deciding level matches several teams the result is `ambiguous` (never a guess). Pure, total.
 */
export function attributeUtmSource(
  utmSource: string | null | undefined,
  teams: readonly AdTeam[] = DEFAULT_AD_TEAMS,
  options: AttributionOptions = {},
): Attribution {
  const unattributed: Attribution = { status: "unattributed", team: null, confidence: "low" };
  if (typeof utmSource !== "string") return unattributed;
  const value = fold(utmSource);
  if (value === "") return unattributed;
  const mode = options.match ?? "token_start";

  const exact = teams
    .filter((t) => fold(t.utmSource) !== "" && fold(t.utmSource) === value)
    .map((t): AttributionMatch => ({ team: t.name, rule: "exact_utm_source", matched: t.utmSource }));
  const byExact = decide(exact, "high");
  if (byExact) return byExact;

  const fbTeam = /^fb[_-]?(.+)$/.exec(value)?.[1];
  const fb =
    fbTeam === undefined
      ? []
      : teams
          .filter((t) => fold(t.utmSource) === fbTeam || fold(t.name) === fbTeam)
          .map((t): AttributionMatch => ({ team: t.name, rule: "fb_team", matched: value }));
  const byFb = decide(fb, "medium");
  if (byFb) return byFb;

  const patterns = teams.flatMap((t) =>
    t.patterns
      .filter((p) => containsPattern(value, fold(p), mode))
      .map((p): AttributionMatch => ({ team: t.name, rule: "pattern", matched: p })),
  );
  return decide(patterns, "medium") ?? unattributed;
}
