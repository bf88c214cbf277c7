import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.tsx";
import { initI18n } from "./i18n/i18n.ts";
import "./styles.css";

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root");
await initI18n();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
