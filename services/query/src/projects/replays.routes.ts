import { ProjectId } from "@pulse/events";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { API_ERRORS, API_SECURITY, Instant, projectScope } from "../http/api.schemas.js";
import { NotFoundError } from "../http/app.errors.js";
import { requireProject } from "../http/project-scope.js";
import { findReplay, listReplays } from "./replays.repository.js";

/** One recomputation of the read models (`ops.replays`), without its diff. */
export const ReplaySummary = z.object({
  id: z.string().describe("replay id; for a settings change, the id of the settings event"),
  project_id: ProjectId.nullable(),
  reason: z.string().describe("why it ran, e.g. the settings event type"),
  trigger_event_id: z.string().nullable(),
  requested_by: z.string().nullable().describe("who caused it (the admin's subject for a settings change)"),
  status: z
    .string()
    .describe(
      "running (an attempt runs) | retrying (the last attempt failed for a transient reason — NATS or " +
        "Postgres unreachable, a crash — and the next starts at next_attempt_at) | done | failed (a " +
        "deterministic failure that retrying cannot fix; see error)",
    ),
  events_total: z.number().int().describe("events the replay reads (0 while unknown)"),
  events_done: z.number().int().describe("events read so far"),
  progress: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe("events_done / events_total (1 when done; null while the total is unknown)"),
  started_at: Instant,
  finished_at: Instant.nullable(),
  error: z.string().nullable().describe("why a failed replay failed"),
  attempts: z.number().int().describe("attempts started so far (0 until the first starts)"),
  last_error: z
    .string()
    .nullable()
    .describe(
      "error of the last failed attempt (kept after a later success), e.g. `NatsUnavailableError: …`",
    ),
  next_attempt_at: Instant.nullable().describe("when the next attempt starts (retrying only)"),
});
/** See {@link ReplaySummary}. */
export type ReplaySummary = z.infer<typeof ReplaySummary>;

/** One replay with what it changed. */
export const ReplayDetail = ReplaySummary.extend({
  diff: z
    .unknown()
    .describe(
      "what the recomputation changed, as the projector recorded it (null until it finishes): the orders whose " +
        "SLA state, cycle time, current status group or closing time differs between the old and the new read " +
        "models (a settings change, or a dictionary sync that moved a status or flipped is_closing_order), each " +
        "with before/after, e.g. " +
        '`{"orders_changed": 2, "changes": [{"order_id": 15001, "field": "sla_state", "group_id": 3, ' +
        '"before": "ok", "after": "over"}], "truncated": false}`',
    ),
}).describe("a recomputation of the read models, with its progress and, once done, its diff");
/** See {@link ReplayDetail}. */
export type ReplayDetail = z.infer<typeof ReplayDetail>;

/** Query of `GET /api/replays`. */
export const ReplayListQuery = z.strictObject({
  ...projectScope,
  status: z.enum(["running", "retrying", "done", "failed"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** Answer of `GET /api/replays`. */
export const ReplayListResponse = z
  .object({ project_id: ProjectId, items: z.array(ReplaySummary) })
  .describe("recent replays of the project, newest first");

/** Path of `GET /api/replays/:id`. */
export const ReplayParams = z.object({ id: z.string().min(1).max(200) });

/**
 * Recomputations of the read models (blue/green replays run by the projector after a settings
 * change; progress and diff in `ops.replays`):
 * - `GET /replays?project&status&limit` — recent replays of the project;
 * - `GET /replays/:id?project` — one replay with progress and, once done, what changed.
 * Readable by every principal that may see the project. Registered under `/api`.
 */
export const replaysRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/replays",
    {
      schema: {
        tags: ["settings"],
        summary: "Recent recomputations of the read models",
        description:
          "Replays of the project in ops.replays, newest first. Replays of the whole installation (no project) " +
          "are not listed.",
        security: API_SECURITY,
        querystring: ReplayListQuery,
        response: { 200: ReplayListResponse, ...API_ERRORS },
      },
    },
    async (request) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      return { project_id: q.project, items: await listReplays(deps.db, q.project, q.limit, q.status) };
    },
  );

  app.get(
    "/replays/:id",
    {
      schema: {
        tags: ["settings"],
        summary: "Progress and outcome of one recomputation",
        description:
          "The replay's progress while it runs and, when done, its diff. A settings change answers with this URL; " +
          "404 `replay_not_found` until the projector has picked up the change (usually within a second), " +
          "or when the id is unknown in the project.",
        security: API_SECURITY,
        params: ReplayParams,
        querystring: z.strictObject(projectScope),
        response: { 200: ReplayDetail, ...API_ERRORS },
      },
    },
    async (request) => {
      const { project } = request.query;
      await requireProject(deps.db, request, project);
      const replay = await findReplay(deps.db, project, request.params.id);
      if (replay === undefined) {
        throw new NotFoundError(
          "replay_not_found",
          `no replay ${request.params.id} in ${project} (yet: it appears once the projector starts it)`,
        );
      }
      return replay;
    },
  );
};
