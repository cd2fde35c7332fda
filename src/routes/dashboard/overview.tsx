/** GET /: the morning on one page — KPIs, orders and stock at risk, decisions, routes, what failed. */
import { Hono } from "hono";
import { countWaitingDecisions, listWaitingDecisions, type WaitingDecision } from "../../db/decisions";
import { handledCounts, listDecisionFeed, listFailedActions, listOrdersAtRisk, listRoutes, listStockAtRisk, type AtRiskOrder } from "../../db/dashboard-read";
import { blockedActionCounts, listConnectorStatus } from "../../db/connectors";
import { overviewFingerprint, sourceHealth, type SourceHealth } from "../../db/health";
import { connectorsApi } from "../api/connectors";
import { loadKpis } from "../../db/kpis";
import { unmappedShopifyLocations } from "../../db/locations";
import { listDeadLetters } from "../../db/raw-events";
import { DECISION_TYPES } from "../../decisions/types";
import type { DashboardEnv } from "./auth";
import type { FC } from "hono/jsx";
import { Empty, Kpi, ModeTag, Outcomes, PostButton, Sparkline, StatusTag } from "./components";
import { formatInr, formatIst, formatRate, groupIndian, hoursBetween } from "./format";
import { Layout, page } from "./layout";
import { maskPhone } from "./mask";
import { WhyCustomersWriteIn } from "./why-customers-write";
import { WismoChannelsPanel } from "./wismo-channels";
import { loadRtoPanel, RtoPanel } from "./rto-panel";

/** Same horizon as the stockout-risk KPI in db/kpis.ts, so the list and the count agree. */
const STOCK_RISK_DAYS = 14;
/** How often the page asks /changes whether anything moved (it swaps the new content in, no reload). */
const LIVE_POLL_SECONDS = 3;

/** Outcomes of the retry/replay buttons, by code: nothing from the query string is echoed. */
const NOTICES: Record<string, string> = {
  retried: "Action put back in the outbox and queued.",
  "not-retryable": "That action is no longer failed or dead; nothing was sent.",
  replayed: "Dead letter replayed: its raw event is queued for ingest again.",
  "not-replayable": "That dead letter has no stored event to replay (it was refused at the door), or is gone.",
  approved: "Approved: its actions are in the outbox.",
  dismissed: "Dismissed: nothing was sent.",
  snoozed: "Snoozed: it comes back to this queue later.",
  "not-waiting": "That decision no longer waits for a person (someone settled it already); nothing changed.",
  "dismiss-needs-why": "Say why before dismissing: the reason goes on the decision's record.",
};

/** How many waiting decisions the overview lists in full; the count says how many more there are. */
const NEEDS_YOU_LIMIT = 25;
const DAY_MS = 86_400_000;

export const overview = new Hono<DashboardEnv>();

function riskReasons(o: AtRiskOrder, now: number): string[] {
  const reasons: string[] = [];
  if (o.stalled) {
    const since = o.lastScanAt === null ? "since dispatch" : `for ${hoursBetween(o.lastScanAt, now)} h`;
    reasons.push(`No carrier scan ${since}${o.lastScanLocation ? ` (last at ${o.lastScanLocation})` : ""}`);
  }
  if (o.failedAttempts > 0) reasons.push(`${o.failedAttempts} failed delivery attempt${o.failedAttempts === 1 ? "" : "s"}`);
  if (o.codPending) reasons.push(`COD ${formatInr(o.totalPrice)} not confirmed`);
  return reasons;
}

