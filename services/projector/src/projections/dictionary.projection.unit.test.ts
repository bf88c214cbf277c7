import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { aDictionarySynced } from "@pulse/events/testing";
import { dictionaryProjection } from "./dictionary.projection.js";
import { foldInMemory, rowsOf } from "./projection.js";

describe("dictionary projection", () => {
  test("given two syncs, when folded, then a dropped status is inactive and groups are kept", () => {
    const states = foldInMemory(dictionaryProjection, [
      aDictionarySynced(
        [
          { status_id: 1, group_id: 1 },
          { status_id: 2, group_id: 2 },
        ],
        "p",
      ),
      aDictionarySynced([{ status_id: 1, group_id: 1 }], "p"),
    ]);
    const rows = rowsOf(dictionaryProjection, states.values());
    assert.deepEqual(
      rows.statuses?.map((s) => [s.status_id, s.is_active, s.in_last_sync]),
      [
        [1, true, true],
        [2, false, false],
      ],
    );
    assert.deepEqual(
      rows.status_groups?.map((g) => g.group_id),
      [1, 2],
    );
  });
});
