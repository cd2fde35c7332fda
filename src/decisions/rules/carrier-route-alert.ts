/** carrier_route_alert: routes whose delay or RTO rate rose clearly above their own baseline, with enough shipments to mean it. */
import type { CarrierRouteAlertContext } from "../context";
import { DAY_MS } from "../format";
import { delayElevation, routeId, rtoElevation, type RouteStat } from "../models/routes";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { draft, opsAlert } from "./build";

const WEEK_MS = 7 * DAY_MS;

export function decideCarrierRouteAlerts(ctx: CarrierRouteAlertContext, policy: Policy, now: number): DecisionDraft[] {
  const p = policy.carrier_route_alert;
  const flagged: { route: RouteStat; metric: "delay" | "rto"; reason: string }[] = [];
  for (const route of ctx.routes) {
    const delay = delayElevation(route, { marginPoints: p.delayMarginPoints, minRatio: p.minRatio, minShipments: p.minShipments });
    if (delay) flagged.push({ route, metric: "delay", reason: delay });
    const rto = rtoElevation(route, { marginPoints: p.rtoMarginPoints, minRatio: p.minRatio, minShipments: p.minShipments });
    if (rto) flagged.push({ route, metric: "rto", reason: rto });
  }
  if (!flagged.length) return [];
  const table = routeTable(flagged.map((f) => f.route));
  // Once per route, metric and week: a route that stays bad gets one alert a week, not one per cron run.
  const week = Math.floor(now / WEEK_MS);
  return flagged.map(({ route, metric, reason }) =>
    draft(
      {
        type: "carrier_route_alert",
        subjectType: "route",
        subjectId: routeId(route),
        dedupeKey: `carrier_route_alert:route:${routeId(route)}:${metric}:week${week}`,
        reasons: [reason, `minimum ${p.minShipments} shipments, at least ${p.minRatio}× baseline`],
        inputs: { ...route, metric },
        actions: [opsAlert(`Carrier route alert: ${route.carrier} ${route.origin}→${route.destination} ${metric === "rto" ? "RTO" : "delays"}`, `${reason}\n\n${table}`)],
      },
      policy,
      now,
    ),
  );
}

function routeTable(routes: readonly RouteStat[]): string {
  const seen = new Set<string>();
  const rows = ["carrier | origin | dest | shipments | delay (baseline) | RTO (baseline) | median transit"];
  for (const r of routes) {
    const id = routeId(r);
    if (seen.has(id)) continue;
    seen.add(id);
    rows.push(
      `${r.carrier} | ${r.origin} | ${r.destination} | ${r.shipments} | ${pct(r.delayRate)} (${pct(r.baselineDelayRate)}) | ${pct(r.rtoRate)} (${pct(r.baselineRtoRate)}) | ${r.medianTransitHours === null ? "–" : `${r.medianTransitHours.toFixed(0)} h`}`,
    );
  }
  return rows.join("\n");
}

const pct = (rate: number) => `${Math.round(rate * 100)}%`;
