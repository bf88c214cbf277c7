import i18n from "i18next";
import LanguageDetector from "i18next-browser-languagedetector";
import { initReactI18next } from "react-i18next";
import { PAGE_LOCALES } from "../pages/registry.ts";
import en from "./locales/en.json";
import ru from "./locales/ru.json";
import uk from "./locales/uk.json";

/** The languages of the UI, with their own names (for the switch). */
export const LANGUAGES = [
  { code: "uk", name: "Українська" },
  { code: "ru", name: "Русский" },
  { code: "en", name: "English" },
] as const;
/** One of {@link LANGUAGES}. */
export type Language = (typeof LANGUAGES)[number]["code"];
/** Where the chosen language is kept (`localStorage`). */
export const LANGUAGE_STORAGE_KEY = "pulse.lang";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** The shell's texts (namespace `common`) plus every page's namespace from its `locales/` files. */
function resources(): Resources {
  const out: Resources = { uk: { common: uk }, ru: { common: ru }, en: { common: en } };
  for (const [path, texts] of Object.entries(PAGE_LOCALES)) {
    const m = /^\.\/([^/]+)\/locales\/([a-z]+)\.json$/.exec(path);
    if (!m?.[1] || !m[2]) continue;
    const lang = out[m[2]];
    if (lang) lang[m[1]] = texts;
  }
  return out;
}

/**
 * i18next for the dashboard: Ukrainian, Russian and English; the language is the one chosen before
 * (`localStorage`), else the browser's, else English. Each page reads its own namespace.
 */
export async function initI18n(): Promise<typeof i18n> {
  await i18n
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      resources: resources(),
      supportedLngs: LANGUAGES.map((l) => l.code),
      nonExplicitSupportedLngs: true,
      load: "languageOnly",
      fallbackLng: "en",
      defaultNS: "common",
      ns: ["common"],
      interpolation: { escapeValue: false },
      detection: {
        order: ["localStorage", "navigator"],
        lookupLocalStorage: LANGUAGE_STORAGE_KEY,
        caches: ["localStorage"],
      },
      returnNull: false,
    });
  i18n.on("languageChanged", (lng) => {
    document.documentElement.lang = lng;
  });
  document.documentElement.lang = i18n.resolvedLanguage ?? "en";
  return i18n;
}
