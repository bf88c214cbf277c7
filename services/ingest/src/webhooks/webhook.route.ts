/**
 * The shared flow of a CRM or chat webhook endpoint, as an encapsulated fastify plugin:
 * authenticate (onRequest, before the body is read) → parse the body once (content-type parser
 * restricted to the CRM's media type) → normalise → stamp every event with its delivery
 * (`WebhookDelivery`) → publish every event and await the acks → when nothing was stored, write the
 * receipt (batched) → answer `{accepted, duplicates, ignored}`.
 */
import type {
  CrmKind,
  DeliveryOutcome,
  SubjectRoot,
  WebhookDelivery,
  WebhookReceipt,
  WebhookSource,
} from "@pulse/events";
import type { Logger } from "@pulse/infra";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ValidationError } from "../http/http.errors.js";
import { ingestMetrics } from "../metrics.js";
import { type ProjectEntry, type ProjectRegistry, projectPhoneRegion } from "../projects/project-registry.js";
import { type Publisher, publishEvents } from "../publishing/event.publisher.js";
import type { DeliveryContext, NormalizedDelivery } from "./delivery.js";
import type { ReceiptBatcher } from "./receipt.batcher.js";
import { authenticateWebhook, presentedSecret } from "./webhook.auth.js";

/**
 * What the app shares with every route: the (coalescing) JetStream publisher, the receipt batcher,
 * settings, the registry, the clock and the id factory.
 */
export interface WebhookAppContext {
  readonly publisher: Publisher;
  readonly receipts: ReceiptBatcher;
  readonly scheme: SubjectRoot;
  readonly registry: ProjectRegistry;
  readonly clock: () => Date;
  readonly newId: () => string;
  readonly publishTimeoutMs: number;
  readonly retryAfterSeconds: number;
  /**
   * Accept `X-Recorded-Received-At` (an ISO instant) as the receive time of an authenticated
   * delivery. Off in production; on when importing recorded deliveries (the demo feed, tests), so
   * deliveries without a source time (KeyCRM minimal context, amoCRM Digital-Pipeline bodies) keep the
   * time they were originally received rather than the time of the import.
   */
  readonly trustRecordedReceivedAt: boolean;
  readonly log: Logger;
}

/**
 * The receive time of a delivery: now, or — when `trust` is on — a valid `X-Recorded-Received-At`
 * header that is not in the future.
 */
export function deliveryReceivedAt(now: Date, header: string | string[] | undefined, trust: boolean): Date {
  if (!trust || typeof header !== "string") return now;
  const t = Date.parse(header);
  return Number.isFinite(t) && t <= now.getTime() ? new Date(t) : now;
}

/**
 * Per-request state of a webhook delivery: when it was received, the authenticated project (or, when
 * authentication failed, the id of the existing project the URL names: `claimedProjectId`), the raw
 * body text, the delivery id once events were built, and the outcome (for the log line). It lives
 * in a request decoration read through {@link webhookStateOf}, not declared on the request type, so
 * the fastify type augmentation does not leak into other services.
 */
export interface WebhookState {
  readonly source: WebhookSource;
  readonly receivedAt: Date;
  project: ProjectEntry | null;
  claimedProjectId: string | null;
  rawBody: string | null;
  deliveryId: string | null;
  outcome: DeliveryOutcome | null;
}

/** The request property holding the {@link WebhookState} (declared by {@link decorateWebhookState}). */
const STATE = "webhookState";

/**
 * Declares the webhook-state slot on every request of `app` (fastify `decorateRequest` with `null`,
 * so requests keep one shape). Call once on the root instance before registering webhook routes.
 */
export function decorateWebhookState(app: FastifyInstance): void {
  app.decorateRequest(STATE, null);
}

/** The webhook state of `request`, or `null` outside webhook routes (read by the error handler and onResponse). */
export function webhookStateOf(request: FastifyRequest): WebhookState | null {
  return (request as unknown as Record<typeof STATE, WebhookState | null>)[STATE];
}

function setWebhookState(request: FastifyRequest, state: WebhookState): void {
  (request as unknown as Record<typeof STATE, WebhookState | null>)[STATE] = state;
}

/**
 * What makes one webhook endpoint: its source (the URL segment and the receipts' source), the CRM
 * kind a project must have to use it (`null`: any — a chat webhook), its media type, body parser
 * and normalizer.
 */
export interface WebhookEndpoint {
  readonly source: WebhookSource;
  readonly projectKind: CrmKind | null;
  /** The only media type accepted (others → 415). */
  readonly contentType: string;
  /** Raw text → decoded body. @throws ValidationError / PayloadTooLargeError. */
  parse(raw: string): unknown;
  /** Decoded body → events. @throws ValidationError. */
  normalize(body: unknown, ctx: DeliveryContext): NormalizedDelivery;
}

