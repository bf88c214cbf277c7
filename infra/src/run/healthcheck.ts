/**
 * Container health check of the compiled services (the image has neither curl nor wget):
 *
 * - `node infra/dist/run/healthcheck.js http <url>` — healthy when `GET <url>` answers 2xx within
 *   3 s (ingest and query: `/ready`);
 * - `node infra/dist/run/healthcheck.js nats` — healthy when this container holds an established TCP
 *   connection to the NATS port of `NATS_URL` (read from `/proc/net/tcp{,6}`, Linux only): the
 *   service (projector, analyst: no HTTP server) is running and connected to NATS; the client
 *   reconnects forever, so a lost connection shows as unhealthy until it is back.
 *
 * Exits 0 when healthy, 1 otherwise (with the reason on stderr).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { natsServers } from "../nats/connection.js";

/**
 * The remote ports of the ESTABLISHED TCP connections listed in a `/proc/net/tcp` or `/proc/net/tcp6`
 * text (columns: `sl local_address rem_address st …`, addresses `HEXIP:HEXPORT`, state `01` =
 * established).
 */
export function establishedRemotePorts(procNetTcp: string): number[] {
  const ports: number[] = [];
  for (const line of procNetTcp.split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    const remote = cols[2];
    if (cols[3] !== "01" || !remote) continue;
    ports.push(Number.parseInt(remote.slice(remote.lastIndexOf(":") + 1), 16));
  }
  return ports;
}

async function checkHttp(url: string): Promise<string | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    return res.ok ? null : `GET ${url} answered ${res.status}`;
  } catch (error) {
    return `GET ${url} failed: ${(error as Error).message}`;
  }
}

function checkNats(): string | null {
  const url = process.env["NATS_URL"] ?? "nats://127.0.0.1:4222";
  const ports = new Set(
    natsServers(url).servers.map((s) => Number(new URL(s.includes("://") ? s : `nats://${s}`).port || 4222)),
  );
  const open = ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((f) => {
    try {
      return establishedRemotePorts(readFileSync(f, "utf8"));
    } catch {
      return [];
    }
  });
  return open.some((p) => ports.has(p)) ? null : `no established connection to NATS (ports ${[...ports]})`;
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  const problem =
    mode === "http" && arg
      ? await checkHttp(arg)
      : mode === "nats"
        ? checkNats()
        : "usage: healthcheck.js http <url> | nats";
  if (problem) {
    process.stderr.write(`unhealthy: ${problem}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
