import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { resolveShiftSettings } from "@pulse/domain";
import { evolveAnalysisResult, qualificationComplete } from "./analysis-results.projection.js";
import {
  buildProjectShiftDeals,
  dealStateAt,
  type LeadStatusPoint,
  type ShiftMessage,
  shiftSettingsOf,
} from "./shift-deals.projection.js";

const msg = (
  id: string,
  phone: string,
  sentAt: string,
  direction = "incoming",
  text: string | null = id,
): ShiftMessage => ({
  source: "evolution",
  message_id: id,
  phone,
  direction,
  text,
  media: text === null ? "image" : null,
  sent_at: sentAt,
});

describe("dealStateAt", () => {
  const events: LeadStatusPoint[] = [
    { at: "2026-10-21T10:00:00.000Z", seq: 1, pipelineId: 10, statusId: 100, managerId: 7 },
    { at: "2026-10-21T18:00:00.000Z", seq: 2, pipelineId: 10, statusId: 142, managerId: 8 },
  ];

  test("given a stage change after the window's end, when the state at the end is asked, then the earlier stage counts", () => {
    const state = dealStateAt(
      events,
      { at: "2026-10-21T18:00:00.000Z", seq: 2, pipelineId: 10, statusId: 142, responsibleUserId: 8 },
      "2026-10-21T17:00:00.000Z",
    );
    assert.deepEqual(state, { responsible_user_id: 7, pipeline_id: 10, status_id: 100 });
  });

  test("given a snapshot newer than the last status event before the end, when asked, then the snapshot's stage and manager win", () => {
    const state = dealStateAt(
      events.slice(0, 1),
      { at: "2026-10-21T12:00:00.000Z", seq: 5, pipelineId: 11, statusId: 200, responsibleUserId: 9 },
      "2026-10-21T17:00:00.000Z",
    );
    assert.deepEqual(state, { responsible_user_id: 9, pipeline_id: 11, status_id: 200 });
  });

  test("given an event exactly at the end, when asked, then it belongs to the next window (end is exclusive)", () => {
    const state = dealStateAt(events, undefined, "2026-10-21T18:00:00.000Z");
    assert.equal(state.status_id, 100);
  });
});

describe("buildProjectShiftDeals", () => {
  const settings = resolveShiftSettings();

  test("given a chat-only dialog crossing 22:00 +05:00, when built, then it forms one phone row per shift with its own text and counts", () => {
    const rows = buildProjectShiftDeals(
      "p",
      settings,
      [
        msg("b", "+77010000001", "2026-10-21T16:59:00.000Z", "outgoing"),
        msg("a", "+77010000001", "2026-10-21T16:50:00.000Z"),
        msg("c", "+77010000001", "2026-10-21T17:00:00.000Z", "incoming", null),
      ],
      new Map(),
      new Map(),
      () => [],
      () => undefined,
    );
    assert.deepEqual(
      rows.map((r) => [r.shift_id, r.dialog_key, r.lead_id, r.incoming, r.outgoing, r.dialog_text]),
      [
        [
          "2026-10-20",
          "phone:+77010000001",
          null,
          1,
          1,
          "[2026-10-21 16:50 UTC] client: a\n[2026-10-21 16:59 UTC] manager: b",
        ],
        ["2026-10-21", "phone:+77010000001", null, 1, 0, "[2026-10-21 17:00 UTC] client: [image]"],
      ],
    );
  });

  test("given a phone linked to a lead and a lead update in another shift, when built, then the lead has a messaged row and an updated row and no phone row remains", () => {
    const rows = buildProjectShiftDeals(
      "p",
      settings,
      [msg("a", "+77010000001", "2026-10-21T10:00:00.000Z")],
      new Map([[5, ["+77010000001", "+77010000002"]]]),
      new Map([[5, ["2026-10-22T10:00:00.000Z"]]]),
      () => [],
      () => undefined,
    );
    assert.deepEqual(
      rows.map((r) => [
        r.shift_id,
        r.dialog_key,
        r.updated_in_window,
        r.messaged_in_window,
        r.phones,
        r.phone,
      ]),
      [
        ["2026-10-20", "lead:5", false, true, ["+77010000001", "+77010000002"], "+77010000001"],
        ["2026-10-21", "lead:5", true, false, ["+77010000001", "+77010000002"], "+77010000001"],
      ],
    );
  });
});

describe("analysis results and settings", () => {
  const base = { project_id: "p", dialog_key: "k", input_hash: "h", prompt_version: "v" };

  test("given a stored score, when a failure of the same input follows, then the score stays; a failure is replaced by a score", () => {
    const scored = { ...base, status: "scored" } as Parameters<typeof evolveAnalysisResult>[1];
    const failed = { ...base, status: "failed" } as Parameters<typeof evolveAnalysisResult>[1];
    assert.equal(evolveAnalysisResult(scored, failed), scored);
    assert.equal(evolveAnalysisResult(failed, scored), scored);
  });

  test("given questionnaires, when qualification is judged, then only all answered (non-blank) is complete", () => {
    assert.equal(qualificationComplete({ questionnaire: { a: "x", b: "y" } }), true);
    assert.equal(qualificationComplete({ questionnaire: { a: "x", b: " " } }), false);
    assert.equal(qualificationComplete({ questionnaire: { a: "x", b: null } }), false);
    assert.equal(qualificationComplete({}), null);
  });

  test("given stored shift settings with an invalid length, when read, then the SPEC defaults apply instead of failing", () => {
    assert.deepEqual(
      shiftSettingsOf({ time_zone: "+03:00", start_hour: 9, length_hours: 24, lookback_hours: 48 }),
      {
        timeZone: "+03:00",
        startHour: 9,
        lengthHours: 24,
        lookbackHours: 48,
      },
    );
    assert.equal(shiftSettingsOf({ length_hours: 7 }).startHour, 22);
  });
});
