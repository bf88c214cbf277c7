import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { establishedRemotePorts } from "./healthcheck.js";

describe("establishedRemotePorts (/proc/net/tcp)", () => {
  test("given listening, established and closing sockets, then only the established ones' remote ports", () => {
    const text = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 00000000:0BB9 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1",
      "   1: 0100007F:A1B2 0100007F:107E 01 00000000:00000000 00:00000000 00000000  1000        0 2 1",
      "   2: 0100007F:A1B3 0100007F:1538 06 00000000:00000000 00:00000000 00000000  1000        0 3 1",
    ].join("\n");
    assert.deepEqual(establishedRemotePorts(text), [4222]);
  });

  test("given /proc/net/tcp6 lines, then the port after the last colon", () => {
    const text = [
      "  sl  local_address                         remote_address                        st",
      "   0: 0000000000000000FFFF00000100007F:C350 0000000000000000FFFF00000100007F:107E 01 0",
    ].join("\n");
    assert.deepEqual(establishedRemotePorts(text), [4222]);
  });
});
