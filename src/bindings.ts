/** Queue and cron names, from the one file (bindings.json) the scripts read too; wrangler.toml is checked against it by a test. */
import bindings from "./bindings.json";

export const QUEUES = bindings.queues;
export const CRONS = bindings.crons;
