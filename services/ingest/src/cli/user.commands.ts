import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { AccountError, createAccount, findUserByLogin } from "@pulse/query";
import { CliError } from "./cli.commands.js";

/** What `user create` needs: the database, the environment, where lines go, the clock. */
export interface UserCliContext {
  /** The accounts database (`createDb` of `@pulse/infra`). */
  readonly db: Parameters<typeof createAccount>[0];
  readonly env: NodeJS.ProcessEnv;
  readonly out: (line: string) => void;
  readonly clock?: () => Date;
  /** Asks for a password without echo (default: the terminal; refused when stdin is not one). */
  readonly readPassword?: (prompt: string) => Promise<string>;
}

/** Options of `user create` (commander names). */
export interface UserCreateOptions {
  login: string;
  displayName?: string;
  owner?: boolean;
  passwordFile?: string;
  passwordEnv?: string;
  /** `project:role` pairs, e.g. `shop-kyiv:admin`. */
  member?: string[];
  apiTokenEnv?: string;
  /** When the login exists already: change nothing and succeed (a one-shot bootstrap run on every start). */
  ifAbsent?: boolean;
}

/**
 * Reads a password from the terminal without echoing it.
 * @throws CliError when stdin is not a terminal.
 */
export async function readPasswordFromTty(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError("no password given: use --password-file or --password-env");
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const muted = rl as unknown as { _writeToOutput: (s: string) => void };
  process.stdout.write(prompt);
  muted._writeToOutput = () => undefined;
  try {
    return await new Promise<string>((resolve) => rl.question("", resolve));
  } finally {
    rl.close();
    process.stdout.write("\n");
  }
}

/** The password of `user create`: `--password-file` (first line), `--password-env`, else a prompt. */
async function passwordOf(ctx: UserCliContext, opts: UserCreateOptions): Promise<string> {
  if (opts.passwordFile !== undefined && opts.passwordEnv !== undefined)
    throw new CliError("give either --password-file or --password-env, not both");
  if (opts.passwordFile !== undefined) {
    let text: string;
    try {
      text = await readFile(opts.passwordFile, "utf8");
    } catch (error) {
      throw new CliError(`cannot read --password-file: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
    }
    return text.split(/\r?\n/)[0] ?? "";
  }
  if (opts.passwordEnv !== undefined) {
    const v = ctx.env[opts.passwordEnv];
    if (v === undefined || v === "")
      throw new CliError(`environment variable ${opts.passwordEnv} is not set`);
    return v;
  }
  const read = ctx.readPassword ?? readPasswordFromTty;
  const first = await read("password: ");
  const again = await read("password again: ");
  if (first !== again) throw new CliError("the passwords differ");
  return first;
}

/**
 * `user create --login L [--owner] [--display-name N] [--password-file F | --password-env V]
 * [--member project:role …] [--api-token-env VAR]` — creates a user in the accounts schema (the
 * database is migrated first), audited as `cli`. `--owner` makes the instance owner, the first
 * account of an installation. `--api-token-env ADMIN_TOKEN` also stores that variable's value,
 * hashed, as the user's admin API token for every project (how a former `ADMIN_TOKEN` keeps working
 * for scripts). Prints the new user's id and login — never the password or the token. With
 * `--if-absent`, an existing login is left as it is (nothing is read or written but the lookup) and
 * its id returned, so a deployment can run the command on every start.
 * @throws CliError for invalid options, a login that exists, or an unreadable password.
 */
export async function userCreateCommand(ctx: UserCliContext, opts: UserCreateOptions): Promise<string> {
  if (opts.ifAbsent === true) {
    const existing = await findUserByLogin(ctx.db, opts.login);
    if (existing !== undefined) {
      ctx.out(`user exists: ${opts.login} (id ${existing.id}); nothing changed`);
      return existing.id;
    }
  }
  const memberships = (opts.member ?? []).map((pair) => {
    const m = /^([a-z0-9][a-z0-9_-]*):(admin|viewer)$/.exec(pair);
    if (!m?.[1] || !m[2]) throw new CliError(`invalid --member "${pair}": project:admin or project:viewer`);
    return { projectId: m[1], role: m[2] as "admin" | "viewer" };
  });
  let apiToken: string | undefined;
  if (opts.apiTokenEnv !== undefined) {
    apiToken = ctx.env[opts.apiTokenEnv];
    if (apiToken === undefined || apiToken === "")
      throw new CliError(`environment variable ${opts.apiTokenEnv} (--api-token-env) is not set`);
  }
  const password = await passwordOf(ctx, opts);
  let id: string;
  try {
    id = await createAccount(ctx.db, {
      login: opts.login,
      displayName: opts.displayName ?? opts.login,
      password,
      isOwner: opts.owner === true,
      memberships,
      ...(apiToken !== undefined ? { apiToken } : {}),
      actor: "cli",
      now: (ctx.clock ?? (() => new Date()))(),
    });
  } catch (error) {
    if (error instanceof AccountError) throw new CliError(error.message);
    throw error;
  }
  const what = opts.owner === true ? "owner" : "user";
  ctx.out(
    `${what} created: ${opts.login} (id ${id})${apiToken !== undefined ? `, API token from ${opts.apiTokenEnv}` : ""}`,
  );
  return id;
}
