import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AnalysisRunRequest,
  analysisRunSubject,
  analysisRunWildcard,
  projectOfRunSubject,
} from "./analysis-run.contract.js";
import { leadKey, periodDialogKey, phoneKey, shiftDialogKey } from "./dialog-source.repository.js";

describe("analysis run contract", () => {
  test("given a dotted subject root, when a project's subject is built and read back, then the project token is found", () => {
    const scheme = { root: "t_ab12.crm" };
    assert.equal(analysisRunSubject(scheme, "acme"), "t_ab12.crm.cmd.acme.analysis.run");
    assert.equal(analysisRunWildcard(scheme), "t_ab12.crm.cmd.*.analysis.run");
    assert.equal(projectOfRunSubject(scheme, "t_ab12.crm.cmd.acme.analysis.run"), "acme");
    assert.equal(projectOfRunSubject(scheme, "crm.cmd.acme.analysis.run"), null, "another root");
    assert.equal(projectOfRunSubject(scheme, "t_ab12.crm.cmd.acme.dictionary.refresh"), null);
  });

  test("given the query API's request shapes, when parsed, then shift xor period is enforced", () => {
    const base = { project: "acme", min_incoming: 3, requested_by: "admin@acme" };
    assert.equal(AnalysisRunRequest.safeParse({ ...base, shift_id: "2026-11-08" }).success, true);
    assert.equal(
      AnalysisRunRequest.safeParse({
        ...base,
        from: "2026-11-01T00:00:00.000Z",
        to: "2026-11-02T00:00:00.000Z",
      }).success,
      true,
    );
    assert.equal(AnalysisRunRequest.safeParse(base).success, false, "neither");
    assert.equal(
      AnalysisRunRequest.safeParse({
        ...base,
        shift_id: "2026-11-08",
        from: "2026-11-01T00:00:00.000Z",
        to: "2026-11-02T00:00:00.000Z",
      }).success,
      false,
      "both",
    );
    assert.equal(
      AnalysisRunRequest.safeParse({ ...base, from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00.000Z" })
        .success,
      false,
      "instants carry milliseconds",
    );
  });

  test("given a deal and a chat-only contact, when keyed for a shift and a period, then the window is part of the key", () => {
    assert.equal(shiftDialogKey(leadKey(15001), "2026-11-08"), "lead:15001@2026-11-08");
    assert.equal(
      shiftDialogKey(phoneKey("+77010000001"), "2026-11-08T22:00"),
      "phone:+77010000001@2026-11-08T22:00",
    );
    assert.equal(
      periodDialogKey(leadKey(15001), { from: "2026-11-01T00:00:00.000Z", to: "2026-11-08T00:00:00.000Z" }),
      "lead:15001@2026-11-01T00:00:00.000Z/2026-11-08T00:00:00.000Z",
    );
  });
});
