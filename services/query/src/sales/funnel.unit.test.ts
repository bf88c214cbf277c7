import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type FunnelInterval,
  LOST_STATUS,
  median,
  orderStages,
  pipelineFunnel,
  WON_STATUS,
} from "./funnel.js";

const P = 100;
const OTHER = 200;
const STAGES = [
  { statusId: WON_STATUS, name: "Won", sort: 10_000 },
  { statusId: 2, name: "Contacted", sort: 20 },
  { statusId: LOST_STATUS, name: "Lost", sort: 11_000 },
  { statusId: 1, name: "New", sort: 10 },
  { statusId: 3, name: "Invoice", sort: 30 },
];

/** Intervals of one lead through `path` ([status, working seconds | null for open]). */
function lead(leadId: number, path: [number, number | null, number?][]): FunnelInterval[] {
  return path.map(([statusId, ws, pipelineId], i) => ({
    leadId,
    seq: i + 1,
    statusId,
    pipelineId: pipelineId ?? P,
    workingSeconds: ws,
    closed: ws !== null,
  }));
}

describe("pipeline funnel", () => {
  test("given stages with any sort, when ordered, then open stages by sort come first, then 142, then 143", () => {
    assert.deepEqual(
      orderStages(STAGES).map((s) => s.statusId),
      [1, 2, 3, WON_STATUS, LOST_STATUS],
    );
  });

  test("given leads that skip, return and get lost, when the funnel is built, then reached counts up to the furthest stage, entered only real visits, lost the stage before 143", () => {
    const intervals = [
      ...lead(1, [
        [1, 60],
        [2, 120],
        [3, 300],
        [WON_STATUS, null],
      ]), // won
      ...lead(2, [
        [1, 30],
        [3, 100],
        [LOST_STATUS, null],
      ]), // skipped 2, lost from 3
      ...lead(3, [
        [1, 10],
        [2, 20],
        [1, 40],
        [LOST_STATUS, null],
      ]), // returned to 1, lost from 1
      ...lead(4, [[1, null]]), // still new
    ];
    const f = pipelineFunnel(P, STAGES, intervals);
    assert.equal(f.leads, 4);
    const by = new Map(f.stages.map((s) => [s.statusId, s]));
    assert.deepEqual(
      f.stages.map((s) => [s.statusId, s.entered, s.reached, s.lost]),
      [
        [1, 4, 4, 1],
        [2, 2, 3, 0],
        [3, 2, 2, 1],
        [WON_STATUS, 1, 1, 0],
        [LOST_STATUS, 2, 2, 0],
      ],
    );
    assert.equal(by.get(1)?.conversionFromPrevious, null);
    assert.equal(by.get(2)?.conversionFromPrevious, 75);
    assert.equal(by.get(3)?.conversionFromPrevious, 66.7);
    assert.equal(by.get(WON_STATUS)?.conversionFromPrevious, 50);
    assert.equal(by.get(LOST_STATUS)?.conversionFromPrevious, null);
    // Lead 3 was twice in stage 1: its time there is 10 + 40 = 50; lead 4's open interval is not measured.
    assert.equal(by.get(1)?.medianWorkingSeconds, 50); // median of 60, 30, 50
    assert.equal(by.get(2)?.medianWorkingSeconds, 70); // (120 + 20) / 2
    assert.equal(by.get(WON_STATUS)?.medianWorkingSeconds, null);
  });

  test("given a lead moved in from another pipeline, when the funnel is built, then only its intervals in this pipeline count", () => {
    const intervals = lead(7, [
      [1, 10, OTHER],
      [2, 20, OTHER],
      [1, 30],
      [LOST_STATUS, null],
    ]);
    const f = pipelineFunnel(P, STAGES, intervals);
    assert.equal(f.leads, 1);
    assert.deepEqual(
      f.stages.map((s) => [s.statusId, s.entered, s.reached, s.lost]),
      [
        [1, 1, 1, 1],
        [2, 0, 0, 0],
        [3, 0, 0, 0],
        [WON_STATUS, 0, 0, 0],
        [LOST_STATUS, 1, 1, 0],
      ],
    );
    assert.equal(f.stages[0]?.medianWorkingSeconds, 30);
  });

  test("given a stage missing from the dictionary, when the funnel is built, then it is listed after the known open stages", () => {
    const f = pipelineFunnel(
      P,
      STAGES,
      lead(1, [
        [1, 5],
        [99, 5],
        [WON_STATUS, null],
      ]),
    );
    assert.deepEqual(
      f.stages.map((s) => s.statusId),
      [1, 2, 3, 99, WON_STATUS, LOST_STATUS],
    );
  });

  test("given even and odd counts, when the median is taken, then it is the middle value or the mean of the two", () => {
    assert.equal(median([]), null);
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
});
