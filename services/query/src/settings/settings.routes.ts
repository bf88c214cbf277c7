import { SettingsError } from "@pulse/domain";
import { ConflictError, NotFoundError } from "@pulse/infra";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { recordAudit } from "../accounts/audit.repository.js";
import type { QueryDeps, RouteOptions } from "../deps.js";
import { API_SECURITY, projectScope } from "../http/api.schemas.js";
import type { QueryApp } from "../http/app.js";
import { assertAdmin, assertProjectAdmin } from "../http/auth.plugin.js";
import { newEventId, publishEvent } from "../http/events.publisher.js";
import { Problem } from "../http/problem.handler.js";
import { requireProject } from "../http/project-scope.js";
import { projectRecomputeState, requestedRecomputeState } from "./recompute.repository.js";
import { RecomputeState } from "./recompute.schemas.js";
import {
  AD_TEAMS_KIND,
  CYCLE_KIND,
  normalizeOverrides,
  PIPELINE_PRODUCTS_KIND,
  QUALIFIED_STAGES_KIND,
  type SettingsKindSpec,
  SHIFTS_KIND,
  SLA_KIND,
  settingsValidationError,
  URGENT_RULES_KIND,
  UTM_FIELDS_KIND,
  WORKING_HOURS_KIND,
} from "./settings.kinds.js";
import { currentSettings, orderExists, orderOverrides } from "./settings.repository.js";
import {
  BaseVersion,
  OrderOverridesBody,
  OrderOverridesResponse,
  OverridesParams,
  SettingsChangeAccepted,
  SettingsMeta,
} from "./settings.schemas.js";

/** The errors a settings write documents besides the usual 400/401/404. */
const WRITE_ERRORS = {
  400: Problem,
  401: Problem,
  403: Problem.describe("the caller is not an admin (`admin_required`)"),
  404: Problem,
  409: Problem.describe(
    "`version_conflict`: the body's version is not the current one; nothing was published",
  ),
  503: Problem.describe("`events_unavailable`: the event log did not store the change; retry later"),
} as const;

/** Where a change's recomputation can be followed. */
function replayUrl(projectId: string, replayId: string): string {
  return `/api/replays/${encodeURIComponent(replayId)}?project=${encodeURIComponent(projectId)}`;
}

/** Runs a domain validation, turning its {@link SettingsError} into a 400 `invalid_settings`. */
function validated<T>(validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (error instanceof SettingsError) throw settingsValidationError(error);
    throw error;
  }
}

/**
 * `preValidation` hook of every write: a caller who is not an admin of the named project gets 403
 * (404 when it may not see it) before its body is looked at.
 */
async function adminOnly(request: FastifyRequest): Promise<void> {
  const project = (request.query as Record<string, unknown> | undefined)?.["project"];
  if (typeof project === "string") assertProjectAdmin(request, project);
  else assertAdmin(request);
}

