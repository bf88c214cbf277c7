import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatDialogText } from "./dialog-text.js";

describe("formatDialogText", () => {
  test("given incoming, outgoing and a media-only message, when formatted in UTC, then it matches the query API's lines", () => {
    const text = formatDialogText([
      { direction: "incoming", text: "Здравствуйте", media: null, sentAt: "2026-10-22T03:00:59.999Z" },
      { direction: "outgoing", text: "Добрый день", media: null, sentAt: "2026-10-22T03:05:00.000Z" },
      { direction: "incoming", text: null, media: "image", sentAt: "2026-10-22T03:06:00.000Z" },
    ]);
    // The same string services/query's dialogs.int.test.ts expects from rm.messages.
    assert.equal(
      text,
      "[2026-10-22 03:00 UTC] client: Здравствуйте\n[2026-10-22 03:05 UTC] manager: Добрый день\n[2026-10-22 03:06 UTC] client: [image]",
    );
  });

  test("given no text and no media kind, when formatted, then the body is [media]", () => {
    assert.equal(
      formatDialogText([{ direction: "outgoing", text: null, media: null, sentAt: 0 }]),
      "[1970-01-01 00:00 UTC] manager: [media]",
    );
  });

  test("given no messages, when formatted, then the text is empty", () => {
    assert.equal(formatDialogText([]), "");
  });

  test("given +05:00 and 17:30Z, when formatted, then the local time and the date after midnight show", () => {
    assert.equal(
      formatDialogText(
        [{ direction: "incoming", text: "a", media: null, sentAt: "2026-10-21T19:30:00.000Z" }],
        "+05:00",
      ),
      "[2026-10-22 00:30 +05:00] client: a",
    );
    assert.equal(
      formatDialogText(
        [{ direction: "incoming", text: "a", media: null, sentAt: "2026-10-21T19:30:00.000Z" }],
        "Asia/Almaty",
      ),
      "[2026-10-22 00:30 Asia/Almaty] client: a",
    );
  });
});
