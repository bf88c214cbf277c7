import type { OrderUpdatedNotice } from "@pulse/events";
import { useEffect, useRef, useState } from "react";

/** State of the live order stream, shown in the board's header (`data-state`). */
export type StreamState = "connecting" | "live" | "offline";

/** What {@link useOrderStream} calls back. */
export interface OrderStreamHandlers {
  /** An `order_updated` notice (the order changed: a new order, a move, an SLA tick). */
  onNotice(notice: OrderUpdatedNotice): void;
  /** `reset` (history expired) or `resync` (the client fell behind): reload the whole page. */
  onResync(): void;
}

/**
 * Follows `GET /api/stream/orders?project=…` (SSE, authenticated by the session cookie) while the
 * component is mounted. `EventSource` reconnects by itself with `Last-Event-ID`, so no notice is
 * missed across a short drop; after a reconnect the page is reloaded too (a notice may have been
 * coalesced away). Returns the connection state.
 */
export function useOrderStream(projectId: string, handlers: OrderStreamHandlers): StreamState {
  const [state, setState] = useState<StreamState>("connecting");
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    setState("connecting");
    const source = new EventSource(`/api/stream/orders?project=${encodeURIComponent(projectId)}`, {
      withCredentials: true,
    });
    let opened = false;
    source.onopen = () => {
      setState("live");
      if (opened) latest.current.onResync();
      opened = true;
    };
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? "offline" : "connecting");
    source.addEventListener("order_updated", (e) => {
      try {
        const notice = JSON.parse((e as MessageEvent<string>).data) as OrderUpdatedNotice;
        latest.current.onNotice(notice);
      } catch {
        latest.current.onResync();
      }
    });
    const resync = () => latest.current.onResync();
    source.addEventListener("reset", resync);
    source.addEventListener("resync", resync);
    return () => source.close();
  }, [projectId]);

  return state;
}
