import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";
import { useCurrentProject } from "../../shell/projects.ts";
import { Loading } from "../../shell/status.tsx";
import type { PageModule } from "../page.types.ts";
import { DialogsList } from "./dialogs-list.tsx";
import { ShiftReport } from "./shift-report.tsx";
import "./shifts.css";

/** The page's two views: the shift report with its deal table, and the dialog list. */
function SubNav() {
  const { t } = useTranslation("shifts");
  return (
    <nav aria-label={t("views")} className="subnav">
      <NavLink to="../shifts" relative="path" end>
        {t("tabShifts")}
      </NavLink>
      <NavLink to="../dialogs" relative="path" end>
        {t("tabDialogs")}
      </NavLink>
    </nav>
  );
}

function ShiftsView({ view }: { view: "shifts" | "dialogs" }) {
  const { t } = useTranslation("shifts");
  const { projectId, project } = useCurrentProject();
  return (
    <section aria-labelledby="shifts-title" className="shifts">
      <h1 id="shifts-title">{t("title")}</h1>
      <SubNav />
      {project === undefined ? (
        <Loading />
      ) : view === "shifts" ? (
        <ShiftReport projectId={projectId} timeZone={project.time_zone} />
      ) : (
        <DialogsList projectId={projectId} timeZone={project.time_zone} />
      )}
    </section>
  );
}

/**
 * `/p/:projectId/shifts` (the shift report per manager and the shift deal table with dialog texts
 * and scores) and `/p/:projectId/dialogs` (the analysed dialogs with filters and CSV download).
 */
export const page: PageModule = {
  id: "shifts",
  scope: "project",
  access: "viewer",
  routes: [
    { path: "shifts", element: <ShiftsView view="shifts" /> },
    { path: "dialogs", element: <ShiftsView view="dialogs" /> },
  ],
  nav: { path: "shifts", labelKey: "nav", order: 40 },
};
