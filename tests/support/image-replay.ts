/**
 * Replays the repository's Dockerfile outside Docker (machines without Docker): parses the subset
 * of instructions the Dockerfile uses (FROM … AS, WORKDIR, COPY [--from=stage], RUN, ENV k=v, USER),
 * lays every stage out under a temporary directory (`<tmp>/<stage>/<container path>`), copies exactly
 * the files each COPY names (from the build context filtered by `.dockerignore`, or from an earlier
 * stage), and runs the RUN commands there. Also reads docker-compose.yml (services' `command`,
 * `environment`, `healthcheck`) with compose's `${VAR}`, `${VAR:-default}`, `${VAR:?message}`
 * interpolation, so the replay starts what compose starts.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, posix, relative } from "node:path";
import { parse as parseYaml } from "yaml";

/** One Dockerfile instruction of the supported subset. */
export type Instruction =
  | { op: "WORKDIR"; path: string }
  | { op: "RUN"; command: string }
  | { op: "COPY"; from: string | null; sources: string[]; dest: string }
  | { op: "ENV"; vars: Record<string, string> }
  | { op: "USER"; user: string };

/** One build stage: its base image, name (`AS name`, else its index) and instructions. */
export interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

/**
 * Parses a Dockerfile into stages. Continuation lines (`\` at the end) are joined, comments and
 * blank lines dropped.
 * @throws on an instruction outside the subset (so the replay can never silently skip a step), or
 *   an instruction before the first FROM.
 */
export function parseDockerfile(text: string): Stage[] {
  const lines: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    lines.push(pending + line);
    pending = "";
  }
  const stages: Stage[] = [];
  for (const line of lines) {
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile: cannot parse "${line}"`);
    const op = m[1]!.toUpperCase();
    const rest = m[2]!.trim();
    if (op === "FROM") {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!f) throw new Error(`Dockerfile: cannot parse FROM "${rest}"`);
      stages.push({ name: f[2] ?? String(stages.length), image: f[1]!, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile: ${op} before FROM`);
    if (op === "WORKDIR") stage.instructions.push({ op, path: rest });
    else if (op === "RUN") {
      if (rest.startsWith("[") || rest.startsWith("--"))
        throw new Error(`Dockerfile: unsupported RUN form "${rest}"`);
      stage.instructions.push({ op, command: rest });
    } else if (op === "USER") stage.instructions.push({ op, user: rest });
    else if (op === "ENV") {
      const vars: Record<string, string> = {};
      for (const part of rest.split(/\s+/)) {
        const eq = part.indexOf("=");
        if (eq <= 0 || /["'$]/.test(part)) throw new Error(`Dockerfile: unsupported ENV form "${rest}"`);
        vars[part.slice(0, eq)] = part.slice(eq + 1);
      }
      stage.instructions.push({ op, vars });
    } else if (op === "COPY") {
      const words = rest.split(/\s+/);
      let from: string | null = null;
      while (words[0]?.startsWith("--")) {
        const flag = words.shift()!;
        if (flag.startsWith("--from=")) from = flag.slice("--from=".length);
        else throw new Error(`Dockerfile: unsupported COPY flag "${flag}"`);
      }
      if (words.length < 2 || words.some((w) => w.startsWith("[") || /[*?]/.test(w))) {
        throw new Error(`Dockerfile: unsupported COPY form "${rest}"`);
      }
      stage.instructions.push({ op, from, sources: words.slice(0, -1), dest: words.at(-1)! });
    } else
      throw new Error(`Dockerfile: instruction ${op} is not replayed; extend tests/support/image-replay.ts`);
  }
  return stages;
}

/**
 * A `.dockerignore` as a predicate over context-relative paths (`/`-separated). Supports plain names
 * (`.git`: that top-level path) and `**\/name` (that name at any depth).
 * @throws on any other pattern form.
 */
export function dockerIgnore(text: string): (relPath: string) => boolean {
  const anywhere = new Set<string>();
  const top = new Set<string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("**/") && !/[*?![\]]/.test(line.slice(3)) && !line.slice(3).includes("/")) {
      anywhere.add(line.slice(3));
    } else if (!/[*?![\]/]/.test(line)) top.add(line);
    else throw new Error(`.dockerignore: unsupported pattern "${line}"`);
  }
  return (relPath) => {
    const parts = relPath.split("/");
    return top.has(parts[0]!) || parts.some((p) => anywhere.has(p));
  };
}

/** A laid-out stage: its root directory and the state its instructions left (workdir, ENV, user). */
export interface StageState {
  name: string;
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string | null;
}

/** Options of {@link replayDockerfile}. */
export interface ReplayOptions {
  /** the build context (the repository) */
  context: string;
  /** the directory the stages are laid out in (one subdirectory per stage) */
  outDir: string;
  /**
   * Maps a RUN command to the command replayed, or `null` to skip it (e.g. a global tool install
   * the machine already has); default: run as is.
   */
  rewriteRun?: (command: string) => string | null;
  /** environment the RUN commands get besides the stage's ENV */
  env?: NodeJS.ProcessEnv;
  /** called with each step (for the test's log) */
  onStep?: (stage: string, step: string) => void;
}

