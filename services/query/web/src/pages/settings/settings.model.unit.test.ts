import assert from "node:assert/strict";
import { test } from "node:test";
import {
  boundaryKey,
  boundaryOf,
  calendarForm,
  calendarPreset,
  calendarSettings,
  changesByOrder,
  cycleForms,
  cycleRules,
  isSlaLimit,
  readReplayDiff,
  slaRows,
  slaSettings,
  urgentRules,
} from "./settings.model.js";

test("given the office preset, when saved, then Monday to Friday are 09:00-18:00 and the weekend is off", () => {
  const form = { ...calendarForm(undefined), ...calendarPreset("mon-fri-9-18") };
  assert.deepEqual(calendarSettings(form), {
    working_hours: {
      mon: ["09:00-18:00"],
      tue: ["09:00-18:00"],
      wed: ["09:00-18:00"],
      thu: ["09:00-18:00"],
      fri: ["09:00-18:00"],
      sat: [],
      sun: [],
    },
  });
});

test("given the 24/7 preset, when saved, then the calendar has no working_hours (the API's 24/7) and keeps its holidays and zone", () => {
  const form = {
    ...calendarForm(undefined),
    holidays: "2026-12-25,\n 2027-01-01",
    timeZone: " Europe/Kyiv ",
  };
  const saved = calendarSettings({ ...form, ...calendarPreset("24/7") });
  assert.deepEqual(saved, { time_zone: "Europe/Kyiv", holidays: ["2026-12-25", "2027-01-01"] });
});

test("given windows typed with spaces, when saved and read back, then each day has its windows in order", () => {
  const form = calendarForm({
    working_hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
  });
  assert.equal(form.alwaysOpen, false);
  form.days.mon = "09:00 - 13:00, 14:00-18:00";
  form.days.sat = "10:00-15:00";
  const saved = calendarSettings(form);
  assert.deepEqual(saved.working_hours?.mon, ["09:00-13:00", "14:00-18:00"]);
  assert.deepEqual(saved.working_hours?.sat, ["10:00-15:00"]);
  assert.deepEqual(saved.working_hours?.sun, []);
  assert.equal(calendarForm(saved).days.mon, "09:00-13:00, 14:00-18:00");
});

test("given SLA limits as typed, when checked, then hh:mm with 1-5 hour digits passes and anything else fails", () => {
  for (const ok of ["00:01", "2:30", "72:00", "12345:59"]) assert.equal(isSlaLimit(ok), true, ok);
  for (const bad of ["72", "1:5", "-1:00", "12:60", "1:00:00", ""]) assert.equal(isSlaLimit(bad), false, bad);
});

test("given SLA settings naming a group the dictionary lacks, when the grid rows are built, then that group keeps a row after the dictionary's", () => {
  const rows = slaRows(
    [
      { group_id: 1, name: "new" },
      { group_id: 2, name: "in progress" },
    ],
    { near_share: 0.8, grids: { normal: { "1": "02:00", "7": "10:00" }, urgent: { "2": "01:00" } } },
  );
  assert.deepEqual(
    rows.map((r) => [r.groupId, r.groupName, r.normal, r.urgent]),
    [
      ["1", "new", "02:00", ""],
      ["2", "in progress", "", "01:00"],
      ["7", "#7", "10:00", ""],
    ],
  );
});

test("given grid rows and a named profile, when the SLA settings are built, then empty cells are left out and other profiles kept", () => {
  const previous = { near_share: 0.8, grids: { normal: { "1": "05:00" }, vip: { "1": "00:30" } } };
  const saved = slaSettings(
    [
      { groupId: "1", groupName: "new", normal: " 00:01 ", urgent: "" },
      { groupId: "2", groupName: "done", normal: "", urgent: "04:00" },
    ],
    0.5,
    previous,
  );
  assert.deepEqual(saved, {
    near_share: 0.5,
    grids: { normal: { "1": "00:01" }, urgent: { "2": "04:00" }, vip: { "1": "00:30" } },
  });
});

test("given cycle boundaries, when turned into select values and back, then groups, statuses and statuses of a group survive", () => {
  for (const b of [{ group_id: 4 }, { status_id: 12 }, { status_id: 142, group_id: 7 }]) {
    assert.deepEqual(boundaryOf(boundaryKey(b)), b);
  }
  assert.equal(boundaryOf(""), undefined);
  assert.equal(boundaryOf("x:1"), undefined);
});

test("given stored cycle rules, when edited in the form and saved, then names are trimmed and entries kept", () => {
  const forms = cycleForms([
    { name: "to delivery", start: { group_id: 1 }, end: { group_id: 4 } },
    { name: "full", start: { status_id: 1 }, end: { status_id: 142, group_id: 9 }, end_entry: "last" },
  ]);
  assert.deepEqual(
    forms.map((f) => [f.start, f.end, f.startEntry, f.endEntry]),
    [
      ["g:1", "g:4", "first", "first"],
      ["s::1", "s:9:142", "first", "last"],
    ],
  );
  const first = forms[0];
  assert.ok(first);
  first.name = "  to delivery ";
  assert.deepEqual(cycleRules(forms)[0], {
    name: "to delivery",
    start: { group_id: 1 },
    end: { group_id: 4 },
    start_entry: "first",
    end_entry: "first",
  });
});

test("given urgent rule rows, when saved, then values are trimmed and empty rows dropped", () => {
  assert.deepEqual(
    urgentRules([
      { match_type: "sku", match_value: " Термінове виготовлення " },
      { match_type: "offer_id", match_value: "  " },
      { match_type: "product_id", match_value: "2" },
    ]),
    [
      { match_type: "sku", match_value: "Термінове виготовлення" },
      { match_type: "product_id", match_value: "2" },
    ],
  );
});

test("given a recorded replay diff, when read, then malformed changes are skipped and changes group by order in id order", () => {
  const diff = readReplayDiff({
    orders_changed: 2,
    truncated: false,
    changes: [
      { order_id: 15002, field: "sla_state", group_id: 1, before: null, after: "over" },
      { order_id: 15001, field: "cycle_working_seconds", before: 3600, after: 7200 },
      { order_id: "x", field: "sla_state" },
      { order_id: 15001, field: "sla_state", group_id: 1, before: "ok", after: "near" },
    ],
  });
  assert.ok(diff);
  assert.equal(diff.ordersChanged, 2);
  assert.equal(diff.changes.length, 3);
  assert.deepEqual(
    changesByOrder(diff).map((o) => [o.orderId, o.changes.map((c) => `${c.field}:${c.before}>${c.after}`)]),
    [
      [15001, ["cycle_working_seconds:3600>7200", "sla_state:ok>near"]],
      [15002, ["sla_state:null>over"]],
    ],
  );
  assert.equal(readReplayDiff(null), null, "no diff while the replay runs");
});

test("given the API's default calendar (every day 00:00-24:00), when shown, then the form is 24/7 and saving it omits working_hours", () => {
  const day = ["00:00-24:00"];
  const form = calendarForm({
    working_hours: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day },
    holidays: [],
  });
  assert.equal(form.alwaysOpen, true);
  assert.deepEqual(calendarSettings(form), {});
  const partial = calendarForm({
    working_hours: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: [] },
  });
  assert.equal(partial.alwaysOpen, false, "a day off is not 24/7");
});
