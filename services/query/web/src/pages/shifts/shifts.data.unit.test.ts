import assert from "node:assert/strict";
import { test } from "node:test";
import {
  dialogCsvUrl,
  dialogFilterParams,
  pageCount,
  readDialogFilters,
  shiftDayStart,
} from "./shifts.data.js";

test("given an empty query string, when the dialog filters are read, then nothing is filtered and the list is by score, descending, page 1", () => {
  const f = readDialogFilters(new URLSearchParams(""));
  assert.deepEqual(f, {
    interest: "",
    minScore: "",
    funnelStage: "",
    qualificationComplete: "",
    manager: "",
    shiftId: "",
    includeFailed: false,
    sort: "score",
    dir: "desc",
    page: 1,
  });
  assert.deepEqual(dialogFilterParams(f), {});
});

test("given malformed filters in the URL, when read, then each malformed one is dropped and the valid ones kept", () => {
  const f = readDialogFilters(
    new URLSearchParams(
      "interest=lukewarm&minScore=101&funnelStage=qualified&manager=12a&shiftId=2026-10-21&page=0&sort=name&dir=asc",
    ),
  );
  assert.equal(f.interest, "");
  assert.equal(f.minScore, "");
  assert.equal(f.funnelStage, "qualified");
  assert.equal(f.manager, "");
  assert.equal(f.shiftId, "2026-10-21");
  assert.equal(f.page, 1);
  assert.equal(f.sort, "score");
  assert.equal(f.dir, "asc");
});

test("given filters with paging, when the CSV address is built, then it has the filters and the delimiter but no paging or sorting", () => {
  const f = readDialogFilters(
    new URLSearchParams("interest=hot&minScore=40&includeFailed=true&page=3&sort=recorded_at"),
  );
  assert.deepEqual(dialogFilterParams(f), {
    interest: "hot",
    minScore: "40",
    includeFailed: "true",
    sort: "recorded_at",
    page: "3",
  });
  const url = new URL(dialogCsvUrl("shop kyiv", f, "semicolon"), "http://x");
  assert.equal(url.pathname, "/api/dialogs/export.csv");
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    project: "shop kyiv",
    interest: "hot",
    minScore: "40",
    includeFailed: "true",
    delimiter: "semicolon",
  });
});

test("given a fixed-offset shift zone, when a local day's start is computed, then it is 00:00 at that offset without asking the IANA helper", () => {
  const iana = () => {
    throw new Error("not for offsets");
  };
  assert.equal(shiftDayStart("2026-10-21", "+05:00", iana), "2026-10-20T19:00:00.000Z");
  assert.equal(shiftDayStart("2026-10-21", "-03:30", iana), "2026-10-21T03:30:00.000Z");
  assert.equal(
    shiftDayStart("2026-10-21", "Asia/Almaty", (d, z) => `${d}@${z}`),
    "2026-10-21@Asia/Almaty",
  );
});

test("given totals, when pages are counted, then a partial page counts and an empty list has one page", () => {
  assert.equal(pageCount(0, 25), 1);
  assert.equal(pageCount(25, 25), 1);
  assert.equal(pageCount(26, 25), 2);
});
