import { NotFoundError } from "@pulse/infra";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { RouteOptions } from "../deps.js";
import { API_ERRORS, API_SECURITY } from "../http/api.schemas.js";
import { requireProject } from "../http/project-scope.js";
import { decodeOrderCursor, encodeOrderCursor } from "./order-cursor.js";
import { listOrders, orderTimeline } from "./orders.repository.js";
import {
  OrderListQuery,
  OrderListResponse,
  TimelineParams,
  TimelineQuery,
  TimelineResponse,
} from "./orders.schemas.js";

/**
 * Order status analytics reads (SPEC "Order status analytics"):
 * - `GET /orders` — filtered, sorted, paged order list with time per status group and a KPI block;
 * - `GET /orders/:orderId/timeline` — status events and intervals of one order.
 * Registered under `/api` behind the auth plugin.
 */
export const ordersRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    "/orders",
    {
      schema: {
        tags: ["orders"],
        summary: "List orders with time per status group and KPI",
        description:
          "Orders of one project (rm.orders_current) filtered by [from, to) on dateField, current status or " +
          "group, order id, urgency, or the SLA state of the current interval at asOf; sorted and paged on the " +
          "server, by page number or by keyset (`cursor` = the previous page's `next_cursor`, stable while orders " +
          "are added). Time per group (wall-clock and working) and SLA colours are measured up to asOf (default " +
          "now). The kpi block covers every order matching the filters, not only the page, including the share " +
          "of current intervals that are ok / near / over.",
        security: API_SECURITY,
        querystring: OrderListQuery,
        response: { 200: OrderListResponse, ...API_ERRORS },
      },
    },
    async (request) => {
      const q = request.query;
      await requireProject(deps.db, request, q.project);
      const asOf = q.asOf ?? deps.clock();
      const page = await listOrders(deps.db, {
        projectId: q.project,
        dateField: q.dateField,
        from: q.from,
        to: q.to,
        statusId: q.statusId,
        groupId: q.groupId,
        orderId: q.orderId,
        managerId: q.managerId,
        slaState: q.slaState,
        urgent: q.urgent,
        asOf,
        page: q.page,
        pageSize: q.pageSize,
        sort: q.sort,
        dir: q.dir,
        cursor: q.cursor === undefined ? undefined : decodeOrderCursor(q.cursor, q.sort, q.dir),
      });
      return {
        project_id: q.project,
        as_of: asOf.toISOString(),
        page: q.page,
        page_size: q.pageSize,
        total: page.total,
        items: page.items,
        next_cursor: page.nextCursor === null ? null : encodeOrderCursor(page.nextCursor),
        kpi: page.kpi,
      };
    },
  );

  app.get(
    "/orders/:orderId/timeline",
    {
      schema: {
        tags: ["orders"],
        summary: "Status events and intervals of one order",
        description:
          "Every status event of the order (rm.order_status_events, sorted by status_changed_at) and its " +
          "intervals with durations measured up to asOf (default now). 404 `order_not_found` if the project " +
          "has no event of the order.",
        security: API_SECURITY,
        params: TimelineParams,
        querystring: TimelineQuery,
        response: { 200: TimelineResponse, ...API_ERRORS },
      },
    },
    async (request) => {
      const { project } = request.query;
      const { orderId } = request.params;
      await requireProject(deps.db, request, project);
      const asOf = request.query.asOf ?? deps.clock();
      const history = await orderTimeline(deps.db, project, orderId, asOf);
      if (history === null)
        throw new NotFoundError("order_not_found", `order ${orderId} not found in ${project}`);
      const current = await listOrders(deps.db, {
        projectId: project,
        dateField: "last_changed_at",
        orderId,
        asOf,
        page: 1,
        pageSize: 1,
        sort: "order_id",
        dir: "asc",
      });
      return {
        project_id: project,
        order_id: orderId,
        as_of: asOf.toISOString(),
        order: current.items[0] ?? null,
        events: history.events,
        intervals: history.intervals,
      };
    },
  );
};
