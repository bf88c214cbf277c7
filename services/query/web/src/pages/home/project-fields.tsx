import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client.ts";
import type { GetJson } from "../../api/types.ts";
import { PROJECTS_KEY } from "../../shell/projects.ts";
import { ErrorNotice } from "../../shell/status.tsx";

/** A project's fields as ingest holds them (`GET /api/projects/{id}`): the token only as set/fingerprint. */
export type ProjectFields = GetJson<"/api/projects/{id}">;

/** Body of `PATCH /api/projects/{id}`: only the members that changed. */
export interface ProjectFieldsPatch {
  base_url?: string | null;
  api_token?: string | null;
  time_zone?: string;
  active?: boolean;
}

/** What the form holds: the token field is empty unless a new token is typed (write-only). */
interface Draft {
  baseUrl: string;
  timeZone: string;
  active: boolean;
  newToken: string;
  removeToken: boolean;
}

function draftOf(f: ProjectFields): Draft {
  return {
    baseUrl: f.base_url ?? "",
    timeZone: f.time_zone,
    active: f.active,
    newToken: "",
    removeToken: false,
  };
}

/**
 * The members of the patch that differ from `current` (an empty base URL means "none"; the token is
 * sent only when a new one was typed or its removal asked).
 */
export function patchOf(current: ProjectFields, d: Draft): ProjectFieldsPatch {
  const patch: ProjectFieldsPatch = {};
  const baseUrl = d.baseUrl.trim() === "" ? null : d.baseUrl.trim();
  if (baseUrl !== current.base_url) patch.base_url = baseUrl;
  if (d.timeZone.trim() !== current.time_zone) patch.time_zone = d.timeZone.trim();
  if (d.active !== current.active) patch.active = d.active;
  if (d.newToken.trim() !== "") patch.api_token = d.newToken.trim();
  else if (d.removeToken && current.api_token_set) patch.api_token = null;
  return patch;
}

/**
 * The project's fields for its admins (and the owner): base URL, CRM API token (write-only: an empty
 * field keeps the stored one; the page shows only whether one is set and its fingerprint), time
 * zone, active. Saved with `PATCH /api/projects/{id}` (audited); a refusal shows the API's reason.
 */
export function ProjectFieldsForm({ projectId }: { projectId: string }) {
  const { t } = useTranslation("home");
  const queryClient = useQueryClient();
  const key = ["project", projectId] as const;
  const fields = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET("/api/projects/{id}", { params: { path: { id: projectId } } })),
  });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: async (body: ProjectFieldsPatch) =>
      unwrap(await api.PATCH("/api/projects/{id}", { params: { path: { id: projectId } }, body })),
    onSuccess: (after) => {
      queryClient.setQueryData(key, after);
      setDraft(draftOf(after));
      setSaved(true);
      void queryClient.invalidateQueries({ queryKey: PROJECTS_KEY });
    },
  });
  if (fields.isPending) return <p className="muted">{t("common:loading")}</p>;
  if (fields.isError) return <ErrorNotice error={fields.error} onRetry={() => void fields.refetch()} />;
  const current = fields.data;
  const d = draft ?? draftOf(current);
  const patch = patchOf(current, d);
  const dirty = Object.keys(patch).length > 0;
  const id = (name: string) => `pf-${projectId}-${name}`;
  const change = (next: Partial<Draft>) => {
    setSaved(false);
    setDraft({ ...d, ...next });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (dirty) save.mutate(patch);
  };
  return (
    <form
      className="project-fields"
      onSubmit={submit}
      aria-labelledby={id("title")}
      data-testid="project-fields"
    >
      <h3 id={id("title")}>{t("edit.title")}</h3>
      <label className="field">
        <span>{t("baseUrl")}</span>
        <input
          type="url"
          name="base_url"
          value={d.baseUrl}
          placeholder="https://openapi.keycrm.app/v1"
          onChange={(e) => change({ baseUrl: e.target.value })}
        />
      </label>
      <label className="field">
        <span>{t("timeZone")}</span>
        <input
          name="time_zone"
          required
          value={d.timeZone}
          placeholder="Europe/Kyiv"
          onChange={(e) => change({ timeZone: e.target.value })}
        />
      </label>
      <label className="field inline">
        <input
          type="checkbox"
          name="active"
          checked={d.active}
          onChange={(e) => change({ active: e.target.checked })}
        />
        <span>{t("edit.active")}</span>
      </label>
      <fieldset>
        <legend>{t("edit.token")}</legend>
        <p className="small" data-testid="token-state">
          {current.api_token_set
            ? t("edit.tokenSet", { fingerprint: current.api_token_fingerprint ?? "" })
            : t("edit.tokenNotSet")}
        </p>
        <label className="field">
          <span>{t("edit.newToken")}</span>
          <input
            type="password"
            name="api_token"
            autoComplete="new-password"
            value={d.newToken}
            onChange={(e) => change({ newToken: e.target.value, removeToken: false })}
          />
        </label>
        <p className="small muted">{t("edit.tokenHint")}</p>
        {current.api_token_set ? (
          <label className="field inline">
            <input
              type="checkbox"
              name="remove_token"
              checked={d.removeToken}
              disabled={d.newToken !== ""}
              onChange={(e) => change({ removeToken: e.target.checked })}
            />
            <span>{t("edit.removeToken")}</span>
          </label>
        ) : null}
      </fieldset>
      <div className="row">
        <button type="submit" className="primary" disabled={!dirty || save.isPending}>
          {t("edit.save")}
        </button>
        {saved && !dirty ? (
          <output className="notice" data-testid="project-saved">
            {t("edit.saved")}
          </output>
        ) : null}
      </div>
      {save.isError ? <ErrorNotice error={save.error} /> : null}
    </form>
  );
}
