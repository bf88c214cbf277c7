import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { normalizePhone, type PhoneRegion } from "./phones.js";

const FIXTURES_DIR = resolve(
  process.env["FIXTURES_DIR"] ??
    join(fileURLToPath(new URL("../../../", import.meta.url)), "../shared/fixtures"),
);

describe("normalizePhone table", () => {
  const cases: ReadonlyArray<[raw: string, region: PhoneRegion, expected: string | null]> = [
    // Kazakh formats of the amoCRM fixtures (fixtures/README.md "phone formats")
    ["+7 701 234 56 78", "KZ", "+77012345678"],
    ["87012345678", "KZ", "+77012345678"],
    ["77012345678", "KZ", "+77012345678"],
    ["8 (701) 234-56-78", "KZ", "+77012345678"],
    ["+77012345678", "KZ", "+77012345678"],
    ["+7(701)234-5678", "KZ", "+77012345678"],
    ["  +7 707 300 11 22 ", "KZ", "+77073001122"],
    ["00 7 701 234 56 78", "KZ", "+77012345678"],
    // Russian numbers share country code 7
    ["8 (912) 345-67-89", "KZ", "+79123456789"],
    ["+7 912 345 67 89", "RU", "+79123456789"],
    // Ukrainian: international, national with trunk 0, and digits without + in a KZ project
    ["+380 67 123 4567", "UA", "+380671234567"],
    ["+380671234567", "KZ", "+380671234567"],
    ["067 123 45 67", "UA", "+380671234567"],
    ["380671234567", "KZ", "+380671234567"],
    ["77012345678", "UA", "+77012345678"],
    // WhatsApp JIDs (Evolution API keys)
    ["77011234567@s.whatsapp.net", "KZ", "+77011234567"],
    ["77011234567:23@s.whatsapp.net", "KZ", "+77011234567"],
    ["380671234567@s.whatsapp.net", "KZ", "+380671234567"],
    ["77011234567@c.us", "UA", "+77011234567"],
    ["123456789012345@lid", "KZ", null],
    ["120363025246125486@g.us", "KZ", null],
    ["status@broadcast", "KZ", null],
    // not phones
    ["", "KZ", null],
    ["   ", "KZ", null],
    ["12345", "KZ", null],
    ["anna.a22@gmail.com", "KZ", null],
    ["+7 701 234", "KZ", null],
    ["не указан", "KZ", null],
  ];
  for (const [raw, region, expected] of cases) {
    test(`given ${JSON.stringify(raw)} in ${region}, when normalised, then ${expected ?? "null"}`, () => {
      assert.equal(normalizePhone(raw, region), expected);
    });
  }

  test("given null or undefined, when normalised, then null", () => {
    assert.equal(normalizePhone(null, "KZ"), null);
    assert.equal(normalizePhone(undefined, "KZ"), null);
  });
});

describe("normalizePhone properties", () => {
  test("given any Kazakh mobile written in any fixture format, when normalised, then the E.164 form is the same and stable", () => {
    const formats: Array<(d: string) => string> = [
      (d) => `+7 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6, 8)} ${d.slice(8)}`,
      (d) => `8${d}`,
      (d) => `7${d}`,
      (d) => `8 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`,
      (d) => `+7${d}`,
      (d) => `+7(${d.slice(0, 3)})${d.slice(3, 6)}-${d.slice(6)}`,
      (d) => `7${d}@s.whatsapp.net`,
    ];
    const kzMobile = fc
      .tuple(
        fc.constantFrom("700", "701", "702", "705", "707", "747", "771", "775", "776", "777", "778"),
        fc.integer({ min: 0, max: 9_999_999 }),
      )
      .map(([prefix, n]) => `${prefix}${String(n).padStart(7, "0")}`);
    fc.assert(
      fc.property(kzMobile, fc.constantFrom(...formats), (national, format) => {
        const e164 = normalizePhone(format(national), "KZ");
        assert.equal(e164, `+7${national}`);
        assert.equal(normalizePhone(e164, "UA"), e164);
      }),
    );
  });
});

const contactsDir = join(FIXTURES_DIR, "amocrm/contacts");
describe(
  "normalizePhone over the amoCRM contact fixtures",
  { skip: !existsSync(contactsDir) && "fixtures not found" },
  () => {
    interface Contact {
      custom_fields_values: Array<{ field_code: string | null; values: Array<{ value: string }> }> | null;
    }
    const shapes: Record<string, RegExp> = {
      plus_spaced: /^\+7 \d{3} \d{3} \d{2} \d{2}$/,
      eight: /^8\d{10}$/,
      seven: /^7\d{10}$/,
      eight_paren: /^8 \(\d{3}\) \d{3}-\d{2}-\d{2}$/,
      plus: /^\+7\d{10}$/,
      plus_paren_dash: /^\+7\(\d{3}\)\d{3}-\d{4}$/,
    };

    test("given every PHONE value of every contact, when normalised, then each is a +7 E.164 number and the formats match expected-counts.json", () => {
      const expected = JSON.parse(
        readFileSync(join(FIXTURES_DIR, "amocrm/expected-counts.json"), "utf8"),
      ) as {
        contacts: {
          distinct: number;
          with_two_phones: number;
          without_phone: number;
          phone_formats: Record<string, number>;
        };
      };
      const byShape: Record<string, number> = {};
      let contacts = 0;
      let withTwo = 0;
      let without = 0;
      const failures: string[] = [];
      for (const file of readdirSync(contactsDir).filter((f) => f.endsWith(".json"))) {
        contacts += 1;
        const contact = JSON.parse(readFileSync(join(contactsDir, file), "utf8")) as Contact;
        const phones = (contact.custom_fields_values ?? [])
          .filter((f) => f.field_code === "PHONE")
          .flatMap((f) => f.values.map((v) => v.value));
        if (phones.length === 0) without += 1;
        if (phones.length === 2) withTwo += 1;
        for (const raw of phones) {
          const e164 = normalizePhone(raw, "KZ");
          if (
            e164 === null ||
            !/^\+7\d{10}$/.test(e164) ||
            e164.slice(2) !== raw.replace(/\D/g, "").slice(-10)
          ) {
            failures.push(`${file}: ${raw} → ${e164}`);
          }
          const shape = Object.keys(shapes).find((k) => shapes[k]?.test(raw)) ?? `unknown: ${raw}`;
          byShape[shape] = (byShape[shape] ?? 0) + 1;
        }
      }
      assert.deepEqual(failures, []);
      assert.equal(contacts, expected.contacts.distinct);
      assert.equal(withTwo, expected.contacts.with_two_phones);
      assert.equal(without, expected.contacts.without_phone);
      assert.deepEqual(byShape, expected.contacts.phone_formats);
      assert.equal(
        Object.values(byShape).reduce((a, b) => a + b, 0),
        182,
      );
    });
  },
);
