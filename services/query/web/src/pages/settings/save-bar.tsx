import { useTranslation } from "react-i18next";
import { SettingsSaveError } from "./settings.api.ts";

/** Who changed a kind of settings last, and its version. */
export function VersionNote({
  version,
  changedBy,
  changedAt,
  format,
}: {
  version: number;
  changedBy: string | null;
  changedAt: string | null;
  format: (iso: string) => string;
}) {
  const { t } = useTranslation("settings");
  if (version === 0) return <p className="muted">{t("defaults")}</p>;
  return (
    <p className="muted" data-testid="version-note">
      {t("versionNote", { version, by: changedBy ?? "—", at: changedAt ? format(changedAt) : "—" })}
    </p>
  );
}

/**
 * The save button of a settings form and what the API said about the last attempt: the issues of a
 * 400 `invalid_settings` (each with the body's JSON pointer), a 409 `version_conflict` with a
 * reload button, or any other problem.
 */
export function SaveBar({
  id,
  saving,
  error,
  disabled,
  onReload,
}: {
  id: string;
  saving: boolean;
  error: unknown;
  disabled?: boolean;
  onReload: () => void;
}) {
  const { t } = useTranslation("settings");
  const problem = error instanceof SettingsSaveError ? error : null;
  return (
    <div className="save-bar">
      <button
        type="submit"
        className="primary"
        disabled={saving || disabled === true}
        data-testid={`${id}-save`}
      >
        {saving ? t("saving") : t("save")}
      </button>
      {error ? (
        <div
          className="notice error"
          role="alert"
          data-testid={`${id}-error`}
          data-code={problem?.code ?? "error"}
        >
          {problem?.code === "version_conflict" ? (
            <>
              <p>{t("conflict")}</p>
              <button type="button" onClick={onReload}>
                {t("reload")}
              </button>
            </>
          ) : problem?.code === "invalid_settings" && problem.issues.length > 0 ? (
            <>
              <p>{t("invalid")}</p>
              <ul>
                {problem.issues.map((i) => (
                  <li key={`${i.path}:${i.message}`}>
                    <code>{i.path || "/"}</code> — {i.message}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>{t("saveFailed", { message: error instanceof Error ? error.message : String(error) })}</p>
          )}
        </div>
      ) : null}
    </div>
  );
}
