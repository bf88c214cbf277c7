import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { api, unwrap } from "../api/client.ts";
import type { Project, Role } from "../api/types.ts";
import { useAuth } from "../auth/auth-context.tsx";

/** Query key of `GET /api/projects`; invalidate it after editing a project. */
export const PROJECTS_KEY = ["projects"] as const;
/** Where the last opened project is kept (`localStorage`), for the first visit of a project page. */
export const LAST_PROJECT_KEY = "pulse.project";

/** The projects the user may see (`GET /api/projects`), sorted by name. */
export function useProjects() {
  return useQuery({
    queryKey: PROJECTS_KEY,
    queryFn: async () => {
      const data = unwrap(await api.GET("/api/projects"));
      return [...data.items].sort((a, b) => a.name.localeCompare(b.name));
    },
  });
}

/** The current project of a `/p/:projectId/…` page and the user's role in it. */
export interface CurrentProject {
  projectId: string;
  /** `undefined` while the list loads or when the project is not visible to the user. */
  project: Project | undefined;
  role: Role | null;
}

/** The project of the current route (`:projectId`). @throws Error on a route without it. */
export function useCurrentProject(): CurrentProject {
  const { projectId } = useParams();
  if (projectId === undefined) throw new Error("useCurrentProject outside /p/:projectId");
  const { data } = useProjects();
  const { roleIn } = useAuth();
  return { projectId, project: data?.find((p) => p.project_id === projectId), role: roleIn(projectId) };
}
