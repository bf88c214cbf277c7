import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../../api/client.ts";
import { useAuth } from "../../auth/auth-context.tsx";
import { LANGUAGES } from "../../i18n/i18n.ts";
import type { PageModule } from "../page.types.ts";

/** Where to go after signing in: the `next` parameter when it is a path of this app, else home. */
function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/";
}

function LoginPage() {
  const { t, i18n } = useTranslation("login");
  const { me, login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get("next"));

  if (me) return <Navigate to={next} replace />;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(name.trim(), password);
      navigate(next, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t("invalid"));
      else if (err instanceof ApiError && err.status === 429)
        setError(t("rateLimited", { seconds: err.retryAfterSeconds ?? 60 }));
      else setError(t("failed", { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main">
      <form className="login card" onSubmit={onSubmit} aria-labelledby="login-title">
        <h1 id="login-title">{t("title")}</h1>
        <label className="field">
          <span>{t("login")}</span>
          <input
            name="login"
            autoComplete="username"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t("password")}</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error ? (
          <p className="notice error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {t("submit")}
        </button>
        <label className="field inline">
          <span>{t("common:language")}</span>
          <select
            value={i18n.resolvedLanguage ?? "en"}
            onChange={(e) => void i18n.changeLanguage(e.target.value)}
          >
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code} lang={l.code}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
      </form>
    </main>
  );
}

/** `/login`: sign in with login and password (cookie session); back to `?next=` afterwards. */
export const page: PageModule = {
  id: "login",
  scope: "public",
  access: "viewer",
  routes: [{ path: "/login", element: <LoginPage /> }],
};