/** The 200 answer of a webhook: entity counts of the delivery. */
export interface WebhookAnswer {
  accepted: number;
  duplicates: number;
  ignored: number;
}

/**
 * Registers `POST /webhooks/{source}/:projectId` for `endpoint` on `app` (call inside an
 * encapsulated plugin: it replaces the content-type parsers of its context).
 */
export function registerWebhookRoute(
  app: FastifyInstance,
  ctx: WebhookAppContext,
  endpoint: WebhookEndpoint,
): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(endpoint.contentType, { parseAs: "string" }, (request, body, done) => {
    const state = webhookStateOf(request);
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (state) state.rawBody = text;
    if (text.length === 0) {
      done(new ValidationError("empty body"), undefined);
      return;
    }
    try {
      done(null, endpoint.parse(text));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.post<{ Params: { projectId: string } }>(
    `/webhooks/${endpoint.source}/:projectId`,
    {
      onRequest: (request, _reply, done) => {
        const state: WebhookState = {
          source: endpoint.source,
          receivedAt: deliveryReceivedAt(
            ctx.clock(),
            request.headers["x-recorded-received-at"],
            ctx.trustRecordedReceivedAt,
          ),
          project: null,
          claimedProjectId: null,
          rawBody: null,
          deliveryId: null,
          outcome: null,
        };
        setWebhookState(request, state);
        try {
          state.project = authenticateWebhook(
            ctx.registry,
            endpoint.projectKind,
            request.params.projectId,
            presentedSecret(request.query, request.headers),
          );
        } catch (error) {
          // An existing project's URL with a bad secret is counted for it (`unauthorized`); an
          // unknown id is only logged.
          if (ctx.registry.get(request.params.projectId)) state.claimedProjectId = request.params.projectId;
          done(error as Error);
          return;
        }
        done();
      },
    },
    async (request): Promise<WebhookAnswer> => {
      const state = webhookStateOf(request);
      if (!state?.project) throw new Error("webhook state missing after authentication");
      if (state.rawBody === null || request.body === undefined || request.body === null) {
        throw new ValidationError("empty body");
      }
      const projectId = state.project.record.project_id;
      const normalized = endpoint.normalize(request.body, {
        projectId,
        receivedAt: state.receivedAt,
        contentType: request.headers["content-type"] ?? endpoint.contentType,
        rawBody: state.rawBody,
        newId: ctx.newId,
        phoneRegion: projectPhoneRegion(state.project.record),
      });
      const events = normalized.events;
      if (events.length > 0) {
        state.deliveryId = ctx.newId();
        const delivery: WebhookDelivery = {
          id: state.deliveryId,
          source: endpoint.source,
          events: events.length,
        };
        for (const e of events) e.delivery = delivery;
      }
      const endTimer = events.length > 0 ? ingestMetrics.publishDuration.startTimer() : null;
      const outcome = await publishEvents(ctx.publisher, ctx.scheme, events, {
        timeoutMs: ctx.publishTimeoutMs,
        retryAfterSeconds: ctx.retryAfterSeconds,
      }).catch((error: unknown) => {
        endTimer?.({ outcome: "error" });
        throw error;
      });
      if (endTimer) {
        endTimer({ outcome: "ok" });
        ingestMetrics.eventsPublished.inc({ project: projectId, result: "stored" }, outcome.accepted);
        ingestMetrics.eventsPublished.inc({ project: projectId, result: "duplicate" }, outcome.duplicates);
      }
      if (outcome.accepted > 0) {
        // Counted by the projector from the stored events (accepted, or duplicate when they all
        // were already known): no second publish on the accepted path.
        state.outcome = "accepted";
      } else {
        state.outcome = outcome.duplicates > 0 ? "duplicate" : "ignored";
        const receipt: WebhookReceipt = {
          project_id: projectId,
          source: endpoint.source,
          received_at: state.receivedAt.toISOString(),
          outcome: state.outcome,
          http_status: 200,
          published: 0,
          duplicates: outcome.duplicates,
          ignored: normalized.ignored,
          reason:
            normalized.ignoredKinds.length > 0
              ? [...new Set(normalized.ignoredKinds)].join(",").slice(0, 200)
              : null,
        };
        if (state.deliveryId !== null) receipt.delivery_id = state.deliveryId;
        // Stored before the answer: a crash before it leaves the CRM without an answer (it retries).
        await ctx.receipts.write(receipt);
      }
      return { accepted: outcome.accepted, duplicates: outcome.duplicates, ignored: normalized.ignored };
    },
  );
}
