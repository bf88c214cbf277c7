import { useTranslation } from "react-i18next";

/** A busy indicator announced to screen readers. */
export function Loading() {
  const { t } = useTranslation();
  return (
    <output className="notice" aria-live="polite">
      {t("loading")}
    </output>
  );
}

/** An error with its message and an optional retry button. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="notice error" role="alert">
      <p>{t("error", { message })}</p>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {t("retry")}
        </button>
      ) : null}
    </div>
  );
}
