/**
 * GET /skus/:sku: stock per Shopify location (Shopify's count, the ERP warehouses behind it, the
 * last push and when, drift; unmapped locations said so), the ERP records, daily sales with the
 * forecast after them, projected stockout, open POs, bundle components.
 */
import { Hono } from "hono";
import type { FC } from "hono/jsx";
import { loadBundle } from "../../db/bundles";
import { dailySales, getSkuOverview } from "../../db/dashboard-read";
import type { DashboardEnv } from "./auth";
import { Empty } from "./components";
import { formatIst, groupIndian, istDay } from "./format";
import { Layout, page } from "./layout";

export const skuPages = new Hono<DashboardEnv>();

const HISTORY_DAYS = 56;
const DAY = 86_400_000;

interface ChartProps {
  /** Oldest first, one entry per day including zero days. */
  history: { day: string; units: number }[];
  forecast: number[];
}

/** Sales as bars, forecast as a dashed line continuing to the right; axis labels at the ends. */
export const SalesChart: FC<ChartProps> = ({ history, forecast }) => {
  const w = 640;
  const h = 160;
  const pad = 24;
  const n = history.length + forecast.length;
  if (n === 0) return <p class="muted">No sales or forecast yet.</p>;
  const max = Math.max(1, ...history.map((d) => d.units), ...forecast);
  const step = (w - pad * 2) / n;
  const y = (v: number) => h - pad - (v / max) * (h - pad * 2);
  const forecastPoints = forecast.map((v, i) => `${(pad + (history.length + i + 0.5) * step).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  return (
    <svg class="chart" width="100%" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`Units sold per day for ${history.length} days, then ${forecast.length} days of forecast`}>
      <line x1={pad} y1={h - pad} x2={w - pad} y2={h - pad} stroke="#c9ced6" />
      {history.map((d, i) => (
        <rect x={(pad + i * step + 1).toFixed(1)} y={y(d.units).toFixed(1)} width={Math.max(1, step - 2).toFixed(1)} height={(h - pad - y(d.units)).toFixed(1)} fill="#7aa7e6">
          <title>
            {d.day}: {d.units}
          </title>
        </rect>
      ))}
      {forecast.length > 1 ? <polyline points={forecastPoints} fill="none" stroke="#b54708" stroke-width="2" stroke-dasharray="4 3" /> : null}
      <text x={pad} y={h - 6}>
        {history[0]?.day ?? "today"}
      </text>
      <text x={w - pad} y={h - 6} text-anchor="end">
        +{forecast.length} days
      </text>
      <text x={pad} y={pad - 8}>
        max {max.toFixed(max < 10 ? 1 : 0)}/day
      </text>
    </svg>
  );
};

/** Fills the days without sales so the bars sit on a true calendar. */
function fillDays(rows: { day: string; units: number }[], since: number, now: number) {
  const byDay = new Map(rows.map((r) => [r.day, Number(r.units) || 0]));
  const out: { day: string; units: number }[] = [];
  for (let t = since; t <= now; t += DAY) {
    const day = istDay(t);
    out.push({ day, units: byDay.get(day) ?? 0 });
  }
  return out;
}

skuPages.get("/skus/:sku", async (c) => {
  const sku = c.req.param("sku");
  const session = c.get("session");
  const now = Date.now();
  const since = now - (HISTORY_DAYS - 1) * DAY;
  const [sku0, sales, ledger, bundle] = await Promise.all([
    getSkuOverview(c.env.DB, sku),
    dailySales(c.env.DB, sku, since),
    c.env.SKU_STOCK.get(c.env.SKU_STOCK.idFromName(sku)).getStock(now),
    loadBundle(c.env.DB, sku),
  ]);
  if (!sku0) {
    return page(
      c,
      404,
      <Layout title="SKU not found" session={session}>
        <h1>No SKU {sku}</h1>
        <p>
          <a href="/">Back to the overview</a>
        </p>
      </Layout>,
    );
  }
  const s = sku0.stock;
  return page(
    c,
    200,
    <Layout title={`SKU ${sku}`} session={session}>
      <h1>
        {sku0.title ?? sku} <span class="muted">· {sku}</span>
      </h1>
      <div class="grid">
        <section>
          <h2>Stock</h2>
          <div class="card">
            {s ? (
              <dl class="kv">
                <dt>Available</dt>
                <dd>{groupIndian(s.available)}</dd>
                <dt>Committed / incoming</dt>
                <dd>
                  {groupIndian(s.committed)} / {groupIndian(s.incoming)}
                </dd>
                <dt>Safety floor</dt>
                <dd>{groupIndian(s.safetyFloor)}</dd>
                <dt>Demand</dt>
                <dd>{s.dailyDemand === null ? "—" : `${s.dailyDemand.toFixed(1)} units/day`}</dd>
                <dt>Days of cover</dt>
                <dd>{s.daysOfCover === null ? "—" : s.daysOfCover.toFixed(1)}</dd>
                <dt>Projected stockout</dt>
                <dd>{s.projectedStockoutAt ? `${formatIst(s.projectedStockoutAt)} IST` : "not within the forecast"}</dd>
                <dt>Drift (ours − ERP)</dt>
                <dd class={s.drift !== 0 ? "up" : ""}>{String(s.drift)}</dd>
                <dt>Last pushed to Shopify</dt>
                <dd>{formatIst(s.lastSyncedAt)}</dd>
              </dl>
            ) : (
              <p class="muted">No stock model for this SKU yet.</p>
            )}
          </div>
        </section>
        <section>
          <h2>Shopify locations</h2>
          <div class="card">
            <table id="sku-locations">
              <thead>
                <tr>
                  <th>Location</th>
                  <th class="n">Shopify count</th>
                  <th>Fed by warehouses</th>
                  <th class="n">Sellable</th>
                  <th>Last push</th>
                  <th class="n">Drift</th>
                </tr>
              </thead>
              <tbody>
                {ledger.locations.length === 0 ? <Empty cols={6} text="Shopify has not reported this SKU at any location yet." /> : null}
                {ledger.locations.map((l) => (
                  <tr>
                    <td>
                      {l.locationId}
                      {!l.connected ? <div class="muted">disconnected: not stocked here</div> : null}
                    </td>
                    <td class="n">{l.shopifyAvailable === null ? "—" : groupIndian(l.shopifyAvailable)}</td>
                    <td>{l.mapped ? l.warehouses.join(", ") || "—" : <span class="up">unmapped: never written to</span>}</td>
                    <td class="n">{l.sellable === null ? "—" : groupIndian(l.sellable)}</td>
                    <td>{l.lastPush ? `${groupIndian(l.lastPush.quantity)} (${l.lastPush.reason.replace(/_/g, " ")}) ${formatIst(Date.parse(l.lastPush.at))}` : "never"}</td>
                    <td class={l.drift !== 0 ? "n up" : "n"}>{String(l.drift)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {ledger.unmappedLocations.length ? (
              <p class="muted">
                Unmapped: {ledger.unmappedLocations.join(", ")}. Map warehouses to them with PUT /api/locations.
              </p>
            ) : null}
            {bundle.length ? (
              <p>
                Bundle of {bundle.map((b) => `${b.quantity} × ${b.sku}`).join(", ")}: its count is the fewest kits its components allow at each location.
              </p>
            ) : null}
          </div>
        </section>
        <section>
          <h2>ERP and Shopify records</h2>
          <div class="card">
            <table>
              <thead>
                <tr>
                  <th>Source</th>
                  <th>Location</th>
                  <th class="n">Available</th>
                  <th class="n">On hand</th>
                  <th class="n">Committed</th>
                  <th class="n">Incoming</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {sku0.locations.length === 0 ? <Empty cols={7} text="No inventory records." /> : null}
                {sku0.locations.map((l) => (
                  <tr>
                    <td>{l.source}</td>
                    <td>{l.locationId}</td>
                    <td class="n">{groupIndian(l.available)}</td>
                    <td class="n">{l.onHand ?? "—"}</td>
                    <td class="n">{l.committed ?? "—"}</td>
                    <td class="n">{l.incoming ?? "—"}</td>
                    <td>{formatIst(l.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
      <section>
        <h2>Sales and forecast</h2>
        <div class="card">
          <SalesChart history={fillDays(sales, since, now)} forecast={sku0.forecast?.dailyDemand ?? []} />
          <p class="muted">
            Bars: units sold per day (last {HISTORY_DAYS} days, cancelled orders excluded). Dashed: forecast
            {sku0.forecast ? ` (${sku0.forecast.method}, mean ${sku0.forecast.meanDaily.toFixed(1)}/day, computed ${formatIst(sku0.forecast.computedAt)})` : " — none computed yet"}.
          </p>
        </div>
      </section>
      <section>
        <h2>Open purchase orders</h2>
        <div class="card">
          <table>
            <tbody>
              {sku0.openPurchaseOrders.length === 0 ? <Empty cols={4} text="No open purchase orders." /> : null}
              {sku0.openPurchaseOrders.map((po) => (
                <tr>
                  <td>{po.poNumber}</td>
                  <td>{po.status}</td>
                  <td class="n">{groupIndian(po.quantity)} units</td>
                  <td>expected {formatIst(po.expectedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>,
  );
});
