import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * Build of the dashboard: `src/` → `dist/` (`index.html` plus content-hashed files under
 * `dist/assets/`, which the query service serves as immutable). `pnpm build` runs it; in
 * development `vite` serves the app on :5173 and proxies `/api` (SSE included) to the query
 * service on `QUERY_URL` (default http://127.0.0.1:3000).
 */
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1200 },
  server: {
    proxy: { "/api": { target: process.env["QUERY_URL"] ?? "http://127.0.0.1:3000", changeOrigin: false } },
  },
});
