import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import {
  createBrowserRouter,
  Navigate,
  Outlet,
  type RouteObject,
  RouterProvider,
  useLocation,
  useParams,
} from "react-router";
import { ApiError } from "./api/client.ts";
import { type Access, AuthProvider, useAuth } from "./auth/auth-context.tsx";
import type { PageModule } from "./pages/page.types.ts";
import { PAGES } from "./pages/registry.ts";
import { AppShell } from "./shell/app-shell.tsx";
import { LAST_PROJECT_KEY } from "./shell/projects.ts";
import { Loading } from "./shell/status.tsx";

/** Signed-in pages only: without a session, the login page (coming back here afterwards). */
function RequireSession() {
  const { me } = useAuth();
  const location = useLocation();
  if (me === undefined) return <Loading />;
  if (me === null) {
    const back = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(back)}`} replace />;
  }
  return <Outlet />;
}

/** A page's access rule, checked against the current project (if any). */
function RequireAccess({ access }: { access: Access }) {
  const { t } = useTranslation();
  const { allows } = useAuth();
  const { projectId } = useParams();
  useEffect(() => {
    if (projectId !== undefined) localStorage.setItem(LAST_PROJECT_KEY, projectId);
  }, [projectId]);
  if (!allows(access, projectId)) {
    return (
      <p className="notice" role="alert" data-testid="not-allowed">
        {t("notAllowed")}
      </p>
    );
  }
  return <Outlet />;
}

function NotFound() {
  const { t } = useTranslation();
  return <p className="notice">{t("notFound")}</p>;
}

function guarded(page: PageModule): RouteObject {
  return { id: `page:${page.id}`, element: <RequireAccess access={page.access} />, children: page.routes };
}

/** The route tree: public pages, then the shell with global pages and `/p/:projectId/` pages. */
export function appRoutes(pages: readonly PageModule[]): RouteObject[] {
  return [
    ...pages.filter((p) => p.scope === "public").flatMap((p) => p.routes),
    {
      element: <RequireSession />,
      children: [
        {
          element: <AppShell />,
          children: [
            ...pages.filter((p) => p.scope === "global").map(guarded),
            { path: "p/:projectId", children: pages.filter((p) => p.scope === "project").map(guarded) },
            { path: "*", element: <NotFound /> },
          ],
        },
      ],
    },
  ];
}

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // 4xx answers are final (a 401 also resets the session); other failures are retried twice.
        retry: (count, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
}

const queryClient = makeQueryClient();
const router = createBrowserRouter(appRoutes(PAGES));

/** The dashboard: data cache, session and router. */
export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>
  );
}
