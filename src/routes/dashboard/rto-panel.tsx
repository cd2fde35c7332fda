/** The overview's RTO panel: RTO ₹ this week and by week, by carrier and pincode prefix, RTO ₹ saved by the COD confirmation, NDR → delivery conversion. */
import type { FC } from "hono/jsx";
import { loadRtoPanelRows, type RtoPanelRows } from "../../db/ndr-rto";
import { loadPolicy } from "../../db/policies";
import { summariseRto, weekStart, type RtoSummary } from "../../decisions/rto-cost";
import { Empty, Kpi, Sparkline } from "./components";
import { formatInr, formatRate, groupIndian, istDay } from "./format";

const WEEK_MS = 7 * 86_400_000;
const TOP_PREFIXES = 10;

export interface RtoPanelData {
  weeks: number;
  rows: RtoPanelRows;
  summary: RtoSummary;
}

/**
 * The panel's data: the policy (trend weeks, rates, time zone), then one batch of index range reads
 * over the trend window. The overview starts it with its other reads, so it adds no round trip.
 */
export function loadRtoPanel(db: D1Database, now: number): Promise<RtoPanelData> {
  const loading = readRtoPanel(db, now);
  // Started before the overview's other reads: if one of those fails first, this one's failure is not left unhandled.
  loading.catch(() => undefined);
  return loading;
}

async function readRtoPanel(db: D1Database, now: number): Promise<RtoPanelData> {
  const { policy } = await loadPolicy(db);
  const weeks = policy.ndr_rto.rtoTrendWeeks;
  const since = weekStart(now, policy.quietHours.utcOffsetMinutes, weeks - 1);
  const rows = await loadRtoPanelRows(db, since);
  return { weeks, rows, summary: summariseRto(rows.rtos, rows.codCancelledByWeek, policy.ndr_rto, { since, weeks, weekMs: WEEK_MS }) };
}

export const RtoPanel: FC<{ data: Promise<RtoPanelData> }> = async ({ data }) => {
  const { weeks, rows, summary: s } = await data;
  const ndr = rows.ndr;
  const resolved = ndr.delivered + ndr.rto;
  return (
    <section id="rto" aria-label="RTO and failed deliveries">
      <h2>RTO and failed deliveries</h2>
      <div class="kpis">
        <Kpi id="rto-week" label={`RTO this week (${groupIndian(s.thisWeek.shipments)} shipments)`} value={formatInr(s.thisWeek.paise)} warn={s.thisWeek.paise > 0} />
        <Kpi id="rto-saved" label={`RTO saved this week (${groupIndian(s.saved.thisWeek.orders)} COD orders cancelled before shipping)`} value={formatInr(s.saved.thisWeek.paise)} />
        <Kpi id="ndr-conversion" label={`NDR → delivered, ${weeks} weeks (${groupIndian(ndr.delivered)} of ${groupIndian(resolved)} resolved; ${groupIndian(ndr.open)} open)`} value={formatRate(resolved ? ndr.delivered / resolved : null)} />
        <Kpi id="rto-received" label={`RTOs back at the warehouse, ${weeks} weeks`} value={groupIndian(rows.received)} />
      </div>
      <div class="grid">
        <div class="card">
          <table id="rto-weeks">
            <thead>
              <tr>
                <th>Week of</th>
                <th class="n">RTO shipments</th>
                <th class="n">RTO ₹</th>
              </tr>
            </thead>
            <tbody>
              {[...s.weeks].reverse().map((w) => (
                <tr>
                  <td>{istDay(w.start)}</td>
                  <td class="n">{groupIndian(w.shipments)}</td>
                  <td class="n">{formatInr(w.paise)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Sparkline values={s.weeks.map((w) => w.paise)} label={`RTO rupees per week, last ${weeks} weeks`} />
          <p class="muted">
            Forward + reverse freight per carrier from the policy (<code>ndr_rto.rtoCost</code>); average {formatInr(s.averagePaise)} per RTO. Saved = COD orders the confirmation
            cancelled before shipping × the average. NDR answered: {groupIndian(ndr.answeredDelivered)} of {groupIndian(ndr.answered)} delivered; no answer, default action:{" "}
            {groupIndian(ndr.defaultedDelivered)} of {groupIndian(ndr.defaulted)} delivered.
          </p>
        </div>
        <div class="card">
          <table id="rto-carriers">
            <thead>
              <tr>
                <th>Carrier (this week)</th>
                <th class="n">RTOs</th>
                <th class="n">₹</th>
              </tr>
            </thead>
            <tbody>
              {s.thisWeek.byCarrier.length === 0 ? <Empty cols={3} text="No RTO this week." /> : null}
              {s.thisWeek.byCarrier.map((l) => (
                <tr>
                  <td>{l.key}</td>
                  <td class="n">{groupIndian(l.shipments)}</td>
                  <td class="n">{formatInr(l.paise)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table id="rto-prefixes">
            <thead>
              <tr>
                <th>Pincode prefix (this week)</th>
                <th class="n">RTOs</th>
                <th class="n">₹</th>
              </tr>
            </thead>
            <tbody>
              {s.thisWeek.byPrefix.length === 0 ? <Empty cols={3} text="No RTO this week." /> : null}
              {s.thisWeek.byPrefix.slice(0, TOP_PREFIXES).map((l) => (
                <tr>
                  <td>{l.key === "unknown" ? l.key : `${l.key}xxx`}</td>
                  <td class="n">{groupIndian(l.shipments)}</td>
                  <td class="n">{formatInr(l.paise)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
};
