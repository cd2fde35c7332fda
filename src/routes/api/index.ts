/** The JSON API, all behind the bearer token. */
import { Hono } from "hono";
import { requireApiToken } from "./auth";
import { deadLettersApi } from "./dead-letters";
import { actionsApi } from "./actions";
import { backtestApi } from "./backtest";
import { connectorsApi } from "./connectors";
import { decisionsApi } from "./decisions";
import { insightsApi } from "./insights";
import { locationsApi } from "./locations";
import { ordersApi } from "./orders";
import { pipelineApi } from "./pipeline";
import { skusApi } from "./skus";

export const api = new Hono<{ Bindings: Env }>();

api.use("*", requireApiToken);
api.route("/", ordersApi);
api.route("/", decisionsApi);
api.route("/", insightsApi);
api.route("/", backtestApi);
api.route("/dead-letters", deadLettersApi);
api.route("/skus", skusApi);
api.route("/locations", locationsApi);
api.route("/actions", actionsApi);
api.route("/pipeline", pipelineApi);
api.route("/connectors", connectorsApi);
