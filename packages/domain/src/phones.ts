/**
 * Phone normalisation to E.164, the join key between a deal's contacts and a chat
 * (SPEC "amoCRM deals": phones normalized to E.164; "Conversations and shifts": deal ↔ dialog by
 * normalized phone). Parsing and validation are libphonenumber-js's (Google libphonenumber metadata),
 * never home-made regexes: a national trunk prefix (`8` in Kazakhstan and Russia, `0` in Ukraine),
 * spaces, brackets and dashes are its business.
 */
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";

/** An ISO 3166-1 alpha-2 region code libphonenumber knows (`KZ`, `UA`, `RU`…), used for national formats. */
export type PhoneRegion = CountryCode;

/** WhatsApp JID domains whose user part is a phone number in international digits. */
const PHONE_JID_DOMAINS = new Set(["s.whatsapp.net", "c.us"]);

function validE164(candidate: string, region?: PhoneRegion): string | null {
  const parsed = parsePhoneNumberFromString(
    candidate,
    region === undefined ? {} : { defaultCountry: region },
  );
  return parsed?.isValid() ? parsed.number : null;
}

/**
 * Normalises a phone as people and chat APIs write it to E.164 (`+77012345678`), or returns `null`
 * when it is not a valid phone number.
 *
 * Accepted inputs:
 * - international with or without `+` and any spacing: `+7 701 234 56 78`, `+7(701)234-5678`,
 *   `77012345678`, `+380 67 123 4567`, `00 7 701 234 56 78`;
 * - national formats of `defaultRegion`: `87012345678` and `8 (701) 234-56-78` in KZ (8 is the trunk
 *   prefix), `067 123 4567` in UA;
 * - WhatsApp JIDs `77011234567@s.whatsapp.net` (also `…:12@s.whatsapp.net` with a device suffix and
 *   `@c.us`), whose user part is always international. `@lid`, `@g.us` and `status@broadcast` ids are
 *   not phones: `null`.
 *
 * A digits-only value that is not valid in `defaultRegion` is tried once more as international
 * (`380671234567` in a KZ project is Ukrainian), because chat APIs drop the `+`.
 * Validity is libphonenumber's: country code, leading digits and length must fit a known plan.
 */
export function normalizePhone(raw: string | null | undefined, defaultRegion: PhoneRegion): string | null {
  if (typeof raw !== "string") return null;
  const text = raw.trim();
  if (text === "") return null;

  const at = text.indexOf("@");
  if (at >= 0) {
    const domain = text.slice(at + 1).toLowerCase();
    const user = text.slice(0, at).split(":")[0] ?? "";
    if (!PHONE_JID_DOMAINS.has(domain) || !/^\d{6,15}$/.test(user)) return null;
    return validE164(`+${user}`);
  }

  const withoutIdd = text.replace(/^00(?=[\s(]*[1-9])/, "+");
  const national = validE164(withoutIdd, defaultRegion);
  if (national !== null) return national;
  if (withoutIdd.startsWith("+")) return null;
  const digits = withoutIdd.replace(/[\s().-]/g, "");
  return /^\d{8,15}$/.test(digits) ? validE164(`+${digits}`) : null;
}
