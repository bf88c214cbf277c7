import type { NatsConnection } from "@nats-io/transport-node";

/**
 * Whether a NATS connection is up, as its status events tell it (nats.js v3 reconnects by itself;
 * this only observes). Read by readiness probes (`/ready` answers 503 while NATS is down) and by
 * work that must pause while NATS is away (a recompute stops its attempt and resumes on reconnect).
 */
export interface NatsStatus {
  /** True while connected; false from a `disconnect` until the next `reconnect`, and after `close`. */
  readonly connected: boolean;
  /** When the connection was lost (null while connected). */
  readonly disconnectedSince: Date | null;
  /** Text of the last connection error seen while disconnected (e.g. `CONNECTION_REFUSED`), or null. */
  readonly lastError: string | null;
  /** A short human reason when not connected (`NATS disconnected since 2026-…Z: …`), else null. */
  reason(): string | null;
  /**
   * Calls `listener(connected)` on every change (disconnect, reconnect, close). Returns the function
   * that removes it. Listeners must not throw.
   */
  onChange(listener: (connected: boolean) => void): () => void;
}

const watchers = new WeakMap<NatsConnection, NatsStatus>();

/**
 * The {@link NatsStatus} of `nc`, started on first use (`connectNats` starts it right after the
 * connection opens, so no change is missed). One watcher per connection; it ends when `nc` closes.
 */
export function natsStatusOf(nc: NatsConnection): NatsStatus {
  const known = watchers.get(nc);
  if (known) return known;
  let connected = !nc.isClosed();
  let disconnectedSince: Date | null = connected ? null : new Date();
  let lastError: string | null = null;
  const listeners = new Set<(connected: boolean) => void>();
  const set = (up: boolean) => {
    if (up === connected) return;
    connected = up;
    disconnectedSince = up ? null : new Date();
    if (up) lastError = null;
    for (const l of listeners) l(up);
  };
  const status: NatsStatus = {
    get connected() {
      return connected;
    },
    get disconnectedSince() {
      return disconnectedSince;
    },
    get lastError() {
      return lastError;
    },
    reason() {
      if (connected) return null;
      if (nc.isClosed()) return "NATS connection closed";
      const since = disconnectedSince?.toISOString() ?? "?";
      return `NATS disconnected since ${since}${lastError ? `: ${lastError}` : ""}`;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  watchers.set(nc, status);
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === "disconnect") set(false);
      else if (s.type === "reconnect") set(true);
      else if (s.type === "error" && !connected) lastError = errorText(s.error);
    }
  })()
    .catch(() => undefined)
    .finally(() => set(false));
  return status;
}

function errorText(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === "string" && e.code !== "") return e.code;
  return typeof e?.message === "string" ? e.message : String(error);
}
