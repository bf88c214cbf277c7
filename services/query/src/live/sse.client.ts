import type { ServerResponse } from "node:http";
import type { EventMessage } from "fastify";
import { serializeSSEEvent } from "fastify-sse-v2/lib/sse.js";

/**
 * One `order_updated` notice as it goes out on every SSE connection of its project: framed once by
 * the project's feed and shared by all of them (the frame text is not copied per client).
 */
export interface NoticeFrame {
  /** Updates-stream sequence of the notice: the frame's SSE `id`. */
  readonly seq: number;
  /**
   * The order the notice is about (the lead, for `sale_won`): frames of one order coalesce (only
   * the latest is sent).
   */
  readonly orderId: number;
  /**
   * The serialised SSE event (`id:`, `event: order_updated`, `data:`, blank line), UTF-8 encoded
   * once: every client's socket writes this same buffer, none copies it.
   */
  readonly bytes: Buffer;
}

/** Something counted by the live feed (a prom-client `Counter` fits). */
export interface LiveCounter {
  inc(value?: number): void;
}

/** The counters the live feed keeps (`metrics.ts` exposes them). */
export interface LiveFeedCounters {
  /** `order_updated` frames written to sockets. */
  readonly framesSent: LiveCounter;
  /** Frames not sent because a later notice of the same order superseded them within one tick. */
  readonly framesCoalesced: LiveCounter;
  /** Frames dropped for clients that fell behind (covered by the `resync` they get). */
  readonly framesDropped: LiveCounter;
  /** `resync` events (a client fell behind and must reload). */
  readonly resyncs: LiveCounter;
}

/** Counters that count nothing (tests, tools). */
export const NO_COUNTERS: LiveFeedCounters = {
  framesSent: { inc: () => undefined },
  framesCoalesced: { inc: () => undefined },
  framesDropped: { inc: () => undefined },
  resyncs: { inc: () => undefined },
};

/** Bounds and timing of one SSE client (query config `SSE_*`, see `config.ts`). */
export interface SseClientLimits {
  /** Frames of one client are gathered for this long and written at once, ms (`SSE_FLUSH_MS`). */
  readonly flushMs: number;
  /**
   * Frames (after coalescing) one client may have waiting, including those held while it catches
   * up after a reconnect; one more and it gets `resync` (`SSE_CLIENT_MAX_QUEUED_FRAMES`).
   */
  readonly maxQueuedFrames: number;
  /**
   * Bytes the socket's writable buffer may hold before nothing more is written to it; frames then
   * wait in the queue (`SSE_CLIENT_MAX_BUFFERED_BYTES`).
   */
  readonly maxBufferedBytes: number;
  /** Period of `heartbeat` events, ms (`SSE_HEARTBEAT_MS`). */
  readonly heartbeatMs: number;
}

/** Frames an SSE event (library framing: fastify-sse-v2). */
export function sseFrame(event: EventMessage): string {
  return serializeSSEEvent(event);
}

/**
 * The per-connection end of the live feed: a bounded queue of frames in front of one SSE response.
 *
 * - Frames pushed while the client catches up (reconnect with `Last-Event-ID`) are held; {@link goLive}
 *   sends the replayed frames first, then the held ones above what the replay covered — no
 *   duplicate, no hole.
 * - Live frames are queued and written every `flushMs` in one `write` per client; a second frame of
 *   the same order within a tick replaces the first (coalesced; the order's latest state is what
 *   the page shows), so ids stay increasing.
 * - Bounded memory: nothing is written while the socket's buffer is over `maxBufferedBytes` (frames
 *   wait in the queue; a queue that passes `maxQueuedFrames` is written at once, before its tick,
 *   while the socket takes it); when the queue passes `maxQueuedFrames` and the socket is over its
 *   bound too, the client fell behind: its queue
 *   is cleared, later frames are dropped until the socket drains, then one `resync` event goes out
 *   (`id` = the last sequence dropped, so a reconnect does not ask for them again; `data`
 *   `{"reason":"client_behind","seq":…}`) and live frames follow. The client reloads its page.
 * - `heartbeat` every `heartbeatMs` (no `id`), skipped while the socket is full.
 */
export class SseClient {
  private readonly queue = new Map<number, NoticeFrame>();
  private held: NoticeFrame[] | null = [];
  /** Set while the client is behind: the highest sequence dropped since. */
  private behindSeq: number | null = null;
  private waitingDrain = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private closed = false;

  /**
   * @param res the SSE response (headers are written by the route before {@link goLive})
   * @param heartbeat the data of a heartbeat event now (`{"at": ISO-8601 UTC}`)
   */
  constructor(
    private readonly res: ServerResponse,
    private readonly limits: SseClientLimits,
    private readonly counters: LiveFeedCounters,
    private readonly heartbeat: () => string,
  ) {
    res.on("drain", this.onDrain);
  }

  /** True once the connection closed or {@link close} was called. */
  get isClosed(): boolean {
    return this.closed || this.res.destroyed;
  }

  /** True while the client is behind (frames dropped, `resync` pending). */
  get isBehind(): boolean {
    return this.behindSeq !== null;
  }

