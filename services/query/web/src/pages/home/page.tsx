import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, unwrap } from "../../api/client.ts";
import type { Project } from "../../api/types.ts";
import { useAuth } from "../../auth/auth-context.tsx";
import { formatAgo, formatInstant } from "../../format/time.ts";
import { useProjects } from "../../shell/projects.ts";
import { ErrorNotice, Loading } from "../../shell/status.tsx";
import type { PageModule } from "../page.types.ts";
import { ProjectFieldsForm } from "./project-fields.tsx";

/** Freshness of each webhook source of a project: when the last request and the last new event came. */
function Freshness({ project }: { project: Project }) {
  const { t, i18n } = useTranslation("home");
  const stats = useQuery({
    queryKey: ["webhooks", "stats", project.project_id],
    queryFn: async () =>
      unwrap(await api.GET("/api/webhooks/stats", { params: { query: { project: project.project_id } } })),
    refetchInterval: 60_000,
  });
  if (stats.isPending) return <p className="muted">{t("common:loading")}</p>;
  if (stats.isError) return <ErrorNotice error={stats.error} />;
  const now = new Date();
  if (stats.data.freshness.length === 0) return <p className="muted">{t("noDeliveries")}</p>;
  return (
    <table data-testid="freshness">
      <thead>
        <tr>
          <th scope="col">{t("source")}</th>
          <th scope="col">{t("lastReceived")}</th>
          <th scope="col">{t("lastAccepted")}</th>
        </tr>
      </thead>
      <tbody>
        {stats.data.freshness.map((f) => (
          <tr key={f.source} data-source={f.source}>
            <td>{f.source}</td>
            <td title={formatInstant(f.last_received_at, project.time_zone, i18n.language)}>
              {formatAgo(f.last_received_at, now, i18n.language)}
            </td>
            <td title={formatInstant(f.last_accepted_at, project.time_zone, i18n.language)}>
              {formatAgo(f.last_accepted_at, now, i18n.language)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ProjectCard({ project }: { project: Project }) {
  const { t } = useTranslation("home");
  const { allows } = useAuth();
  return (
    <section
      className="card"
      aria-labelledby={`p-${project.project_id}`}
      data-project-id={project.project_id}
    >
      <h2 id={`p-${project.project_id}`}>
        <Link to={`/p/${encodeURIComponent(project.project_id)}/orders`}>{project.name}</Link>
      </h2>
      <dl className="facts">
        <dt>{t("id")}</dt>
        <dd>{project.project_id}</dd>
        <dt>{t("kind")}</dt>
        <dd data-testid="kind">{project.kind}</dd>
        <dt>{t("timeZone")}</dt>
        <dd data-testid="time-zone">{project.time_zone}</dd>
        <dt>{t("baseUrl")}</dt>
        <dd>{project.base_url ?? "—"}</dd>
        <dt>{t("state")}</dt>
        <dd>{project.active ? t("active") : t("inactive")}</dd>
      </dl>
      <h3 className="muted">{t("freshness")}</h3>
      <Freshness project={project} />
      {allows("admin", project.project_id) ? (
        <details className="edit-project">
          <summary>{t("edit.open")}</summary>
          <ProjectFieldsForm projectId={project.project_id} />
        </details>
      ) : null}
    </section>
  );
}

function HomePage() {
  const { t } = useTranslation("home");
  const projects = useProjects();
  return (
    <>
      <h1>{t("title")}</h1>
      {projects.isPending ? <Loading /> : null}
      {projects.isError ? (
        <ErrorNotice error={projects.error} onRetry={() => void projects.refetch()} />
      ) : null}
      {projects.data?.length === 0 ? <p className="notice">{t("none")}</p> : null}
      <div className="grid">
        {projects.data?.map((p) => (
          <ProjectCard key={p.project_id} project={p} />
        ))}
      </div>
    </>
  );
}

/**
 * `/`: the projects the user may see, with kind, time zone and freshness of each webhook source;
 * a project's admins (and the owner) edit its fields there.
 */
export const page: PageModule = {
  id: "home",
  scope: "global",
  access: "viewer",
  routes: [{ index: true, element: <HomePage /> }],
  nav: { path: "", labelKey: "nav", order: 10 },
};
