import type { PageModule } from "../page.types.ts";
import { OrdersBoard } from "./board.tsx";
import { OrderPanel } from "./order-panel.tsx";

/**
 * `/p/:projectId/orders`: the orders board; `/p/:projectId/orders/:orderId` opens the order panel
 * beside it (the board stays live).
 */
export const page: PageModule = {
  id: "orders",
  scope: "project",
  access: "viewer",
  routes: [
    { path: "orders", element: <OrdersBoard />, children: [{ path: ":orderId", element: <OrderPanel /> }] },
  ],
  nav: { path: "orders", labelKey: "nav", order: 20 },
};
