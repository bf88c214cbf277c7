import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client.ts";
import type { GetJson } from "../../api/types.ts";
import { formatAgo, formatInstant } from "../../format/time.ts";
import { useCurrentProject } from "../../shell/projects.ts";
import { ErrorNotice, Loading } from "../../shell/status.tsx";
import type { PageModule } from "../page.types.ts";
import "./integrations.css";

/** `GET /api/integrations/health` answer. */
type Health = GetJson<"/api/integrations/health">;
/** The Telegram part of `GET /api/projects/{id}`. */
type ProjectFields = GetJson<"/api/projects/{id}">;

/** Body of the Telegram part of `PATCH /api/projects/{id}`: only what changed; the token only when typed. */
export interface TelegramPatch {
  bot_token?: string;
  chat_id?: string;
  template?: string | null;
  enabled?: boolean;
}

interface Draft {
  token: string;
  chatId: string;
  template: string;
  enabled: boolean;
}

/** The members of the Telegram patch that differ from the stored settings (empty template = the default). */
export function telegramPatchOf(current: ProjectFields["telegram"], d: Draft): TelegramPatch {
  const patch: TelegramPatch = {};
  if (d.token.trim() !== "") patch.bot_token = d.token.trim();
  if (d.chatId.trim() !== (current?.chat_id ?? "")) patch.chat_id = d.chatId.trim();
  const template = d.template.trim() === "" ? null : d.template;
  if (template !== (current?.template ?? null)) patch.template = template;
  if (d.enabled !== (current?.enabled ?? true)) patch.enabled = d.enabled;
  return patch;
}

function StateBadge({ ok, label }: { ok: boolean | null; label: string }) {
  const cls = ok === null ? "unknown" : ok ? "good" : "bad";
  return (
    <span className={`badge health-${cls}`} data-state={cls}>
      {label}
    </span>
  );
}

/** Notification settings for admins: write-only bot token, chat id, template, enabled; and the test button. */
function NotificationSettings({ projectId }: { projectId: string }) {
  const { t } = useTranslation("integrations");
  const queryClient = useQueryClient();
  const key = ["project", projectId] as const;
  const fields = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET("/api/projects/{id}", { params: { path: { id: projectId } } })),
  });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: async (telegram: TelegramPatch | null) =>
      unwrap(
        await api.PATCH("/api/projects/{id}", { params: { path: { id: projectId } }, body: { telegram } }),
      ),
    onSuccess: (after) => {
      queryClient.setQueryData(key, after);
      setDraft(null);
      setSaved(true);
      void queryClient.invalidateQueries({ queryKey: ["integrations", projectId] });
    },
  });
  const sendTest = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST("/api/notifications/test", { params: { query: { project: projectId } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["integrations", projectId] }),
  });
  if (fields.isPending) return <Loading />;
  if (fields.isError) return <ErrorNotice error={fields.error} onRetry={() => void fields.refetch()} />;
  const current = fields.data.telegram ?? null;
  const d: Draft = draft ?? {
    token: "",
    chatId: current?.chat_id ?? "",
    template: current?.template ?? "",
    enabled: current?.enabled ?? true,
  };
  const patch = telegramPatchOf(current, d);
  const dirty = Object.keys(patch).length > 0;
  const change = (next: Partial<Draft>) => {
    setSaved(false);
    setDraft({ ...d, ...next });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (dirty) save.mutate(patch);
  };
  return (
    <form className="card notification-settings" onSubmit={submit} data-testid="notification-settings">
      <h3>{t("settings.title")}</h3>
      <p className="small" data-testid="bot-token-state">
        {current?.bot_token_set
          ? t("settings.tokenSet", { fingerprint: current.bot_token_fingerprint ?? "" })
          : t("settings.tokenNotSet")}
      </p>
      <label className="field">
        <span>{t("settings.token")}</span>
        <input
          type="password"
          name="bot_token"
          autoComplete="new-password"
          value={d.token}
          placeholder="123456789:AA…"
          onChange={(e) => change({ token: e.target.value })}
        />
      </label>
      <p className="small muted">{t("settings.tokenHint")}</p>
      <label className="field">
        <span>{t("settings.chat")}</span>
        <input
          name="chat_id"
          value={d.chatId}
          placeholder="-1001234567890"
          onChange={(e) => change({ chatId: e.target.value })}
        />
      </label>
      <label className="field">
        <span>{t("settings.template")}</span>
        <textarea
          name="template"
          rows={5}
          value={d.template}
          placeholder={t("settings.templateDefault")}
          onChange={(e) => change({ template: e.target.value })}
        />
      </label>
      <p className="small muted">{t("settings.placeholders")}</p>
      <label className="field inline">
        <input
          type="checkbox"
          name="enabled"
          checked={d.enabled}
          onChange={(e) => change({ enabled: e.target.checked })}
        />
        <span>{t("settings.enabled")}</span>
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={!dirty || save.isPending}>
          {t("settings.save")}
        </button>
        <button
          type="button"
          disabled={!current || sendTest.isPending}
          onClick={() => sendTest.mutate()}
          data-testid="send-test"
        >
          {t("settings.sendTest")}
        </button>
        {current ? (
          <button type="button" disabled={save.isPending} onClick={() => save.mutate(null)}>
            {t("settings.remove")}
          </button>
        ) : null}
        {saved && !dirty ? (
          <output className="notice" data-testid="settings-saved">
            {t("settings.saved")}
          </output>
        ) : null}
        {sendTest.isSuccess ? (
          <output className="notice" data-testid="test-sent">
            {t("settings.testSent")}
          </output>
        ) : null}
      </div>
      {save.isError ? <ErrorNotice error={save.error} /> : null}
      {sendTest.isError ? <ErrorNotice error={sendTest.error} /> : null}
    </form>
  );
}