  /** Hands a live frame of the client's project to the client (held, queued or dropped). */
  push(frame: NoticeFrame): void {
    if (this.closed) return;
    if (this.behindSeq !== null) {
      this.behindSeq = Math.max(this.behindSeq, frame.seq);
      this.counters.framesDropped.inc();
      return;
    }
    if (this.held !== null) {
      this.held.push(frame);
      if (this.held.length > this.limits.maxQueuedFrames) this.fallBehind(frame.seq);
      return;
    }
    this.enqueue(frame);
  }

  /**
   * Ends catching up: writes `first` events at once (e.g. `reset`), queues `replayed` (the frames
   * after the client's `Last-Event-ID`, in stream order), then the held live frames above
   * `coveredUpTo` (the replay covered every notice of the project up to it), and starts the
   * heartbeats. `coveredUpTo` 0: nothing replayed, every held frame goes.
   */
  goLive(replayed: readonly NoticeFrame[], coveredUpTo: number, first: readonly string[] = []): void {
    if (this.closed) return;
    const held = this.held ?? [];
    this.held = null;
    if (first.length > 0) this.res.write(first.join(""));
    if (this.behindSeq === null) {
      for (const f of replayed) this.enqueue(f);
      for (const f of held) if (f.seq > coveredUpTo) this.enqueue(f);
    }
    if (this.behindSeq !== null) this.behindSeq = Math.max(this.behindSeq, coveredUpTo);
    this.flush();
    this.heartbeatTimer = setInterval(this.beat, this.limits.heartbeatMs);
  }

  /**
   * Marks the client as behind now: drops what it has waiting and sends `resync` with id `upToSeq`
   * once the socket drains (used when a reconnect's gap is larger than the queue bound).
   */
  fallBehind(upToSeq: number): void {
    if (this.closed) return;
    if (this.behindSeq === null) this.counters.resyncs.inc();
    let dropped = this.queue.size;
    let seq = Math.max(this.behindSeq ?? 0, upToSeq);
    for (const f of this.queue.values()) seq = Math.max(seq, f.seq);
    if (this.held !== null) {
      dropped += this.held.length;
      for (const f of this.held) seq = Math.max(seq, f.seq);
      this.held = [];
    }
    if (dropped > 0) this.counters.framesDropped.inc(dropped);
    this.queue.clear();
    this.behindSeq = seq;
    if (this.held === null) this.flush();
  }

  /** Stops timers and listeners and ends the response (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.flushTimer = null;
    this.heartbeatTimer = null;
    this.queue.clear();
    this.held = null;
    this.res.off("drain", this.onDrain);
    // Before the headers went out the route still answers (e.g. a 503 problem): not ours to end.
    if (this.res.headersSent && !this.res.writableEnded) this.res.end();
  }

  private enqueue(frame: NoticeFrame): void {
    if (this.queue.delete(frame.orderId)) this.counters.framesCoalesced.inc();
    this.queue.set(frame.orderId, frame);
    if (this.queue.size > this.limits.maxQueuedFrames) {
      // A burst (e.g. the projector catching up) is written at once while the socket takes it; only
      // a client whose socket is full as well has fallen behind.
      this.flush();
      if (this.queue.size > this.limits.maxQueuedFrames) this.fallBehind(frame.seq);
      return;
    }
    if (this.flushTimer === null && !this.waitingDrain) {
      this.flushTimer = setTimeout(this.onTick, this.limits.flushMs);
    }
  }

  private readonly onTick = () => {
    this.flushTimer = null;
    this.flush();
  };

  private readonly onDrain = () => {
    this.waitingDrain = false;
    this.flush();
  };

  private readonly beat = () => {
    if (this.isClosed || this.behindSeq !== null) return;
    if (this.res.writableLength > this.limits.maxBufferedBytes) return;
    this.flush(sseFrame({ event: "heartbeat", data: this.heartbeat() }));
  };

  /** Writes what is queued (and `extra`) in one write, unless the socket is over its bound. */
  private flush(extra = ""): void {
    if (this.isClosed || this.held !== null) return;
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.res.writableLength > this.limits.maxBufferedBytes) {
      this.waitingDrain = true;
      return;
    }
    if (this.behindSeq !== null) {
      // Wait for the socket to empty before telling the client to reload: what it reloads must be
      // newer than anything still in its socket.
      if (this.res.writableNeedDrain) {
        this.waitingDrain = true;
        return;
      }
      const seq = this.behindSeq;
      this.behindSeq = null;
      this.res.write(
        sseFrame({
          id: String(seq),
          event: "resync",
          data: JSON.stringify({ reason: "client_behind", seq }),
        }),
      );
      return;
    }
    if (this.queue.size === 0) {
      if (extra !== "") this.res.write(extra);
      return;
    }
    const n = this.queue.size;
    // One vectored write of the shared frame buffers (no per-client copy of the frames).
    this.res.cork();
    for (const f of this.queue.values()) this.res.write(f.bytes);
    if (extra !== "") this.res.write(extra);
    this.queue.clear();
    this.counters.framesSent.inc(n);
    this.res.uncork();
  }
}
