/**
 * Integration-test support (the `@pulse/infra/testing-postgres` subpath): a private PostgreSQL
 * cluster owned by one test file, for injecting faults (stop, restart) without touching the shared
 * server on 5432 that other tests use.
 *
 * The cluster lives in a fresh temp directory (data, Unix socket, log), listens on 127.0.0.1 on a
 * free port, and asks for a password over TCP (`scram-sha-256`), so tests can check that the
 * password never reaches a log line. `initdb`, `pg_ctl` and `postgres` refuse to run as root: when
 * the test runs as root (CI) they run as the `postgres` OS user through `runuser`, and the temp
 * directory is handed to that user; otherwise they run as the current user. The binaries are taken
 * from `PG_BIN` or the newest `/usr/lib/postgresql/<version>/bin`.
 */
import { execFile, execFileSync } from "node:child_process";
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./testing.js";

const run = promisify(execFile);

/** A running (or stopped) private cluster; see {@link startPrivatePostgres}. */
export interface PrivatePostgres {
  /** TCP port on 127.0.0.1 (the same across restarts). */
  readonly port: number;
  /** The superuser's password (user `postgres`), part of {@link url}. */
  readonly password: string;
  /** The temp directory holding data, socket and log. */
  readonly dir: string;
  /** `postgres://postgres:<password>@127.0.0.1:<port>/<database>` (default database `postgres`). */
  url(database?: string): string;
  /**
   * Fast shutdown (`pg_ctl stop -m fast`, what a restart does first): every backend is terminated
   * with SQLSTATE 57P01, then the server refuses connections. Resolves when it is down.
   * @throws when `pg_ctl` fails.
   */
  stop(): Promise<void>;
  /** Starts the stopped cluster again on the same port; resolves when it accepts connections. */
  start(): Promise<void>;
  /** The server log so far (for failure messages). */
  log(): string;
  /** Stops the cluster (immediate) if it runs and removes the temp directory. Idempotent; never throws. */
  close(): Promise<void>;
}

/** The directory of the PostgreSQL server binaries (`PG_BIN`, else the newest installed version). */
export function postgresBinDir(): string {
  const fromEnv = process.env["PG_BIN"];
  if (fromEnv) return fromEnv;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(a) - Number(b))
    : [];
  const newest = versions.at(-1);
  if (newest === undefined)
    throw new Error("no PostgreSQL server binaries: install postgresql or set PG_BIN");
  return join(root, newest, "bin");
}

/** The uid/gid of the OS user `postgres`, when running as root; else null (run as ourselves). */
function serverUser(): { uid: number; gid: number } | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return null;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    throw new Error("running as root needs the OS user `postgres` to run a private PostgreSQL cluster");
  }
}

/**
 * Creates and starts a private cluster in a new temp directory (`initdb` takes a few seconds).
 * `label` names the directory. Call {@link PrivatePostgres.close} in `after()`.
 * @throws when the binaries are missing, `initdb` fails or the server does not start.
 */
export async function startPrivatePostgres(label = "pg"): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const user = serverUser();
  // As root the server runs as `postgres`, which must reach the directory: /tmp, not a private TMPDIR.
  const dir = mkdtempSync(
    join(user === null ? tmpdir() : "/tmp", `pulse-${label.replace(/[^a-z0-9]/gi, "")}-`),
  );
  const data = join(dir, "data");
  const logFile = join(dir, "server.log");
  const password = `pw-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  const port = await freePort();
  // Commands run as `postgres` when we are root: runuser keeps the environment and the exit code.
  const as = (cmd: string, args: string[]): [string, string[]] =>
    user === null ? [join(bin, cmd), args] : ["runuser", ["-u", "postgres", "--", join(bin, cmd), ...args]];
  const exec = async (cmd: string, args: string[]) => {
    const [file, argv] = as(cmd, args);
    try {
      await run(file, argv, { cwd: dir, timeout: 120_000 });
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`${cmd} failed: ${e.stderr || e.message}`);
    }
  };
  const pwFile = join(dir, "pwfile");
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (user !== null) {
    chownSync(dir, user.uid, user.gid);
    chownSync(pwFile, user.uid, user.gid);
  }
  let running = false;
  let closed = false;
  const pgCtlStart = () =>
    exec("pg_ctl", [
      "start",
      "-w",
      "-t",
      "60",
      "-D",
      data,
      "-l",
      logFile,
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`,
    ]);
  const stopImmediately = () => {
    if (!running) return;
    running = false;
    const [file, argv] = as("pg_ctl", ["stop", "-m", "immediate", "-w", "-D", data]);
    try {
      execFileSync(file, argv, { stdio: "ignore", timeout: 30_000 });
    } catch {
      // already down
    }
  };
  // A test process that dies without its `after()` must not leave a server behind.
  process.once("exit", stopImmediately);
  try {
    await exec("initdb", [
      "-D",
      data,
      "-U",
      "postgres",
      "--auth-local=trust",
      "--auth-host=scram-sha-256",
      `--pwfile=${pwFile}`,
      "--no-sync",
      "-E",
      "UTF8",
      "--locale=C",
    ]);
    await pgCtlStart();
    running = true;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    password,
    dir,
    url(database = "postgres") {
      return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
    },
    async stop() {
      await exec("pg_ctl", ["stop", "-m", "fast", "-w", "-t", "60", "-D", data]);
      running = false;
    },
    async start() {
      await pgCtlStart();
      running = true;
    },
    log() {
      try {
        return readFileSync(logFile, "utf8");
      } catch {
        return "";
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      stopImmediately();
      process.removeListener("exit", stopImmediately);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
