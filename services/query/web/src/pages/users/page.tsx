import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Role } from "../../api/types.ts";
import { useAuth } from "../../auth/auth-context.tsx";
import { formatInstant } from "../../format/time.ts";
import { useCurrentProject, useProjects } from "../../shell/projects.ts";
import { ErrorNotice, Loading } from "../../shell/status.tsx";
import type { PageModule } from "../page.types.ts";
import {
  createToken,
  createUser,
  deleteMember,
  listMembers,
  listTokens,
  listUsers,
  putMember,
  revokeToken,
  type TokenCreated,
  updateUser,
} from "./users.api.ts";
import "./users.css";

const ROLES: readonly Role[] = ["admin", "viewer"];

/** The members of the project with their roles; admins change roles, remove and (the owner) add members. */
function Members({ projectId, projectName }: { projectId: string; projectName: string }) {
  const { t } = useTranslation("users");
  const { me } = useAuth();
  const client = useQueryClient();
  const members = useQuery({ queryKey: ["members", projectId], queryFn: () => listMembers(projectId) });
  const users = useQuery({ queryKey: ["users"], queryFn: listUsers, enabled: me?.user.is_owner === true });
  const [adding, setAdding] = useState({ userId: "", role: "viewer" as Role });
  const refresh = () => void client.invalidateQueries({ queryKey: ["members", projectId] });
  const setRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) => putMember(projectId, userId, role),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => deleteMember(projectId, userId),
    onSuccess: refresh,
  });
  const candidates = (users.data ?? []).filter((u) => !members.data?.some((m) => m.user_id === u.id));

  function add(e: FormEvent) {
    e.preventDefault();
    if (adding.userId === "") return;
    setRole.mutate(
      { userId: adding.userId, role: adding.role },
      { onSuccess: () => setAdding({ userId: "", role: "viewer" }) },
    );
  }

  return (
    <section aria-labelledby="members-title" className="card" data-testid="members">
      <h2 id="members-title">{t("members.title", { project: projectName })}</h2>
      {members.isPending ? <Loading /> : null}
      {members.isError ? <ErrorNotice error={members.error} onRetry={() => void members.refetch()} /> : null}
      {setRole.isError ? <ErrorNotice error={setRole.error} /> : null}
      {remove.isError ? <ErrorNotice error={remove.error} /> : null}
      {members.data ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("login")}</th>
              <th scope="col">{t("displayName")}</th>
              <th scope="col">{t("role")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((m) => (
              <tr key={m.user_id} data-user-id={m.user_id} data-login={m.login}>
                <th scope="row">{m.login}</th>
                <td>{m.display_name}</td>
                <td>
                  <select
                    aria-label={t("members.roleOf", { login: m.login })}
                    value={m.role}
                    disabled={setRole.isPending || m.user_id === me?.user.id}
                    onChange={(e) =>
                      setRole.mutate({
                        userId: m.user_id,
                        role: e.target.value === "admin" ? "admin" : "viewer",
                      })
                    }
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`common:role.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <button
                    type="button"
                    disabled={remove.isPending || m.user_id === me?.user.id}
                    onClick={() => {
                      if (window.confirm(t("members.confirmRemove", { login: m.login })))
                        remove.mutate(m.user_id);
                    }}
                  >
                    {t("members.remove")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {me?.user.is_owner ? (
        <form className="row" onSubmit={add} aria-label={t("members.add")}>
          <label className="field">
            <span>{t("members.user")}</span>
            <select
              value={adding.userId}
              onChange={(e) => setAdding({ ...adding, userId: e.target.value })}
              name="member-user"
            >
              <option value="">—</option>
              {candidates.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.login} ({u.display_name})
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t("role")}</span>
            <select
              value={adding.role}
              onChange={(e) =>
                setAdding({ ...adding, role: e.target.value === "admin" ? "admin" : "viewer" })
              }
              name="member-role"
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`common:role.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={adding.userId === ""}>
            {t("members.add")}
          </button>
        </form>
      ) : (
        <p className="muted">{t("members.ownerAdds")}</p>
      )}
    </section>
  );
}

