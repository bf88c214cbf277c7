import type { PageModule } from "./page.types.ts";

/**
 * Every page of the dashboard: each `src/pages/<id>/page.tsx` exporting `page` ({@link PageModule}),
 * found at build time (`import.meta.glob`), ordered by `nav.order`.
 *
 * Navigation order (the `nav.order` each page declares):
 *   10 home · 20 orders (board and order panel) · 30 analytics · 40 shifts (and dialogs) ·
 *   50 webhooks · 55 integrations · 60 settings · 70 users (owner) · login has no entry.
 */
const modules = import.meta.glob<{ page: PageModule }>("./*/page.tsx", { eager: true });

/** The pages, in navigation order (pages without a nav entry last). */
export const PAGES: readonly PageModule[] = Object.values(modules)
  .map((m) => m.page)
  .sort((a, b) => (a.nav?.order ?? 1_000) - (b.nav?.order ?? 1_000));

/** Locale files of the pages: `./<id>/locales/<lang>.json` → the namespace `<id>` of `<lang>`. */
export const PAGE_LOCALES = import.meta.glob<Record<string, unknown>>("./*/locales/*.json", {
  eager: true,
  import: "default",
});
