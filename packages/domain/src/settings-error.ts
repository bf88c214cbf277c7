/**
 * One problem found while validating project settings (working hours, SLA grids, urgent rules,
 * cycle rules, order overrides).
 *
 * - `path`: where the problem is, in the settings' own JSON field names, e.g.
 *   `working_hours.mon[1]`, `grids.urgent.3`, `urgent_rules[0].match_value`.
 * - `message`: a sentence for the admin who typed the value, quoting it.
 */
export interface SettingsIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Thrown by the settings parsers of this package (`parseWorkingCalendar`, `parseSlaSettings`,
 * `parseUrgentRules`, `parseCycleRules`, `parseOrderOverrides`) and by the functions that compile a
 * hand-built value of those shapes. It lists **every** issue found, not just the first, so a settings
 * form can show them all at once. Stable `code` `invalid_settings`; an HTTP adapter maps it to 400
 * (STYLE.md "Errors").
 */
export class SettingsError extends Error {
  /** Stable error code: always `invalid_settings`. */
  readonly code = "invalid_settings" as const;
  /** All issues, in the order they were found (never empty). */
  readonly issues: readonly SettingsIssue[];

  constructor(issues: readonly SettingsIssue[]) {
    super(
      issues.length === 1
        ? `invalid settings: ${issues[0]?.path}: ${issues[0]?.message}`
        : `invalid settings (${issues.length} issues): ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    );
    this.name = "SettingsError";
    this.issues = issues;
  }
}

/** Collects issues while a parser walks a settings value; throws them all at the end. */
export class IssueCollector {
  readonly issues: SettingsIssue[] = [];

  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  /** @throws SettingsError when at least one issue was added. */
  throwIfAny(): void {
    if (this.issues.length > 0) throw new SettingsError(this.issues);
  }
}

/** `JSON.stringify` for quoting a user value in a message, bounded in length. */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
