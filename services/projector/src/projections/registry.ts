/**
 * The read-model declarations, listed once for both stores: the live batch applies them with
 * `applyLiveChain` (`live/events-batch.apply.ts`), the replay folds each event through them with
 * `evolveChain` (`replay/read-models.fold.ts`). Order: the facts a declaration emits reach only the
 * ones after it (the dedup declarations before the webhook tally). A new read model is added here.
 */
import { analysisResultsProjection } from "./analysis-results.projection.js";
import { crmUsersProjection } from "./crm-users.projection.js";
import { dealContactsProjection } from "./deal-contacts.projection.js";
import { dealEventKeysProjection } from "./deal-event-keys.projection.js";
import { dealsProjection } from "./deals-current.projection.js";
import { dictionaryProjection } from "./dictionary.projection.js";
import { messagesProjection } from "./messages.projection.js";
import { orderItemsProjection } from "./order-items.projection.js";
import { orderOverridesProjection } from "./order-overrides.projection.js";
import { orderStatusEventsProjection } from "./order-status.projection.js";
import type { AnyProjection } from "./projection.js";
import { projectsProjection } from "./projects.projection.js";
import { settingsProjection } from "./settings.projection.js";
import { WEBHOOK_STATS_CHAIN } from "./webhook-stats.projection.js";

/**
 * Every keyed declaration, in application order. The dictionary and settings declarations handle
 * only the events the live batch applies at their own stream position (a segment never holds one),
 * so in a live segment they change nothing; the replay folds them in stream order like the rest.
 * The derived rows (order rows, shift deals) are recomputed from these declarations' states:
 * `recomputeOrderRows` / `applyShiftDealsLive` live, `ReadModelsFold.orderRows` / `shiftDeals` in a
 * replay.
 */
export const PROJECTIONS: readonly AnyProjection[] = [
  projectsProjection,
  dictionaryProjection,
  settingsProjection,
  crmUsersProjection,
  dealsProjection,
  orderItemsProjection,
  orderOverridesProjection,
  dealEventKeysProjection,
  orderStatusEventsProjection,
  messagesProjection,
  analysisResultsProjection,
  dealContactsProjection,
  ...WEBHOOK_STATS_CHAIN,
];
