import type { RouteObject } from "react-router";
import type { Access } from "../auth/auth-context.tsx";

/**
 * One page of the dashboard: a folder `src/pages/<id>/` with `page.tsx` exporting `page` (this
 * shape) and `locales/{uk,ru,en}.json` (the page's i18n namespace, named `<id>`). The registry
 * (`registry.ts`) finds every folder by itself, so adding a page edits no shared file.
 */
export interface PageModule {
  /** The folder name; also the i18n namespace of the page's texts. */
  id: string;
  /**
   * Where the page lives: `project` pages under `/p/:projectId/` (the project switcher keeps the
   * page when switching), `global` pages under `/`, `public` pages outside the app shell and
   * without a session (the login page).
   */
  scope: "project" | "global" | "public";
  /** Who may open it: any member, an admin of the current project, or the owner. */
  access: Access;
  /** Routes relative to the scope's root (`""` is the index, e.g. `orders`, `orders/:orderId`). */
  routes: RouteObject[];
  /** Entry of the header navigation; none for pages reached by links only. */
  nav?: {
    /** Path relative to the scope's root. */
    path: string;
    /** Key of the label in the page's namespace. */
    labelKey: string;
    /** Position in the navigation, ascending. */
    order: number;
  };
}
