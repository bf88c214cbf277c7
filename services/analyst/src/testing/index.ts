/**
 * Test helpers of `@pulse/analyst` (the `./testing` subpath): the OpenAI-compatible stub server,
 * dialog and model-answer builders, and read-model fixtures for the analyst's integration tests.
 */

export { aDialog, aFactsAnswer } from "./builders.js";
export {
  jsonReply,
  type OpenAiStub,
  type RecordedRequest,
  type StubHandler,
  type StubReply,
  startOpenAiStub,
} from "./openai-stub.server.js";
export {
  aConversation,
  analysisEventsOf,
  insertAnalysisResult,
  insertDeal,
  insertMessages,
  insertProject,
  insertShiftDeal,
  insertShiftSettings,
  insertTokenUsage,
  type MessageFixture,
  type ShiftDealFixture,
  type StoredAnalysisEvent,
} from "./read-models.fixtures.js";