overview.get("/", async (c) => {
  const db = c.env.DB;
  const now = Date.now();
  const rtoPanel = loadRtoPanel(db, now);
  const [fingerprint, health, connectorView, waiting, waitingCount, handled, kpis, atRisk, stock, feed, routes, deadLetters, failed, connectors, blocked, unmapped] = await Promise.all([
    overviewFingerprint(db, now),
    sourceHealth(db, now),
    connectorHealth(c.env),
    listWaitingDecisions(db, now, NEEDS_YOU_LIMIT),
    countWaitingDecisions(db, now),
    handledCounts(db, now - DAY_MS),
    loadKpis(db, now),
    listOrdersAtRisk(db, 50),
    listStockAtRisk(db, STOCK_RISK_DAYS, 20),
    listDecisionFeed(db, 40),
    listRoutes(db, 15),
    listDeadLetters(db, 20),
    listFailedActions(db, 20),
    listConnectorStatus(db),
    blockedActionCounts(db),
    unmappedShopifyLocations(db),
  ]);
  // Refused or disconnected credentials hold their actions back: said first, with what to do.
  const attention = connectors.filter((r) => r.status !== "ok");
  const session = c.get("session");
  const notice = NOTICES[c.req.query("done") ?? ""];
  const decisionsToday = Object.entries(kpis.decisionsToday).sort((a, b) => b[1] - a[1]);
  const decisionsTotal = decisionsToday.reduce((n, [, v]) => n + v, 0);

  return page(
    c,
    200,
    <Layout title="Overview" session={session} live={{ url: "/changes", etag: etagOf(fingerprint), seconds: LIVE_POLL_SECONDS }}>
      <h1>
        Today <span class="muted">· updated {formatIst(now)} IST</span>
      </h1>
      {notice ? <p class="tag ok">{notice}</p> : null}
      <section id="needs-you" aria-label="Needs you">
        <h2>
          Needs you <span class={waitingCount ? "tag bad" : "tag ok"} data-count="needs-you">{groupIndian(waitingCount)}</span>
        </h2>
        {waiting.length === 0 ? <p class="muted">Nothing waits for a person.</p> : null}
        {waiting.map((d) => (
          <NeedsYouItem d={d} csrf={session.csrf} askWho={session.who === null} now={now} />
        ))}
        {waitingCount > waiting.length ? <p class="muted">and {groupIndian(waitingCount - waiting.length)} more, oldest first.</p> : null}
      </section>
      {attention.length ? (
        <section id="connectors-attention" aria-label="Connectors holding actions back">
          {attention.map((r) => (
            <p class="tag bad">
              {r.connector} {r.status === "disconnected" ? "disconnected" : "credentials refused"}: {r.reason ?? "no reason given"} · {groupIndian(blocked[r.connector] ?? 0)} action(s) waiting · run npm run doctor
            </p>
          ))}
        </section>
      ) : null}
      <section class="kpis" aria-label="Key numbers">
        <Kpi id="orders-today" label="orders today" value={groupIndian(kpis.ordersToday)} />
        <Kpi id="gmv-today" label="GMV today" value={formatInr(kpis.gmvToday)} />
        <Kpi id="in-transit" label="shipments in transit" value={groupIndian(kpis.inTransit)} />
        <Kpi id="stalled" label="delayed / stalled" value={groupIndian(kpis.stalled)} warn={kpis.stalled > 0} />
        <Kpi id="failed-attempts" label="at a failed attempt" value={groupIndian(kpis.failedAttempts)} warn={kpis.failedAttempts > 0} />
        <Kpi id="ndr-rate" label="NDR rate (7 days)" value={formatRate(kpis.ndrRate)} />
        <Kpi id="rto-rate" label="RTO rate (7 days)" value={formatRate(kpis.rtoRate)} />
        <Kpi id="cod-unconfirmed" label="COD unconfirmed" value={groupIndian(kpis.codUnconfirmed)} warn={kpis.codUnconfirmed > 0} />
        <Kpi id="stockout-risk" label={`SKUs under ${STOCK_RISK_DAYS} days of cover`} value={groupIndian(kpis.stockoutRiskSkus)} warn={kpis.stockoutRiskSkus > 0} />
        <Kpi id="escalations" label="escalations (7 days)" value={groupIndian(kpis.openEscalations)} />
        <Kpi id="wismo" label="WISMO answered: auto / agent (7 days)" value={`${groupIndian(kpis.wismoAuto)} / ${groupIndian(kpis.wismoAgent)}`} />
        <Kpi
          id="actions"
          label="actions sent / failed / dead (7 days)"
          value={`${groupIndian((kpis.actions.sent ?? 0) + (kpis.actions.delivered ?? 0) + (kpis.actions.read ?? 0))} / ${groupIndian(kpis.actions.failed ?? 0)} / ${groupIndian(kpis.actions.dead ?? 0)}`}
          warn={(kpis.actions.failed ?? 0) + (kpis.actions.dead ?? 0) > 0}
        />
        <Kpi id="dead-letters" label="dead letters" value={groupIndian(kpis.deadLetters)} warn={kpis.deadLetters > 0} />
        <Kpi
          id="decisions-today"
          label="decisions today"
          value={
            <>
              {groupIndian(decisionsTotal)}{" "}
              {decisionsToday.map(([type, n]) => (
                <span class="tag">
                  {type} {n}
                </span>
              ))}
            </>
          }
        />
      </section>

      <HealthPanel sources={health} connectors={connectorView} now={now} />
      <WismoChannelsPanel db={db} now={now} />

      <div class="grid">
        <section>
          <h2>Orders at risk</h2>
          <div class="filters">
            <input data-filter="at-risk" placeholder="Filter orders" aria-label="Filter orders at risk" />
          </div>
          <div class="card">
            <table id="at-risk">
              <thead>
                <tr>
                  <th>Order</th>
                  <th>Why</th>
                  <th>State</th>
                  <th>Customer</th>
                  <th class="n">Value</th>
                </tr>
              </thead>
              <tbody>
                {atRisk.length === 0 ? <Empty cols={5} text="Nothing at risk." /> : null}
                {atRisk.map((o) => (
                  <tr>
                    <td>
                      <a href={`/orders/${encodeURIComponent(o.orderId)}`}>{o.name ?? o.orderId}</a>
                      <div class="muted">{o.city ?? ""}</div>
                    </td>
                    <td>
                      <ul class="reasons">
                        {riskReasons(o, now).map((r) => (
                          <li>{r}</li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      <StatusTag status={o.state} /> <span class="muted">{o.carrier ?? ""}</span>
                    </td>
                    <td>{maskPhone(o.phone)}</td>
                    <td class="n">
                      {formatInr(o.totalPrice)} <span class="muted">{o.paymentMethod === "cod" ? "COD" : ""}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>

        <section>
          <h2>Stock at risk</h2>
          {unmapped.length ? (
            <p class="card" id="unmapped-locations">
              Shopify locations no warehouse feeds (never written to): {unmapped.map((l) => (l.name ? `${l.name} (${l.id})` : l.id)).join(", ")}.
            </p>
          ) : null}
          <div class="card">
            <table id="stock-risk">
              <thead>
                <tr>
                  <th>SKU</th>
                  <th class="n">Available</th>
                  <th class="n">Days of cover</th>
                  <th>Stockout</th>
                  <th class="n">Drift</th>
                </tr>
              </thead>
              <tbody>
                {stock.length === 0 ? <Empty cols={5} text={`No SKU under ${STOCK_RISK_DAYS} days of cover.`} /> : null}
                {stock.map((s) => (
                  <tr>
                    <td>
                      <a href={`/skus/${encodeURIComponent(s.sku)}`}>{s.sku}</a>
                      <div class="muted">{s.title ?? ""}</div>
                    </td>
                    <td class="n">{groupIndian(s.available)}</td>
                    <td class={s.daysOfCover !== null && s.daysOfCover < 3 ? "n up" : "n"}>{s.daysOfCover === null ? "—" : s.daysOfCover.toFixed(1)}</td>
                    <td>{formatIst(s.projectedStockoutAt)}</td>
                    <td class="n">{s.drift === 0 ? "0" : String(s.drift)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>

      <section id="handled">
        <h2>Handled automatically <span class="muted">· last 24 h</span></h2>
        <p class="handled-counts">
          {handled.length === 0 ? <span class="muted">No decisions in the last 24 h.</span> : null}
          {handled.map((h) => (
            <span class="tag" data-handled={h.type}>
              {h.type} {groupIndian(h.automatic)}
              {h.shadow ? ` · shadow ${groupIndian(h.shadow)}` : ""}
              {h.approved ? ` · approved ${groupIndian(h.approved)}` : ""}
              {h.dismissed ? ` · dismissed ${groupIndian(h.dismissed)}` : ""}
            </span>
          ))}
        </p>
        <details id="decisions-detail">
        <summary id="decisions-summary">Every decision, with its reasons and actions</summary>
        <div class="filters">
          <select data-type-filter="decisions" aria-label="Decision type">
            <option value="">all types</option>
            {DECISION_TYPES.map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
          <input data-filter="decisions" placeholder="Filter decisions" aria-label="Filter decisions" />
        </div>
        <div class="card">
          <table id="decisions">
            <thead>
              <tr>
                <th>When</th>
                <th>Decision</th>
                <th>About</th>
                <th>Why</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {feed.length === 0 ? <Empty cols={5} text="No decisions yet." /> : null}
              {feed.map((d) => (
                <tr data-type={d.type} data-decision={d.id}>
                  <td>{formatIst(d.createdAt)}</td>
                  <td>
                    {d.type} <ModeTag mode={d.mode} />
                  </td>
                  <td>
                    <SubjectLink type={d.subjectType} id={d.subjectId} />
                  </td>
                  <td>
                    <ul class="reasons">
                      {d.reasons.map((r) => (
                        <li>{r}</li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    {d.mode === "shadow" ? (
                      <span class="muted">shadow: nothing sent</span>
                    ) : d.reviewStatus === "waiting" ? (
                      <span class="tag">waiting for a person</span>
                    ) : d.reviewStatus === "dismissed" ? (
                      <span class="muted">dismissed: nothing sent</span>
                    ) : (
                      <Outcomes outcomes={d.outcomes} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        </details>
      </section>

      <WhyCustomersWriteIn db={db} now={now} />
      <section>
        <h2>Carrier routes</h2>
        <div class="card">
          <table id="routes">
            <thead>
              <tr>
                <th>Carrier</th>
                <th>Route</th>
                <th class="n">Shipments</th>
                <th class="n">Delay (wk / baseline)</th>
                <th class="n">RTO (wk / baseline)</th>
                <th>Delay trend</th>
              </tr>
            </thead>
            <tbody>
              {routes.length === 0 ? <Empty cols={6} text="No route statistics yet (computed hourly)." /> : null}
              {routes.map((r) => (
                <tr>
                  <td>{r.carrier}</td>
                  <td>
                    {r.origin} → {r.destination}
                  </td>
                  <td class="n">{groupIndian(r.shipments)}</td>
                  <td class={r.delayRate > r.baselineDelayRate ? "n up" : "n"}>
                    {formatRate(r.delayRate)} / {formatRate(r.baselineDelayRate)}
                  </td>
                  <td class={r.rtoRate > r.baselineRtoRate ? "n up" : "n"}>
                    {formatRate(r.rtoRate)} / {formatRate(r.baselineRtoRate)}
                  </td>
                  <td>
                    <Sparkline values={r.trend} label={`weekly delay rate, ${r.carrier} ${r.origin} to ${r.destination}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <RtoPanel data={rtoPanel} />

      <div class="grid">
        <section>
          <h2>Failed actions</h2>
          <div class="card">
            <table id="failed-actions">
              <thead>
                <tr>
                  <th>Action</th>
                  <th>About</th>
                  <th>Error</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {failed.length === 0 ? <Empty cols={4} text="No failed actions." /> : null}
                {failed.map((a) => (
                  <tr>
                    <td>
                      {a.connector}/{a.kind} <StatusTag status={a.status} />
                      <div class="muted">
                        {a.attempts} attempts · {formatIst(a.updatedAt)}
                      </div>
                    </td>
                    <td>{a.subjectType && a.subjectId ? <SubjectLink type={a.subjectType} id={a.subjectId} /> : "—"}</td>
                    <td>{a.lastError ?? ""}</td>
                    <td>
                      <PostButton action={`/actions/${encodeURIComponent(a.id)}/retry`} csrf={session.csrf} label="Retry" confirm="Send this action again?" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section>
          <h2>Dead letters</h2>
          <div class="card">
            <table id="dead-letters">
              <thead>
                <tr>
                  <th>Source</th>
                  <th>Reason</th>
                  <th>Received</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {deadLetters.length === 0 ? <Empty cols={4} text="No dead letters." /> : null}
                {deadLetters.map((d) => (
                  <tr>
                    <td>
                      {d.source}
                      <div class="muted">{d.topic ?? ""}</div>
                    </td>
                    <td>{d.reason}</td>
                    <td>{formatIst(d.receivedAt)}</td>
                    <td>
                      {d.rawEventId ? (
                        <PostButton action={`/dead-letters/${encodeURIComponent(d.id)}/replay`} csrf={session.csrf} label="Replay" confirm="Ingest this event again?" />
                      ) : (
                        <span class="muted">refused at the door</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
    </Layout>,
  );
});

const SubjectLink = ({ type, id }: { type: string; id: string }) =>
  type === "order" ? (
    <a href={`/orders/${encodeURIComponent(id)}`}>order {id}</a>
  ) : type === "sku" ? (
    <a href={`/skus/${encodeURIComponent(id)}`}>SKU {id}</a>
  ) : (
    <span>
      {type} {id}
    </span>
  );

const etagOf = (fingerprint: string) => `W/"ov-${fingerprint}"`;

/** GET /changes: 304 while nothing the overview shows has moved (If-None-Match), else 200 with the new ETag. */
overview.get("/changes", async (c) => {
  const etag = etagOf(await overviewFingerprint(c.env.DB, Date.now()));
  if (c.req.header("if-none-match") === etag) return c.body(null, 304, { ETag: etag });
  return c.json({ etag }, 200, { ETag: etag });
});

interface ConnectorHealth {
  connector: string;
  mode: string;
  status: string;
  lastCall: { at: string | null; outcome: string | null; httpStatus: number | null } | null;
}

/** The connectors as GET /api/connectors reports them, asked in-process so the two never disagree. */
async function connectorHealth(env: Env): Promise<ConnectorHealth[]> {
  const res = await connectorsApi.request("/", {}, env);
  if (!res.ok) return [];
  return ((await res.json()) as { connectors: ConnectorHealth[] }).connectors;
}

const HealthPanel: FC<{ sources: SourceHealth[]; connectors: ConnectorHealth[]; now: number }> = ({ sources, connectors, now }) => (
  <section id="health" aria-label="Integration health">
    <h2>Integration health</h2>
    <div class="grid">
      <div class="card">
        <table id="health-sources">
          <thead>
            <tr>
              <th>Source</th>
              <th>Last event</th>
              <th class="n">Last hour / normal</th>
              <th class="n">Refused (401)</th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => {
              const quiet = s.lastEventAt !== null && s.normalPerHour >= 1 && s.lastHour === 0;
              return (
                <tr data-source={s.source}>
                  <td>{s.source}</td>
                  <td class={quiet ? "up" : undefined}>{s.lastEventAt === null ? <span class="muted">never</span> : `${formatIst(s.lastEventAt)} (${hoursBetween(s.lastEventAt, now)} h ago)`}</td>
                  <td class={quiet ? "n up" : "n"} data-last-hour={String(s.lastHour)}>
                    {groupIndian(s.lastHour)} / {s.normalPerHour.toFixed(1)}
                  </td>
                  <td class={s.verificationFailures ? "n up" : "n"}>{groupIndian(s.verificationFailures)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div class="card">
        <table id="health-connectors">
          <thead>
            <tr>
              <th>Connector</th>
              <th>Mode</th>
              <th>Last outcome</th>
            </tr>
          </thead>
          <tbody>
            {connectors.length === 0 ? <Empty cols={3} text="Connector status unavailable." /> : null}
            {connectors.map((k) => (
              <tr>
                <td>{k.connector}</td>
                <td>
                  {k.mode} <StatusTag status={k.status} />
                </td>
                <td>{k.lastCall ? `${k.lastCall.outcome ?? "—"}${k.lastCall.httpStatus ? ` (HTTP ${k.lastCall.httpStatus})` : ""} · ${k.lastCall.at ? formatIst(Date.parse(k.lastCall.at)) : ""}` : <span class="muted">no calls yet</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  </section>
);

const heldActions = (d: WaitingDecision) => d.actions.map((a) => `${a.connector}/${a.kind.split(".").slice(1).join(".") || a.kind}`).join(", ");

/** One decision waiting for a person: why it fired, what it would do, and the three buttons. */
const NeedsYouItem: FC<{ d: WaitingDecision; csrf: string; askWho: boolean; now: number }> = ({ d, csrf, askWho, now }) => {
  const base = `/decisions/${encodeURIComponent(d.id)}`;
  return (
    <div class="card need" data-decision={d.id} data-type={d.type}>
      <div>
        <strong>{d.type}</strong> · <SubjectLink type={d.subjectType} id={d.subjectId} /> <span class="muted">· waiting {hoursBetween(d.createdAt, now)} h</span>
      </div>
      <ul class="reasons">
        {d.reasons.map((r) => (
          <li>{r}</li>
        ))}
      </ul>
      <div class="muted">On approval: {d.actions.length ? heldActions(d) : "nothing to send (acknowledge only)"}</div>
      <div class="need-buttons">
        <PostButton action={`${base}/approve`} csrf={csrf} label="Approve" />
        <PostButton action={`${base}/snooze`} csrf={csrf} label="Snooze" />
        <form method="post" action={`${base}/dismiss`} class="dismiss">
          <input type="hidden" name="_csrf" value={csrf} />
          {askWho ? <input name="by" placeholder="your name" aria-label="Your name" maxlength={80} /> : null}
          <input name="why" placeholder="why dismiss?" aria-label="Why dismiss" required maxlength={500} />
          <button type="submit" class="small">
            Dismiss
          </button>
        </form>
      </div>
    </div>
  );
};