function IntegrationsPage() {
  const { t, i18n } = useTranslation("integrations");
  const { projectId, project, role } = useCurrentProject();
  const timeZone = project?.time_zone ?? "UTC";
  const lang = i18n.language;
  const health = useQuery({
    queryKey: ["integrations", projectId],
    queryFn: async () =>
      unwrap(await api.GET("/api/integrations/health", { params: { query: { project: projectId } } })),
    refetchInterval: 30_000,
  });
  const now = new Date();
  const when = (iso: string | null) =>
    iso === null ? t("never") : `${formatInstant(iso, timeZone, lang)} (${formatAgo(iso, now, lang)})`;
  const h: Health | undefined = health.data;
  return (
    <section aria-labelledby="integrations-title" className="integrations">
      <h1 id="integrations-title">{t("title")}</h1>
      {health.isPending ? <Loading /> : null}
      {health.isError ? <ErrorNotice error={health.error} onRetry={() => void health.refetch()} /> : null}
      {h ? (
        <>
          <h2>{t("apis.title")}</h2>
          <table data-testid="api-health">
            <thead>
              <tr>
                <th scope="col">{t("apis.api")}</th>
                <th scope="col">{t("apis.reachable")}</th>
                <th scope="col">{t("apis.token")}</th>
                <th scope="col">{t("apis.lastSuccess")}</th>
                <th scope="col">{t("apis.lastError")}</th>
              </tr>
            </thead>
            <tbody>
              {h.apis.map((a) => (
                <tr key={a.api} data-api={a.api}>
                  <th scope="row">{a.api === "crm" ? t("apis.crm", { kind: h.kind }) : t("apis.radist")}</th>
                  <td data-col="reachable">
                    {!a.configured ? (
                      <span className="muted">{t("apis.notConfigured")}</span>
                    ) : (
                      <StateBadge
                        ok={a.reachable}
                        label={
                          a.reachable === null
                            ? t("apis.unknown")
                            : a.reachable
                              ? t("apis.yes")
                              : t("apis.no")
                        }
                      />
                    )}
                  </td>
                  <td data-col="token">
                    {a.configured ? (
                      <StateBadge
                        ok={a.token_valid}
                        label={
                          a.token_valid === null
                            ? t("apis.unknown")
                            : a.token_valid
                              ? t("apis.valid")
                              : t("apis.invalid")
                        }
                      />
                    ) : null}
                  </td>
                  <td data-col="last-success">{a.configured ? when(a.last_success_at) : null}</td>
                  <td data-col="last-error">
                    {a.last_error
                      ? `${a.last_error.status === null ? t("apis.noAnswer") : `HTTP ${a.last_error.status}`} · ${when(a.last_error.at)}`
                      : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2>{t("webhooks.title")}</h2>
          {h.webhooks.length === 0 ? (
            <p className="muted">{t("webhooks.none")}</p>
          ) : (
            <table data-testid="webhook-health">
              <thead>
                <tr>
                  <th scope="col">{t("webhooks.source")}</th>
                  <th scope="col">{t("webhooks.lastReceived")}</th>
                  <th scope="col">{t("webhooks.lastAccepted")}</th>
                </tr>
              </thead>
              <tbody>
                {h.webhooks.map((w) => (
                  <tr key={w.source}>
                    <th scope="row">{w.source}</th>
                    <td>{when(w.last_received_at)}</td>
                    <td>{when(w.last_accepted_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h2>{t("notifications.title")}</h2>
          <dl className="notification-stats" data-testid="notification-stats">
            <dt>{t("notifications.state")}</dt>
            <dd data-field="state">
              {!h.notifications.configured
                ? t("notifications.off")
                : h.notifications.enabled
                  ? t("notifications.on")
                  : t("notifications.disabled")}
            </dd>
            <dt>{t("notifications.sent")}</dt>
            <dd data-field="sent">{h.notifications.sent}</dd>
            <dt>{t("notifications.failed")}</dt>
            <dd data-field="failed">{h.notifications.failed}</dd>
            <dt>{t("notifications.unconfirmed")}</dt>
            <dd data-field="unconfirmed">{h.notifications.unconfirmed}</dd>
            <dt>{t("notifications.lastSent")}</dt>
            <dd data-field="last-sent">{when(h.notifications.last_sent_at)}</dd>
            <dt>{t("notifications.lastError")}</dt>
            <dd data-field="last-error">
              {h.notifications.last_error
                ? `${h.notifications.last_error.message} · ${when(h.notifications.last_error.at)}`
                : "—"}
            </dd>
          </dl>
          <p className="small muted">{t("notifications.note")}</p>
          {role === "admin" ? <NotificationSettings projectId={projectId} /> : null}
        </>
      ) : null}
    </section>
  );
}

/** `/p/:projectId/integrations`: CRM/Radist API health, webhook freshness, Telegram sale notifications. */
export const page: PageModule = {
  id: "integrations",
  scope: "project",
  access: "viewer",
  routes: [{ path: "integrations", element: <IntegrationsPage /> }],
  nav: { path: "integrations", labelKey: "nav", order: 55 },
};
