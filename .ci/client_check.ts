// Compiled with `tsc --strict` against the client types openapi-typescript generates from
// openapi.yaml (.ci/run): the document must yield a client that compiles and is usable.
import type { components, operations, paths } from "./brigade";

type Order = components["schemas"]["Order"];
type Problem = components["schemas"]["Problem"];
type NewOrder = paths["/v1/orders"]["post"]["requestBody"]["content"]["application/json"];
type PlacedOrder = operations["place_order"]["responses"][201]["content"]["application/json"];

export const order: NewOrder = {
  lines: [{ item_id: "itm_0193a5c27d1e7cc09a513e0b8f0e2f11", quantity: 2 }],
  fulfillment: { type: "pickup" },
};
export const total = (placed: PlacedOrder): number => placed.total;
export const same = (a: Order, b: PlacedOrder): boolean => a.id === b.id;
export const code = (p: Problem): string => p.code;
