/**
 * The text form of a dialog (SPEC "Shift deal table: … the dialog text of the window"): one line per
 * message, `[YYYY-MM-DD HH:MM UTC] client: text` (`manager:` for an outgoing message; `[media]`,
 * e.g. `[image]`, for a message without text). It is the format the query API builds from
 * `rm.messages` when no shift deal row holds a dialog's text (`services/query/src/dialogs/dialogs.repository.ts`,
 * `messagesTextSql`), so both sources show the same text.
 */
import { Temporal } from "@js-temporal/polyfill";
import { type InstantInput, toEpochMs } from "./instant-input.js";
import { type ResolvedTimeZone, resolveTimeZone } from "./zone-offsets.js";

/**
 * One message of a dialog as {@link formatDialogText} needs it: `sentAt` an instant (ISO-8601 with
 * `Z`/offset, or epoch ms), `text` null or the message text, `media` the attachment kind or null.
 */
export interface DialogTextMessage {
  readonly direction: "incoming" | "outgoing";
  readonly text: string | null;
  readonly media: string | null;
  readonly sentAt: InstantInput;
}

/**
 * `2026-10-21 17:05` in `zone` (minutes truncated, as Postgres `to_char(… 'HH24:MI')`). UTC and fixed
 * offsets take the `Date` path: this runs for every message of every shift in a replay.
 */
function wallMinute(epochMs: number, zone: ResolvedTimeZone): string {
  if (zone.fixedOffsetMs !== null) {
    const iso = new Date(epochMs + zone.fixedOffsetMs).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  }
  const t = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(zone.id);
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `${String(t.year).padStart(4, "0")}-${p2(t.month)}-${p2(t.day)} ${p2(t.hour)}:${p2(t.minute)}`;
}

/**
 * The dialog text of `messages`, in the order given (callers sort by `sent_at`, then `message_id`),
 * lines joined by `\n`; `""` for no message. Each line is `[{local date} {HH:MM} {label}] {who}: {body}`:
 * `who` is `client` for incoming and `manager` for outgoing; `body` the text when not null (kept as
 * is, even empty), else `[{media}]`, `[media]` when the kind is unknown too. `timeZone` (default
 * `UTC`, the label then being `UTC`) is an IANA name or `±hh:mm`; another zone shows local times and
 * its id as the label (`[2026-10-21 22:05 +05:00]`).
 * @throws RangeError when a `sentAt` is not a valid instant or the zone is unknown.
 */
export function formatDialogText(messages: readonly DialogTextMessage[], timeZone = "UTC"): string {
  const zone = resolveTimeZone(timeZone);
  const lines = messages.map((m) => {
    const who = m.direction === "incoming" ? "client" : "manager";
    const body = m.text ?? `[${m.media ?? "media"}]`;
    return `[${wallMinute(toEpochMs(m.sentAt, "sentAt"), zone)} ${zone.id}] ${who}: ${body}`;
  });
  return lines.join("\n");
}
