import type { paths } from "./openapi.gen.ts";

/** The JSON body of the 200 answer of `GET path`. */
export type GetJson<P extends keyof paths> = paths[P] extends {
  get: { responses: { 200: { content: { "application/json": infer T } } } };
}
  ? T
  : never;

/** `GET /api/projects` answer and one project of it. */
export type ProjectsResponse = GetJson<"/api/projects">;
/** One project the caller may see. */
export type Project = ProjectsResponse["items"][number];
/** `GET /api/orders` answer. */
export type OrderListResponse = GetJson<"/api/orders">;
/** One order row of the board. */
export type OrderRow = OrderListResponse["items"][number];
/** Time of an order in one status group, with its SLA. */
export type GroupTime = OrderRow["time_by_group"][number];
/** `GET /api/orders/{orderId}/timeline` answer. */
export type TimelineResponse = GetJson<"/api/orders/{orderId}/timeline">;
/** SLA state of an order in a group. */
export type SlaState = "ok" | "near" | "over";
/** A project role. */
export type Role = "admin" | "viewer";
