/**
 * Dates and durations as the dashboard shows them: instants in the project's time zone (IANA name,
 * e.g. `Europe/Kyiv`), in the UI language's conventions.
 */

/** `iso` (an ISO-8601 instant) as a date and time in `timeZone`; `—` for null. */
export function formatInstant(iso: string | null | undefined, timeZone: string, lang: string): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(lang, {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

/** `iso` as a time of day (with seconds) in `timeZone`. */
export function formatTime(iso: string, timeZone: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).format(new Date(iso));
}

const UNITS = {
  uk: ["д", "год", "хв", "с"],
  ru: ["д", "ч", "мин", "с"],
  en: ["d", "h", "min", "s"],
} as const;

/**
 * A duration of `seconds` in at most two units, largest first (`2 d 3 h`, `45 min`, `12 s`), with the
 * unit abbreviations of `lang` (`uk`, `ru`, else English). Negative or non-finite → `—`.
 */
export function formatDuration(seconds: number | null | undefined, lang: string): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return "—";
  const [d, h, m, s] =
    UNITS[
      (lang.slice(0, 2) as keyof typeof UNITS) in UNITS ? (lang.slice(0, 2) as keyof typeof UNITS) : "en"
    ];
  const total = Math.floor(seconds);
  const parts: [number, string][] = [
    [Math.floor(total / 86_400), d],
    [Math.floor((total % 86_400) / 3_600), h],
    [Math.floor((total % 3_600) / 60), m],
    [total % 60, s],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first < 0) return `0 ${s}`;
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n} ${u}`)
    .join(" ");
}

/** How long ago `iso` was, relative to `now`, in words of `lang` (`5 minutes ago`); `—` for null. */
export function formatAgo(iso: string | null | undefined, now: Date, lang: string): string {
  if (!iso) return "—";
  const diff = (new Date(iso).getTime() - now.getTime()) / 1000;
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  const abs = Math.abs(diff);
  if (abs < 60) return rtf.format(Math.round(diff), "second");
  if (abs < 3_600) return rtf.format(Math.round(diff / 60), "minute");
  if (abs < 86_400) return rtf.format(Math.round(diff / 3_600), "hour");
  return rtf.format(Math.round(diff / 86_400), "day");
}

/**
 * The start of local day `date` (`YYYY-MM-DD`) in `timeZone`, as an ISO instant: the instant whose
 * wall-clock time in the zone is that day's 00:00 (found by correcting the UTC guess by the zone's
 * offset, twice, which settles across a DST change).
 */
export function zonedDayStart(date: string, timeZone: string): string {
  return zonedLocalToInstant(`${date}T00:00`, timeZone);
}

/**
 * The instant whose wall-clock time in `timeZone` is `local` (`YYYY-MM-DDTHH:mm`, as an
 * `<input type="datetime-local">` gives it), as an ISO instant.
 */
export function zonedLocalToInstant(local: string, timeZone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  const [y, mo, d, h, mi] = (m?.slice(1) ?? []).map(Number);
  const target = Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0);
  let guess = target;
  for (let i = 0; i < 2; i++) guess = target - offsetMs(guess, timeZone);
  return new Date(guess).toISOString();
}

/** `iso` as the `YYYY-MM-DDTHH:mm` wall-clock time of `timeZone` (for a datetime-local input); `""` for null. */
export function instantToZonedLocal(iso: string | null, timeZone: string): string {
  if (!iso) return "";
  const ms = Date.parse(iso);
  return new Date(ms + offsetMs(ms, timeZone)).toISOString().slice(0, 16);
}

/** The zone's offset from UTC at instant `ms`, milliseconds (positive east of Greenwich). */
function offsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return asUtc - (ms - (ms % 1000));
}

/** Today's date (`YYYY-MM-DD`) in `timeZone` at `now`. */
export function zonedToday(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
}
