/**
 * The alerting rules in infra/prometheus: `promtool check rules` (syntax, PromQL), `promtool check
 * config` (the scrape config loads them), and `promtool test rules` (the unit tests in
 * alerts.test.yml fire and stay quiet where they should). promtool comes from Debian's
 * `prometheus` package (`infra/scripts/ensure-promtool.sh`, run by CI and README command 1); a
 * missing promtool fails this test.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../prometheus/", import.meta.url));

function promtool(...args: string[]): string {
  const r = spawnSync("promtool", args, { cwd: dir, encoding: "utf8" });
  if (r.error) {
    assert.fail(
      `promtool not runnable (${r.error.message}); install it: bash infra/scripts/ensure-promtool.sh`,
    );
  }
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, `promtool ${args.join(" ")} failed:\n${out}`);
  return out;
}

describe("Prometheus rules (promtool)", () => {
  test("alerts.yml passes promtool check rules", () => {
    assert.match(promtool("check", "rules", "alerts.yml"), /SUCCESS: \d+ rules found/);
  });

  test("prometheus.yml is a valid config that loads alerts.yml", () => {
    assert.match(promtool("check", "config", "prometheus.yml"), /SUCCESS: 1 rule files found/);
  });

  test("the alert unit tests pass", () => {
    assert.match(promtool("test", "rules", "alerts.test.yml"), /SUCCESS/);
  });
});
