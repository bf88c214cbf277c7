import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createInMemoryTokenBudget, utcDayOf } from "./token-budget.js";

describe("in-memory token budget", () => {
  test("given epoch ms, when the day is taken, then it is the UTC day", () => {
    assert.equal(utcDayOf(Date.UTC(2026, 10, 9, 23, 59, 59, 999)), "2026-11-09");
    assert.equal(utcDayOf(Date.UTC(2026, 10, 10, 0, 0, 0)), "2026-11-10");
  });

  test("given a daily limit, when reserving and settling, then reservations fit the limit and settle to the real usage", async () => {
    const budget = createInMemoryTokenBudget(10_000);
    assert.equal(await budget.tryReserve("acme", "2026-11-09", 6000), true);
    assert.equal(await budget.tryReserve("acme", "2026-11-09", 5000), false, "6000 + 5000 > 10000");
    await budget.settle("acme", "2026-11-09", 6000, 1500);
    assert.equal(await budget.used("acme", "2026-11-09"), 1500);
    assert.equal(await budget.tryReserve("acme", "2026-11-09", 8500), true, "exactly the limit fits");
    await budget.settle("acme", "2026-11-09", 8500, 0);
    assert.equal(await budget.used("acme", "2026-11-09"), 1500, "a released reservation costs nothing");
  });

  test("given one project's budget used up, when another project or the next day reserves, then it has its own budget", async () => {
    const budget = createInMemoryTokenBudget(1000);
    assert.equal(await budget.tryReserve("acme", "2026-11-09", 1000), true);
    assert.equal(await budget.tryReserve("acme", "2026-11-09", 1), false);
    assert.equal(await budget.tryReserve("beta", "2026-11-09", 1000), true);
    assert.equal(await budget.tryReserve("acme", "2026-11-10", 1000), true);
    assert.equal(await budget.used("acme", "2026-11-09"), 0, "the previous day's book is dropped");
    await budget.settle("acme", "2026-11-09", 1000, 10);
    assert.equal(
      await budget.used("acme", "2026-11-10"),
      1000,
      "a late settle of an ended day changes nothing",
    );
  });

  test("given a per-project override and a zero budget, when reserving, then the override applies and zero refuses everything", async () => {
    const budget = createInMemoryTokenBudget(0, { vip: 50 });
    assert.equal(await budget.tryReserve("acme", "2026-11-09", 1), false);
    assert.equal(await budget.tryReserve("vip", "2026-11-09", 50), true);
    await budget.settle("vip", "2026-11-09", 50, 80);
    assert.equal(await budget.used("vip", "2026-11-09"), 80, "an overshoot is booked, not refused");
    assert.throws(() => createInMemoryTokenBudget(-1), RangeError);
  });
});
