# One image for every service (the compose file picks the entry point): compiled JavaScript,
# production dependencies only, non-root. Build: `docker compose build` (or `docker build .`).
# tests/image-replay.e2e.test.ts replays these steps outside Docker (COPY, RUN, ENV, WORKDIR, USER
# of each stage), so keep to those instructions and to plain `COPY <src>... <dest>` forms.

# ---- build: every dependency, compile src/ → dist/ ------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN npm install -g pnpm@10.34.9
# The install's inputs: workspace files and every package's manifest.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY packages/events/package.json ./packages/events/
COPY packages/domain/package.json ./packages/domain/
COPY infra/package.json ./infra/
COPY services/ingest/package.json ./services/ingest/
COPY services/projector/package.json ./services/projector/
COPY services/query/package.json ./services/query/
COPY services/analyst/package.json ./services/analyst/
COPY services/query/web/package.json ./services/query/web/
COPY tests/package.json ./tests/
COPY tools/local-stack/package.json ./tools/local-stack/
RUN pnpm install --frozen-lockfile
COPY tsconfig.json tsconfig.base.json ./
COPY scripts/build.mjs ./scripts/
COPY packages/events/src ./packages/events/src
COPY packages/domain/src ./packages/domain/src
COPY infra/src ./infra/src
COPY services/ingest/src ./services/ingest/src
COPY services/projector/src ./services/projector/src
COPY services/query/src ./services/query/src
COPY services/analyst/src ./services/analyst/src
# The dashboard (React + Vite): built to services/query/web/dist, served by the query service.
COPY services/query/web/index.html services/query/web/vite.config.ts services/query/web/tsconfig.json ./services/query/web/
COPY services/query/web/scripts ./services/query/web/scripts
COPY services/query/web/src ./services/query/web/src
RUN pnpm build

# ---- runtime: production dependencies and dist/ only ---------------------------------------------
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
RUN npm install -g pnpm@10.34.9
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY packages/events/package.json ./packages/events/
COPY packages/domain/package.json ./packages/domain/
COPY infra/package.json ./infra/
COPY services/ingest/package.json ./services/ingest/
COPY services/projector/package.json ./services/projector/
COPY services/query/package.json ./services/query/
COPY services/analyst/package.json ./services/analyst/
COPY services/query/web/package.json ./services/query/web/
COPY tests/package.json ./tests/
COPY tools/local-stack/package.json ./tools/local-stack/
# Production dependencies of the four services (and the workspace packages they use) only.
RUN pnpm install --frozen-lockfile --prod --filter "{./services/*}..."
COPY --from=build /app/packages/events/dist ./packages/events/dist
COPY --from=build /app/packages/domain/dist ./packages/domain/dist
COPY --from=build /app/infra/dist ./infra/dist
COPY --from=build /app/services/ingest/dist ./services/ingest/dist
COPY --from=build /app/services/projector/dist ./services/projector/dist
COPY --from=build /app/services/query/dist ./services/query/dist
COPY --from=build /app/services/analyst/dist ./services/analyst/dist
COPY --from=build /app/services/query/web/dist ./services/query/web/dist
# `pulse-dist`: workspace packages resolve to their compiled dist/ (package.json "exports").
ENV NODE_ENV=production NODE_OPTIONS=--conditions=pulse-dist
USER node
