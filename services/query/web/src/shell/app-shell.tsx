import type { ChangeEvent } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useLocation, useNavigate, useParams } from "react-router";
import { useAuth } from "../auth/auth-context.tsx";
import { LANGUAGES } from "../i18n/i18n.ts";
import { PAGES } from "../pages/registry.ts";
import { LAST_PROJECT_KEY, useProjects } from "./projects.ts";

function ProjectSwitcher() {
  const { t } = useTranslation();
  const { projectId } = useParams();
  const { data: projects } = useProjects();
  const navigate = useNavigate();
  const location = useLocation();
  const current = projectId ?? localStorage.getItem(LAST_PROJECT_KEY) ?? projects?.[0]?.project_id ?? "";

  function onChange(e: ChangeEvent<HTMLSelectElement>) {
    const next = e.target.value;
    localStorage.setItem(LAST_PROJECT_KEY, next);
    // Same page in the other project; a project page's own sub-path (an order id) is dropped.
    const m = /^\/p\/[^/]+\/([^/]+)/.exec(location.pathname);
    navigate(`/p/${encodeURIComponent(next)}/${m?.[1] ?? "orders"}`);
  }

  return (
    <label className="field inline">
      <span>{t("project")}</span>
      <select value={current} onChange={onChange} disabled={!projects?.length} data-testid="project-switcher">
        {projects?.length ? null : <option value="">{t("noProjects")}</option>}
        {projects?.map((p) => (
          <option key={p.project_id} value={p.project_id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="field inline">
      <span>{t("language")}</span>
      <select
        value={i18n.resolvedLanguage ?? "en"}
        onChange={(e) => void i18n.changeLanguage(e.target.value)}
        data-testid="language-switch"
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function UserBox() {
  const { t } = useTranslation();
  const { me, logout, roleIn } = useAuth();
  const { projectId } = useParams();
  const navigate = useNavigate();
  if (!me) return null;
  const role = me.user.is_owner ? "owner" : projectId ? roleIn(projectId) : null;
  return (
    <div className="user" data-testid="user">
      <span>{t("signedInAs", { name: me.user.display_name })}</span>
      {role ? (
        <span className={`badge role-${role}`} data-testid="user-role" data-role={role}>
          {t(`role.${role}`)}
        </span>
      ) : null}
      <button
        type="button"
        onClick={() => {
          void logout().then(() => navigate("/login", { replace: true }));
        }}
      >
        {t("logout")}
      </button>
    </div>
  );
}

function Nav() {
  const { t } = useTranslation();
  const { allows } = useAuth();
  const { projectId } = useParams();
  const { data: projects } = useProjects();
  const project = projectId ?? localStorage.getItem(LAST_PROJECT_KEY) ?? projects?.[0]?.project_id;
  return (
    <nav aria-label={t("nav")}>
      <ul>
        {PAGES.filter((p) => p.nav && p.scope !== "public").map((p) => {
          const nav = p.nav!;
          if (p.scope === "project") {
            if (project === undefined || !allows(p.access, project)) return null;
            return (
              <li key={p.id}>
                <NavLink to={`/p/${encodeURIComponent(project)}/${nav.path}`}>
                  {t(nav.labelKey, { ns: p.id })}
                </NavLink>
              </li>
            );
          }
          if (!allows(p.access)) return null;
          return (
            <li key={p.id}>
              <NavLink to={`/${nav.path}`} end>
                {t(nav.labelKey, { ns: p.id })}
              </NavLink>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** The frame of every signed-in page: header (brand, navigation, project, language, user) and the page. */
export function AppShell() {
  const { t } = useTranslation();
  return (
    <>
      <a className="skip" href="#main">
        {t("skipToContent")}
      </a>
      <header className="shell">
        <span className="brand">{t("app")}</span>
        <Nav />
        <div className="shell-controls">
          <ProjectSwitcher />
          <LanguageSwitch />
          <UserBox />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
