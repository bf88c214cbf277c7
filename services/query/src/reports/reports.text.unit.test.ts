import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatTextReport, localDateOf, reportPeriod, type TextReportData } from "./reports.text.js";

describe("reportPeriod", () => {
  test("given a day in UTC+5, when the period is made, then it runs from local midnight to the next", () => {
    assert.deepEqual(reportPeriod("day", "2026-10-22", "+05:00"), {
      period: "day",
      firstDay: "2026-10-22",
      lastDay: "2026-10-22",
      from: "2026-10-21T19:00:00.000Z",
      to: "2026-10-22T19:00:00.000Z",
    });
  });

  test("given a Sunday and a Monday, when a week is made, then both belong to the ISO week starting on Monday", () => {
    const sunday = reportPeriod("week", "2026-10-25", "UTC");
    assert.equal(sunday.firstDay, "2026-10-19");
    assert.equal(sunday.lastDay, "2026-10-25");
    const monday = reportPeriod("week", "2026-10-26", "UTC");
    assert.equal(monday.firstDay, "2026-10-26");
    assert.equal(monday.to, "2026-11-02T00:00:00.000Z");
  });

  test("given December and February of a leap year, when a month is made, then it ends on the month's last day", () => {
    const december = reportPeriod("month", "2026-12-31", "UTC");
    assert.deepEqual(
      [december.firstDay, december.lastDay, december.to],
      ["2026-12-01", "2026-12-31", "2027-01-01T00:00:00.000Z"],
    );
    assert.equal(reportPeriod("month", "2028-02-10", "UTC").lastDay, "2028-02-29");
  });

  test("given the day Kyiv leaves summer time, when the period is made, then it lasts 25 hours", () => {
    const p = reportPeriod("day", "2026-10-25", "Europe/Kyiv");
    assert.equal(p.from, "2026-10-24T21:00:00.000Z");
    assert.equal(p.to, "2026-10-25T22:00:00.000Z");
  });

  test("given an instant just before and at local midnight, when its local date is taken, then it changes at midnight", () => {
    assert.equal(localDateOf(Date.parse("2026-10-21T18:59:59.999Z"), "+05:00"), "2026-10-21");
    assert.equal(localDateOf(Date.parse("2026-10-21T19:00:00.000Z"), "+05:00"), "2026-10-22");
  });
});

describe("formatTextReport", () => {
  const data: TextReportData = {
    projectId: "amo",
    projectName: "Amo",
    window: reportPeriod("day", "2026-10-22", "+05:00"),
    timeZone: "+05:00",
    generatedAt: "2026-10-23T06:00:00.000Z",
    orders: { moved: 0, statusChanges: 0 },
    minIncoming: 3,
    stats: {
      dialogs_total: 0,
      dialogs_eligible: 0,
      analyzed: 0,
      errors: 0,
      failed_results: 0,
      new_leads: 0,
      hot: 0,
      warm: 0,
      cold: 0,
      mean_score: null,
      tokens: { prompt: 0, completion: 0, total: 0 },
      shares: {
        analyzed_of_eligible: null,
        errors_of_attempted: null,
        new_leads_of_analyzed: null,
        hot_of_analyzed: null,
        warm_of_analyzed: null,
        cold_of_analyzed: null,
      },
    },
    topHot: [],
    managers: [],
  };

  test("given an empty period, when formatted, then missing values print n/a and empty lists print none", () => {
    const text = formatTextReport(data);
    assert.match(text, /Analyzed: 0 \(n\/a of eligible\)\n/);
    assert.match(text, /Mean score: n\/a\n/);
    assert.match(text, /Top hot dialogs\n {2}none\n/);
    assert.match(text, /Managers\n {2}none\n$/);
  });

  test("given a multi-line summary and a chat-only dialog, when formatted, then the line stays one line and names the phone", () => {
    const text = formatTextReport({
      ...data,
      stats: {
        ...data.stats,
        analyzed: 2,
        dialogs_eligible: 3,
        mean_score: 76.66666,
        shares: { ...data.stats.shares, analyzed_of_eligible: 2 / 3 },
      },
      topHot: [
        {
          dialog_key: "k",
          lead_id: null,
          phone: "+77010000005",
          manager_id: null,
          manager_name: null,
          score: 77,
          summary: "Owner,\n  wants ads",
        },
      ],
    });
    assert.match(text, /Analyzed: 2 \(67% of eligible\)\n/);
    assert.match(text, /Mean score: 76\.7\n/);
    assert.match(text, / {2}1\. score 77, contact \+77010000005, unassigned: Owner, wants ads\n/);
  });

  test("given managers with and without a name in the users dictionary, when formatted, then names show with their id and an unknown id stays an id", () => {
    const counts = {
      dialogs: 2,
      deals: 1,
      messages_in: 5,
      messages_out: 4,
      analyzed: 1,
      errors: 0,
      hot: 1,
      warm: 0,
      cold: 0,
      mean_score: 80,
    };
    const text = formatTextReport({
      ...data,
      topHot: [
        {
          dialog_key: "k",
          lead_id: 2001,
          phone: null,
          manager_id: 11840231,
          manager_name: "Айгерим Сейткали",
          score: 80,
          summary: null,
        },
      ],
      managers: [
        { manager_id: 11840231, manager_name: "Айгерим Сейткали", ...counts },
        { manager_id: 999, manager_name: null, ...counts },
        { manager_id: null, manager_name: null, ...counts },
      ],
    });
    assert.match(text, / {2}1\. score 80, deal 2001, Айгерим Сейткали \(11840231\)\n/);
    assert.match(text, /\n {2}Айгерим Сейткали \(11840231\): dialogs 2, deals 1,/);
    assert.match(text, /\n {2}manager 999: dialogs 2,/);
    assert.match(text, /\n {2}unassigned: dialogs 2,/);
  });
});
