/** Test helpers of `@pulse/analyst` (the `./testing` subpath): the OpenAI-compatible stub server. */

export { aDialog, aFactsAnswer } from "./builders.js";
export {
  jsonReply,
  type OpenAiStub,
  type RecordedRequest,
  type StubHandler,
  type StubReply,
  startOpenAiStub,
} from "./openai-stub.server.js";
