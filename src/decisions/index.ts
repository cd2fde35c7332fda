/** The decision layer's public surface: pure rules, models, policy and backtest. No env, no I/O, no clock. */
export * from "./types";
export * from "./policy";
export type * from "./context";
export * from "./rules";
export * from "./backtest";
export * from "./models/forecast";
export * from "./models/routes";
export * from "./models/customers";
export * from "./models/tickets";
export { quietHoursEnd, rupees } from "./format";