/** The host path of container path `p` in a stage laid out at `root` with working dir `workdir`. */
function hostPath(root: string, workdir: string, p: string): string {
  const abs = p.startsWith("/") ? p : posix.join(workdir, p);
  return join(root, abs);
}

/**
 * Replays `stages` (see the module comment). Returns the state of every stage by name.
 * @throws when a COPY source is missing or a RUN command fails (with its output).
 */
export async function replayDockerfile(
  stages: Stage[],
  opts: ReplayOptions,
): Promise<Map<string, StageState>> {
  const ignored = dockerIgnore(
    existsSync(join(opts.context, ".dockerignore"))
      ? readFileSync(join(opts.context, ".dockerignore"), "utf8")
      : "",
  );
  const done = new Map<string, StageState>();
  for (const stage of stages) {
    const state: StageState = {
      name: stage.name,
      root: join(opts.outDir, stage.name),
      workdir: "/",
      env: {},
      user: null,
    };
    mkdirSync(state.root, { recursive: true });
    for (const ins of stage.instructions) {
      if (ins.op === "WORKDIR") {
        state.workdir = posix.resolve(state.workdir, ins.path);
        mkdirSync(hostPath(state.root, "/", state.workdir), { recursive: true });
      } else if (ins.op === "ENV") Object.assign(state.env, ins.vars);
      else if (ins.op === "USER") state.user = ins.user;
      else if (ins.op === "COPY") {
        const source = ins.from === null ? null : done.get(ins.from);
        if (ins.from !== null && !source) throw new Error(`COPY --from=${ins.from}: no such earlier stage`);
        const destDir = ins.dest.endsWith("/") || ins.sources.length > 1;
        const dest = hostPath(state.root, state.workdir, ins.dest);
        for (const src of ins.sources) {
          const from = source ? hostPath(source.root, "/", src) : join(opts.context, src);
          if (!source && (isAbsolute(src) || relative(opts.context, from).startsWith(".."))) {
            throw new Error(`COPY ${src}: outside the build context`);
          }
          if (!existsSync(from))
            throw new Error(`COPY ${src}: not found (${source ? `stage ${ins.from}` : "context"})`);
          const isDir = statSync(from).isDirectory();
          const target = isDir || !destDir ? dest : join(dest, basename(from));
          opts.onStep?.(stage.name, `COPY ${ins.from ? `--from=${ins.from} ` : ""}${src} ${ins.dest}`);
          mkdirSync(isDir ? target : dirname(target), { recursive: true });
          cpSync(from, target, {
            recursive: true,
            filter: (p) => source !== null || !ignored(relative(opts.context, p).split("\\").join("/")),
          });
        }
      } else {
        const command = opts.rewriteRun ? opts.rewriteRun(ins.command) : ins.command;
        opts.onStep?.(stage.name, command === null ? `RUN (skipped) ${ins.command}` : `RUN ${command}`);
        if (command === null) continue;
        await run("bash", ["-c", command], hostPath(state.root, "/", state.workdir), {
          ...process.env,
          ...opts.env,
          ...state.env,
        });
      }
    }
    done.set(stage.name, state);
  }
  return done;
}

/** Runs a command to completion. @throws with its output when it exits non-zero. */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(" ")} (in ${cwd}) exited ${code}:\n${out.slice(-4000)}`));
    });
  });
}

/** A compose service as far as the replay needs it. */
export interface ComposeService {
  command: string[];
  environment: Record<string, string>;
  healthcheck: string[] | null;
}

/**
 * Compose's variable interpolation over `text`: `${VAR}`, `${VAR:-default}`, `${VAR:?message}`
 * (`$$` is a literal `$`), with values from `vars`.
 * @throws the `:?` message when such a variable is unset or empty.
 */
export function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g, (all, name, kind, arg) => {
    if (all === "$$") return "$";
    const value = vars[name as string];
    if (value !== undefined && value !== "") return value;
    if (kind === ":-") return arg as string;
    if (kind === ":?") throw new Error(`compose: ${name}: ${arg}`);
    return "";
  });
}

/**
 * Reads the services of a compose file after interpolation with `vars` (YAML merge keys resolved).
 * @throws the interpolation error of a required variable missing from `vars`.
 */
export function readCompose(text: string, vars: Record<string, string>): Map<string, ComposeService> {
  const doc = parseYaml(interpolate(text, vars), { merge: true }) as {
    services: Record<
      string,
      { command?: string[]; environment?: Record<string, unknown>; healthcheck?: { test?: string[] } }
    >;
  };
  const out = new Map<string, ComposeService>();
  for (const [name, svc] of Object.entries(doc.services)) {
    const test = svc.healthcheck?.test ?? null;
    out.set(name, {
      command: svc.command ?? [],
      // A key without a value (`KEY:`, YAML null) is passed from the caller's environment when set there.
      environment: Object.fromEntries(
        Object.entries(svc.environment ?? {}).flatMap(([k, v]) =>
          v === null || v === undefined ? (vars[k] !== undefined ? [[k, vars[k]]] : []) : [[k, String(v)]],
        ),
      ),
      healthcheck: test && test[0] === "CMD" ? test.slice(1) : null,
    });
  }
  return out;
}
