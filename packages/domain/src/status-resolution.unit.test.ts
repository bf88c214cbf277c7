import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type DictionaryStatusEntry,
  indexStatusDictionary,
  isClosingInDictionary,
  resolveStatus,
} from "./status-resolution.js";

const row = (group_id: number, status_id: number, extra: Partial<DictionaryStatusEntry> = {}) => ({
  group_id,
  status_id,
  is_closing_order: false,
  in_last_sync: true,
  ...extra,
});

// KeyCRM-like: status 12 "Виконано" in group 5 closes; status 21 in group 2.
const keycrm = indexStatusDictionary([row(1, 1), row(2, 21), row(5, 12, { is_closing_order: true })]);
// amoCRM-like: 142/143 in both pipelines, closing per the pipelines dictionary.
const amocrm = indexStatusDictionary(
  [10350882, 10418746]
    .flatMap((p) => [row(p, 142, { is_closing_order: true }), row(p, 143, { is_closing_order: true })])
    .concat([row(10350882, 81854578)]),
);

describe("resolveStatus (SPEC Decided rules: Group of a status)", () => {
  test("given a webhook group that contradicts the dictionary, when resolved, then the dictionary's group wins", () => {
    assert.deepEqual(resolveStatus(keycrm, 21, 4), { group_id: 2, is_closing: false, source: "dictionary" });
    assert.deepEqual(resolveStatus(amocrm, 81854578, 10418746), {
      group_id: 10350882,
      is_closing: false,
      source: "dictionary",
    });
  });

  test("given a status the dictionary does not know, when the webhook carries a group, then the webhook's group is used", () => {
    assert.deepEqual(resolveStatus(keycrm, 99, 3), { group_id: 3, is_closing: false, source: "delivery" });
  });

  test("given a status unknown to both, when resolved, then the group is unknown and it does not close", () => {
    assert.deepEqual(resolveStatus(keycrm, 99, null), {
      group_id: null,
      is_closing: false,
      source: "unknown",
    });
    assert.deepEqual(resolveStatus(new Map(), 12, null), {
      group_id: null,
      is_closing: false,
      source: "unknown",
    });
  });

  test("given a KeyCRM minimal context without a group, when resolved, then the dictionary gives group and closing", () => {
    assert.deepEqual(resolveStatus(keycrm, 12, null), {
      group_id: 5,
      is_closing: true,
      source: "dictionary",
    });
  });

  test("given closing from the dictionary, when a status in a 'closing' group is not marked closing, then it does not close", () => {
    // No hard-coded groups: group 6 means nothing by itself.
    const dict = indexStatusDictionary([
      row(6, 19, { is_closing_order: false }),
      row(3, 30, { is_closing_order: true }),
    ]);
    assert.equal(resolveStatus(dict, 19, 6).is_closing, false);
    assert.equal(resolveStatus(dict, 30, null).is_closing, true);
    assert.equal(isClosingInDictionary(dict, 3, 30), true);
    assert.equal(isClosingInDictionary(dict, 6, 19), false);
    assert.equal(isClosingInDictionary(dict, null, 30), false);
  });

  test("given amoCRM 142 in several pipelines, when the webhook names one, then that pipeline and closing from it", () => {
    assert.deepEqual(resolveStatus(amocrm, 142, 10418746), {
      group_id: 10418746,
      is_closing: true,
      source: "dictionary",
    });
  });

  test("given amoCRM 142 in a pipeline the dictionary lacks, when resolved, then the webhook's pipeline and no closing", () => {
    assert.deepEqual(resolveStatus(amocrm, 142, 777), {
      group_id: 777,
      is_closing: false,
      source: "delivery",
    });
    assert.deepEqual(resolveStatus(amocrm, 142, null), {
      group_id: null,
      is_closing: false,
      source: "unknown",
    });
  });

  test("given a status moved to another group, when old events resolve, then the current group wins over the stale row", () => {
    const moved = indexStatusDictionary([
      row(5, 12, { in_last_sync: false, is_closing_order: true }),
      row(4, 12, { in_last_sync: true }),
    ]);
    assert.deepEqual(resolveStatus(moved, 12, 5), { group_id: 4, is_closing: false, source: "dictionary" });
    assert.equal(isClosingInDictionary(moved, 4, 12), false);
  });

  test("given a status no longer listed, when resolved, then its last known group still applies", () => {
    const gone = indexStatusDictionary([row(2, 26, { in_last_sync: false })]);
    assert.equal(resolveStatus(gone, 26, 4).group_id, 2);
  });
});

describe("resolveStatus and isClosingInDictionary agree", () => {
  test("given amoCRM 142 of a pipeline no longer listed, when delivered in it, then its group is the delivery's and it still closes", () => {
    const dict = indexStatusDictionary([
      row(1, 142, { is_closing_order: true }),
      row(2, 142, { is_closing_order: true }),
      row(9, 142, { is_closing_order: true, in_last_sync: false }),
    ]);
    const r = resolveStatus(dict, 142, 9);
    assert.equal(r.group_id, 9);
    assert.equal(r.is_closing, true);
    assert.equal(isClosingInDictionary(dict, 9, 142), r.is_closing);
  });
});