/** Registers `GET` and `PUT` of one settings kind (see {@link settingsRoutes}). */
function registerSettingsKind<S extends z.ZodObject>(
  app: QueryApp,
  deps: QueryDeps,
  spec: SettingsKindSpec<S>,
): void {
  // Typed as plain schemas: the handlers are generic over the kind, the schemas still validate,
  // serialise and document each kind exactly.
  const response: z.ZodType = z
    .object({ ...SettingsMeta, settings: spec.schema, recompute: RecomputeState })
    .describe(`the project's current ${spec.title} and their version`);
  const body: z.ZodType = z.strictObject({ version: BaseVersion, ...spec.schema.shape });

  app.get(
    spec.route,
    {
      schema: {
        tags: ["settings"],
        summary: `Current ${spec.title}`,
        description:
          `The project's ${spec.title} as projected into rm.settings, with the version to base a change on; ` +
          "the defaults with version 0 while they were never changed. `recompute` says whether the read models " +
          "follow them yet: `pending` while the recompute over all history runs, `retrying` after a transient " +
          "failure (with the error and the next attempt), `failed` when it cannot complete.",
        security: API_SECURITY,
        querystring: z.strictObject(projectScope),
        response: { 200: response, 400: Problem, 401: Problem, 404: Problem },
      },
    },
    async (request) => {
      const { project } = request.query;
      await requireProject(deps.db, request, project);
      const stored = await currentSettings(deps.db, project, spec.kind);
      const recompute = await projectRecomputeState(deps.db, project);
      if (stored === undefined) {
        return {
          recompute,
          project_id: project,
          kind: spec.kind,
          version: 0,
          is_default: true,
          changed_by: null,
          changed_at: null,
          settings: spec.defaults(),
        };
      }
      // The stored data is a published event's data: `version`/`changed_by` are stripped by the schema.
      const parsed = spec.schema.safeParse(stored.data);
      if (!parsed.success) {
        throw new Error(
          `rm.settings ${spec.kind} of ${project} does not match its schema: ${parsed.error.message}`,
        );
      }
      return {
        project_id: project,
        kind: spec.kind,
        version: stored.version,
        is_default: false,
        changed_by: stored.changedBy,
        changed_at: stored.changedAt.toISOString(),
        settings: parsed.data,
        recompute,
      };
    },
  );

  app.put(
    spec.route,
    {
      preValidation: adminOnly,
      schema: {
        tags: ["settings"],
        summary: `Change the ${spec.title}`,
        description:
          `Validates the ${spec.title} with the domain rules (400 \`invalid_settings\` lists every issue with its ` +
          `JSON-pointer path), checks \`version\` against the current one (409 \`version_conflict\`), publishes ` +
          `\`${spec.eventType}\` with version + 1 and \`changed_by\` = the caller to the event log, and answers ` +
          "202 once JetStream has stored it. The projector then recomputes the affected read models over all " +
          "history (follow `replay_url`); `recompute` is at least `pending`, or `retrying` when an earlier " +
          "recompute of the project waits for NATS or Postgres. Admins only.",
        security: API_SECURITY,
        querystring: z.strictObject(projectScope),
        body,
        response: { 202: SettingsChangeAccepted, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const { project } = request.query;
      const principal = assertProjectAdmin(request, project);
      await requireProject(deps.db, request, project);
      const { version, ...entered } = request.body as { version: number } & Record<string, unknown>;
      const settings = validated(() => spec.normalize(entered as z.infer<S>));
      const stored = await currentSettings(deps.db, project, spec.kind);
      const current = stored?.version ?? 0;
      if (version !== current) {
        throw new ConflictError(
          "version_conflict",
          `the ${spec.title} are at version ${current}, the change is based on version ${version}: reload them and retry`,
          { extensions: { current_version: current } },
        );
      }
      const next = current + 1;
      const now = deps.clock();
      const published = await publishEvent(
        deps.nats,
        deps.config.SUBJECT_ROOT,
        {
          id: newEventId(now),
          type: spec.eventType,
          version: 1,
          project_id: project,
          occurred_at: now.toISOString(),
          recorded_at: now.toISOString(),
          dedup_key: `settings:${project}:${spec.kind}:${next}`,
          source: "api",
          raw: null,
          data: { ...settings, version: next, changed_by: principal.subject },
        },
        request.log,
      );
      if (published.duplicate) {
        // Another change based on the same version reached the log first (its dedup key is taken).
        throw new ConflictError(
          "version_conflict",
          `version ${next} of the ${spec.title} was already written by another change: reload them and retry`,
          { extensions: { current_version: next } },
        );
      }
      const id = published.event.id;
      await recordAudit(deps.db, {
        at: now,
        actor: principal.subject,
        entity: "settings",
        entityId: spec.kind,
        projectId: project,
        action: "change",
        before: { version: current, settings: stored === undefined ? spec.defaults() : stored.data },
        after: { version: next, settings, event_id: id },
      }).catch((error: unknown) => request.log.warn({ err: error }, "audit row not written"));
      // The change is stored: answer 202 even if the recompute state cannot be read now.
      const recompute = await projectRecomputeState(deps.db, project, id).catch((error: unknown) => {
        request.log.warn({ err: error }, "recompute state not read");
        return requestedRecomputeState(project, id);
      });
      request.log.info(
        {
          project,
          kind: spec.kind,
          version: next,
          event_id: id,
          stream_seq: published.seq,
          changed_by: principal.subject,
        },
        "settings changed",
      );
      return reply.code(202).send({
        project_id: project,
        kind: spec.kind,
        version: next,
        event_id: id,
        stream_seq: published.seq,
        replay_id: id,
        replay_url: replayUrl(project, id),
        recompute,
      });
    },
  );
}

/**
 * The admin settings API (SPEC "Settings reads/writes … A settings change is itself an event"):
 * - `GET|PUT /settings/working-hours`, `/settings/sla`, `/settings/cycle`, `/settings/urgent-rules`,
 *   `/settings/shifts`, and for amoCRM sales `/settings/qualified-stages`, `/settings/pipeline-products`,
 *   `/settings/utm-fields`, `/settings/ad-teams` — read the current settings (or the defaults, version 0); change them with
 *   optimistic concurrency on `version` (publishes `settings.*_changed`, 202);
 * - `GET|PUT /orders/:orderId/overrides` — an order's overrides (publishes `order.overrides_changed`).
 * Reads are open to every principal that may see the project; writes to admins only (403
 * `admin_required`). A write answers only after JetStream stored the event (503 otherwise).
 * Registered under `/api`.
 */
export const settingsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  registerSettingsKind(app, deps, WORKING_HOURS_KIND);
  registerSettingsKind(app, deps, SLA_KIND);
  registerSettingsKind(app, deps, CYCLE_KIND);
  registerSettingsKind(app, deps, URGENT_RULES_KIND);
  registerSettingsKind(app, deps, SHIFTS_KIND);
  registerSettingsKind(app, deps, QUALIFIED_STAGES_KIND);
  registerSettingsKind(app, deps, PIPELINE_PRODUCTS_KIND);
  registerSettingsKind(app, deps, UTM_FIELDS_KIND);
  registerSettingsKind(app, deps, AD_TEAMS_KIND);

  app.get(
    "/orders/:orderId/overrides",
    {
      schema: {
        tags: ["settings"],
        summary: "An order's overrides",
        description:
          "The overrides set on the order (rm.order_overrides), all null when none. 404 `order_not_found` when " +
          "rm.orders_current does not have the order.",
        security: API_SECURITY,
        params: OverridesParams,
        querystring: z.strictObject(projectScope),
        response: { 200: OrderOverridesResponse, 400: Problem, 401: Problem, 404: Problem },
      },
    },
    async (request) => {
      const { project } = request.query;
      const { orderId } = request.params;
      await requireProject(deps.db, request, project);
      if (!(await orderExists(deps.db, project, orderId))) {
        throw new NotFoundError("order_not_found", `order ${orderId} not found in ${project}`);
      }
      const stored = await orderOverrides(deps.db, project, orderId);
      return {
        project_id: project,
        order_id: orderId,
        overrides: stored?.overrides ?? {
          urgent: null,
          sla_profile: null,
          cycle_start_at: null,
          cycle_end_at: null,
        },
        changed_by: stored?.changedBy ?? null,
        changed_at: stored === undefined ? null : stored.changedAt.toISOString(),
      };
    },
  );

  app.put(
    "/orders/:orderId/overrides",
    {
      preValidation: adminOnly,
      schema: {
        tags: ["settings"],
        summary: "Set an order's overrides",
        description:
          "Replaces the order's overrides (urgent, SLA profile, cycle start/end; null = follow the rules; they win " +
          "over rules). Validated with the domain rules (400 `invalid_settings`; `sla_profile` must be a grid of " +
          "the SLA settings, `normal` or `urgent`), published as `order.overrides_changed` and answered 202 once " +
          "stored; the projector then recomputes the order. 404 `order_not_found` when rm.orders_current does not " +
          "have the order. Admins only.",
        security: API_SECURITY,
        params: OverridesParams,
        querystring: z.strictObject(projectScope),
        body: z.strictObject(OrderOverridesBody.shape),
        response: { 202: SettingsChangeAccepted, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const { project } = request.query;
      const principal = assertProjectAdmin(request, project);
      const { orderId } = request.params;
      await requireProject(deps.db, request, project);
      if (!(await orderExists(deps.db, project, orderId))) {
        throw new NotFoundError("order_not_found", `order ${orderId} not found in ${project}`);
      }
      const previous = await orderOverrides(deps.db, project, orderId);
      const sla = await currentSettings(deps.db, project, "sla");
      const profiles = Object.keys(SLA_KIND.schema.safeParse(sla?.data).data?.grids ?? {});
      const overrides = validated(() => normalizeOverrides(request.body, profiles));
      const now = deps.clock();
      const id = newEventId(now);
      const published = await publishEvent(
        deps.nats,
        deps.config.SUBJECT_ROOT,
        {
          id,
          type: "order.overrides_changed",
          version: 1,
          project_id: project,
          occurred_at: now.toISOString(),
          recorded_at: now.toISOString(),
          dedup_key: `overrides:${project}:${orderId}:${id}`,
          source: "api",
          raw: null,
          data: { order_id: orderId, changed_by: principal.subject, overrides },
        },
        request.log,
      );
      await recordAudit(deps.db, {
        at: now,
        actor: principal.subject,
        entity: "overrides",
        entityId: String(orderId),
        projectId: project,
        action: "change",
        before: previous?.overrides ?? null,
        after: { ...overrides, event_id: id },
      }).catch((error: unknown) => request.log.warn({ err: error }, "audit row not written"));
      request.log.info(
        {
          project,
          order_id: orderId,
          event_id: id,
          stream_seq: published.seq,
          changed_by: principal.subject,
        },
        "order overrides changed",
      );
      return reply.code(202).send({
        project_id: project,
        kind: "order_overrides",
        version: null,
        event_id: id,
        stream_seq: published.seq,
        replay_id: id,
        replay_url: replayUrl(project, id),
        recompute: await projectRecomputeState(deps.db, project).catch((error: unknown) => {
          request.log.warn({ err: error }, "recompute state not read");
          return requestedRecomputeState(project, id);
        }),
      });
    },
  );
};
