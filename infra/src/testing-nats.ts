/**
 * Integration-test support (the `@pulse/infra/testing-nats` subpath): a private nats-server with
 * JetStream owned by one test file, on a free port with its own store directory, that the test may
 * stop and start again to inject a NATS outage. The shared server on 4222 is never touched.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./testing.js";

/**
 * The nats-server binary: `NATS_SERVER_BIN`, else Debian's `/usr/sbin/nats-server` when present
 * (what `infra/scripts/ensure-services.sh` installs), else `nats-server` from `PATH`.
 */
export const NATS_SERVER_BIN =
  process.env["NATS_SERVER_BIN"] ??
  (existsSync("/usr/sbin/nats-server") ? "/usr/sbin/nats-server" : "nats-server");

/** A private nats-server (see {@link startPrivateNats}). */
export interface PrivateNatsServer {
  /** `nats://127.0.0.1:{port}`. */
  readonly url: string;
  readonly port: number;
  /** JetStream store directory; kept across {@link stop}/{@link start}, removed by {@link close}. */
  readonly storeDir: string;
  /** True while the process runs. */
  readonly running: boolean;
  /**
   * Stops the server (`SIGTERM`: a clean shutdown; `SIGKILL`: a crash) and resolves when the process
   * has exited. No-op when it is not running.
   * @throws when it has not exited after `timeoutMs` (default 10 s; it is then killed).
   */
  stop(signal?: "SIGTERM" | "SIGKILL", timeoutMs?: number): Promise<void>;
  /**
   * Starts the server again on the same port and store directory; resolves once it accepts
   * connections. No-op when running.
   * @throws when it does not listen within `timeoutMs` (default 15 s).
   */
  start(timeoutMs?: number): Promise<void>;
  /** Stops the server and removes its store directory. Idempotent; call it in `after()`. */
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (see `@pulse/infra/testing`), for the private server's ports. */
export { freePort };

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    // nats-server greets every client with an INFO line once it is serving.
    socket.once("data", (chunk) => done(chunk.toString("utf8").startsWith("INFO")));
    socket.connect(port, "127.0.0.1");
  });
}

/**
 * Starts `nats-server -a 127.0.0.1 -p <free port> -js -sd <temp dir>` and resolves once it greets
 * clients. Its log goes to `<storeDir>/../server.log`.
 * @throws when the binary is missing or the server does not listen within 15 s.
 */
export async function startPrivateNats(): Promise<PrivateNatsServer> {
  const root = mkdtempSync(join(tmpdir(), "pulse-nats-"));
  const storeDir = join(root, "store");
  const port = await freePort();
  const log = createWriteStream(join(root, "server.log"), { flags: "a" });
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const server: PrivateNatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    get running() {
      return child !== null;
    },
    async start(timeoutMs = 15_000) {
      if (child) return;
      const proc = spawn(NATS_SERVER_BIN, ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = proc;
      proc.stdout?.pipe(log, { end: false });
      proc.stderr?.pipe(log, { end: false });
      exited = new Promise<void>((resolve) => {
        proc.once("exit", () => {
          if (child === proc) child = null;
          resolve();
        });
      });
      const spawnError = new Promise<never>((_, reject) => proc.once("error", reject));
      spawnError.catch(() => undefined);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (await Promise.race([accepts(port), spawnError])) return;
        if (child !== proc) throw new Error(`nats-server exited on start (log: ${join(root, "server.log")})`);
        if (Date.now() > deadline) {
          await server.stop("SIGKILL");
          throw new Error(`nats-server did not listen on ${port} within ${timeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(signal = "SIGTERM", timeoutMs = 10_000) {
      const proc = child;
      if (!proc) return;
      proc.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        proc.kill("SIGKILL");
        await exited;
        throw new Error(`nats-server did not stop on ${signal} within ${timeoutMs} ms`);
      }
    },
    async close() {
      await server.stop("SIGKILL").catch(() => undefined);
      log.end();
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}