/** Every user of the installation (the owner only): create, deactivate, reactivate. */
function Users() {
  const { t } = useTranslation("users");
  const client = useQueryClient();
  const users = useQuery({ queryKey: ["users"], queryFn: listUsers });
  const empty = { login: "", display_name: "", password: "", is_owner: false };
  const [draft, setDraft] = useState(empty);
  const refresh = () => void client.invalidateQueries({ queryKey: ["users"] });
  const create = useMutation({
    mutationFn: () => createUser(draft),
    onSuccess: () => {
      setDraft(empty);
      refresh();
    },
  });
  const toggle = useMutation({
    mutationFn: ({ id, active }: { id: string; active: boolean }) => updateUser(id, { active }),
    onSuccess: refresh,
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }
  return (
    <section aria-labelledby="users-title" className="card" data-testid="users">
      <h2 id="users-title">{t("users.title")}</h2>
      {users.isPending ? <Loading /> : null}
      {users.isError ? <ErrorNotice error={users.error} onRetry={() => void users.refetch()} /> : null}
      {toggle.isError ? <ErrorNotice error={toggle.error} /> : null}
      {users.data ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("login")}</th>
              <th scope="col">{t("displayName")}</th>
              <th scope="col">{t("users.owner")}</th>
              <th scope="col">{t("users.state")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => (
              <tr key={u.id} data-user-id={u.id} data-login={u.login}>
                <th scope="row">{u.login}</th>
                <td>{u.display_name}</td>
                <td>{u.is_owner ? t("yes") : t("no")}</td>
                <td>{u.active ? t("users.active") : t("users.inactive")}</td>
                <td>
                  <button
                    type="button"
                    disabled={toggle.isPending}
                    onClick={() => toggle.mutate({ id: u.id, active: !u.active })}
                  >
                    {u.active ? t("users.deactivate") : t("users.activate")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form className="row" onSubmit={submit} aria-labelledby="new-user-title">
        <h3 id="new-user-title" className="full">
          {t("users.create")}
        </h3>
        <label className="field">
          <span>{t("login")}</span>
          <input
            required
            name="new-login"
            autoComplete="off"
            value={draft.login}
            onChange={(e) => setDraft({ ...draft, login: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t("displayName")}</span>
          <input
            required
            name="new-display-name"
            value={draft.display_name}
            onChange={(e) => setDraft({ ...draft, display_name: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t("users.password")}</span>
          <input
            required
            type="password"
            name="new-password"
            autoComplete="new-password"
            value={draft.password}
            onChange={(e) => setDraft({ ...draft, password: e.target.value })}
          />
        </label>
        <label className="field inline">
          <input
            type="checkbox"
            checked={draft.is_owner}
            onChange={(e) => setDraft({ ...draft, is_owner: e.target.checked })}
          />
          <span>{t("users.owner")}</span>
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          {t("users.create")}
        </button>
      </form>
      {create.isError ? <ErrorNotice error={create.error} /> : null}
    </section>
  );
}

/** The value of a token just created: shown once, with a copy button. */
function NewToken({ token, onDone }: { token: TokenCreated; onDone: () => void }) {
  const { t } = useTranslation("users");
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice new-token" role="alert" data-testid="new-token">
      <p>{t("tokens.shownOnce", { name: token.name })}</p>
      <code data-testid="new-token-value">{token.token}</code>
      <div className="row">
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard?.writeText(token.token).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? t("tokens.copied") : t("tokens.copy")}
        </button>
        <button type="button" onClick={onDone}>
          {t("tokens.done")}
        </button>
      </div>
    </div>
  );
}

/** The caller's API tokens: create (value shown once), revoke. */
function Tokens({ projectId, timeZone }: { projectId: string; timeZone: string }) {
  const { t, i18n } = useTranslation("users");
  const client = useQueryClient();
  const { roleIn } = useAuth();
  const projects = useProjects();
  const tokens = useQuery({ queryKey: ["tokens"], queryFn: listTokens });
  const [draft, setDraft] = useState({ name: "", role: "viewer" as Role, projects: [projectId] });
  const [created, setCreated] = useState<TokenCreated | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: ["tokens"] });
  const create = useMutation({
    mutationFn: () => createToken(draft),
    onSuccess: (token) => {
      setCreated(token);
      setDraft({ name: "", role: "viewer", projects: [projectId] });
      refresh();
    },
  });
  const revoke = useMutation({ mutationFn: revokeToken, onSuccess: refresh });
  const fmt = (iso: string | null) => formatInstant(iso, timeZone, i18n.language);
  // A token may only be admin where its owner is admin.
  const canAdmin = draft.projects.every((p) => roleIn(p) === "admin");

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }
  return (
    <section aria-labelledby="tokens-title" className="card" data-testid="tokens">
      <h2 id="tokens-title">{t("tokens.title")}</h2>
      {created ? <NewToken token={created} onDone={() => setCreated(null)} /> : null}
      {tokens.isPending ? <Loading /> : null}
      {tokens.isError ? <ErrorNotice error={tokens.error} onRetry={() => void tokens.refetch()} /> : null}
      {revoke.isError ? <ErrorNotice error={revoke.error} /> : null}
      {tokens.data && tokens.data.length === 0 ? <p className="muted">{t("tokens.none")}</p> : null}
      {tokens.data && tokens.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("tokens.name")}</th>
              <th scope="col">{t("role")}</th>
              <th scope="col">{t("tokens.projects")}</th>
              <th scope="col">{t("tokens.created")}</th>
              <th scope="col">{t("tokens.lastUsed")}</th>
              <th scope="col">{t("tokens.state")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((tok) => (
              <tr key={tok.id} data-token-id={tok.id} data-revoked={tok.revoked_at !== null}>
                <th scope="row">{tok.name}</th>
                <td>{t(`common:role.${tok.role}`)}</td>
                <td>{tok.projects.join(", ")}</td>
                <td>{fmt(tok.created_at)}</td>
                <td>{fmt(tok.last_used_at)}</td>
                <td>
                  {tok.revoked_at === null
                    ? t("tokens.valid")
                    : t("tokens.revokedAt", { at: fmt(tok.revoked_at) })}
                </td>
                <td>
                  {tok.revoked_at === null ? (
                    <button
                      type="button"
                      disabled={revoke.isPending}
                      onClick={() => {
                        if (window.confirm(t("tokens.confirmRevoke", { name: tok.name })))
                          revoke.mutate(tok.id);
                      }}
                    >
                      {t("tokens.revoke")}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form onSubmit={submit} aria-labelledby="new-token-title">
        <h3 id="new-token-title">{t("tokens.create")}</h3>
        <div className="row">
          <label className="field">
            <span>{t("tokens.name")}</span>
            <input
              required
              maxLength={100}
              name="token-name"
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            />
          </label>
          <label className="field">
            <span>{t("role")}</span>
            <select
              name="token-role"
              value={draft.role}
              onChange={(e) => setDraft({ ...draft, role: e.target.value === "admin" ? "admin" : "viewer" })}
            >
              <option value="viewer">{t("common:role.viewer")}</option>
              <option value="admin" disabled={!canAdmin}>
                {t("common:role.admin")}
              </option>
            </select>
          </label>
        </div>
        <fieldset>
          <legend>{t("tokens.projects")}</legend>
          {projects.data?.map((p) => (
            <label key={p.project_id} className="field inline">
              <input
                type="checkbox"
                checked={draft.projects.includes(p.project_id)}
                onChange={(e) =>
                  setDraft({
                    ...draft,
                    projects: e.target.checked
                      ? [...draft.projects, p.project_id]
                      : draft.projects.filter((x) => x !== p.project_id),
                  })
                }
              />
              <span>{p.name}</span>
            </label>
          ))}
        </fieldset>
        <button
          type="submit"
          className="primary"
          disabled={create.isPending || draft.projects.length === 0 || (draft.role === "admin" && !canAdmin)}
        >
          {t("tokens.create")}
        </button>
        {create.isError ? <ErrorNotice error={create.error} /> : null}
      </form>
    </section>
  );
}

function UsersPage() {
  const { t } = useTranslation("users");
  const { me } = useAuth();
  const { projectId, project } = useCurrentProject();
  return (
    <section aria-labelledby="users-page-title" className="users">
      <h1 id="users-page-title">{t("title")}</h1>
      <Members projectId={projectId} projectName={project?.name ?? projectId} />
      <Tokens projectId={projectId} timeZone={project?.time_zone ?? "UTC"} />
      {me?.user.is_owner ? <Users /> : null}
    </section>
  );
}

/** `/p/:projectId/users` (admins of the project): its members and roles, the caller's API tokens, and (owner) every user. */
export const page: PageModule = {
  id: "users",
  scope: "project",
  access: "admin",
  routes: [{ path: "users", element: <UsersPage /> }],
  nav: { path: "users", labelKey: "nav", order: 70 },
};
