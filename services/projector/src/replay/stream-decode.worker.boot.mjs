// Entry of the replay's decode worker thread. Worker threads do not run the parent's
// `--import tsx`, so the TypeScript loader is registered here before the worker module loads.
import { register } from "tsx/esm/api";

register();
await import("./stream-decode.worker.ts");
