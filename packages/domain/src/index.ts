/**
 * `@pulse/domain` — pure domain rules (intervals, calendars, SLA, shifts, scoring, attribution):
 * no I/O, no clock; time comes in as an argument (STYLE.md rule 1).
 */

export {
  type AdTeam,
  type Attribution,
  type AttributionConfidence,
  type AttributionMatch,
  type AttributionOptions,
  type AttributionRule,
  attributeUtmSource,
  DEFAULT_AD_TEAMS,
} from "./attribution.js";
export {
  type CycleBoundary,
  type CycleBounds,
  type CycleCalendar,
  type CycleEntry,
  type CycleInterval,
  type CycleMeasurement,
  type CycleOverride,
  type CycleRule,
  cycleRulesToJson,
  findCycleBounds,
  firstEntryAt,
  lastEntryAt,
  measureCycle,
  measureCycles,
  parseCycleRules,
} from "./cycles.js";
export {
  DEFAULT_MIN_INCOMING,
  DEFAULT_QUESTIONNAIRE,
  DEFAULT_SCORING_RULES,
  type DialogFacts,
  type DialogScore,
  FUNNEL_STAGES,
  type FunnelStage,
  INTEREST_LEVELS,
  type InterestLevel,
  interestOf,
  NICHES,
  type Niche,
  type QuestionnaireQuestion,
  questionnaireProgress,
  type ScoreReason,
  type ScoringRules,
  scoreDialog,
} from "./dialog-scoring.js";
export { type DialogTextMessage, formatDialogText } from "./dialog-text.js";
export {
  daysInMonth,
  type InstantInput,
  MAX_INSTANT_MS,
  MIN_INSTANT_MS,
  toEpochMs,
} from "./instant-input.js";
export {
  type AnalyzedIntervalInput,
  analyzeOrder,
  DELIVERY_GROUP_ID,
  type GroupSlaAnalytics,
  type IntervalAnalytics,
  type OrderAnalytics,
  type OrderAnalyticsSettings,
  type OrderCycle,
  parseOrderAnalyticsSettings,
  type StoredProjectSettings,
} from "./order-analytics.js";
export {
  compareStatusEvents,
  deriveOrderIntervals,
  dictionaryStatusResolver,
  distinctStatusEvents,
  type IsoInstantString,
  intervalSecondsAsOf,
  type OrderIntervals,
  type OrderStatusEventInput,
  type OrderSummary,
  type ResolvedStatusEvent,
  type StatusInterval,
  type StatusRef,
  type StatusResolver,
} from "./order-intervals.js";
export {
  applyOverrides,
  type OrderDecisions,
  type OrderOverrides,
  type OrderRuleFacts,
  parseOrderOverrides,
} from "./order-overrides.js";
export { normalizePhone, type PhoneRegion } from "./phones.js";
export {
  calendarForGroup,
  type GroupCalendars,
  groupCalendars,
  projectZoneOrUtc,
} from "./project-calendars.js";
export { SettingsError, type SettingsIssue } from "./settings-error.js";
export {
  DEFAULT_SHIFT_SETTINGS,
  isShiftComplete,
  lastClosedShift,
  lastCompleteShift,
  resolveShiftSettings,
  type Shift,
  type ShiftSettings,
  shiftById,
  shiftOf,
  shiftsBetween,
} from "./shifts.js";
export {
  DEFAULT_NEAR_SHARE,
  EMPTY_SLA_SETTINGS,
  formatSlaLimit,
  type GroupSla,
  type GroupSlaInput,
  type GroupVisit,
  groupSla,
  NORMAL_SLA_PROFILE,
  orderSlaLimitSeconds,
  parseSlaLimit,
  parseSlaSettings,
  type SlaSettings,
  type SlaState,
  slaLimitSeconds,
  slaSettingsToJson,
  slaState,
  slaStateAt,
  slaThresholds,
  URGENT_SLA_PROFILE,
} from "./sla.js";
export {
  type DictionaryStatusEntry,
  indexStatusDictionary,
  isClosingInDictionary,
  type ResolvedStatus,
  resolveStatus,
  resolveStatusGroup,
  type StatusDictionaryIndex,
  type StatusGroupSource,
} from "./status-resolution.js";
export { type TimelineSegment, timelineSegments } from "./timeline-segments.js";
export {
  isUrgentOrder,
  parseUrgentRules,
  URGENT_MATCH_TYPES,
  type UrgencyDecision,
  type UrgencyOrderItem,
  type UrgentMatchField,
  type UrgentMatchType,
  type UrgentRule,
  type UrgentRuleMatch,
  urgentRulesToJson,
} from "./urgency.js";
export {
  type AddWorkingSecondsOptions,
  addWorkingSeconds,
  alwaysOpenCalendar,
  DEFAULT_WORKING_CALENDAR,
  formatWorkingWindow,
  isWorkingInstant,
  parseWorkingCalendar,
  parseWorkingWindow,
  validateWorkingCalendar,
  WEEKDAYS,
  type Weekday,
  type WorkingCalendar,
  type WorkingCalendarSettings,
  type WorkingWindow,
  weeklyWorkingSeconds,
  workingCalendarToSettings,
  workingPeriods,
  workingSeconds,
  workingSecondsBetween,
} from "./working-calendar.js";
export { type ResolvedTimeZone, resolveTimeZone } from "./zone-offsets.js";
