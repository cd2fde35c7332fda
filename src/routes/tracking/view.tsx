/**
 * The customer's tracking page as a pure function: the order's data and journey history in, one
 * self-contained HTML document out (inline CSS, no script, no external asset). Mobile-first: a
 * single column that never scrolls sideways. Shows the city and nothing else of the address.
 */
import type { JourneyState } from "../../canonical/vocabulary";
import type { TrackingPageData } from "../../db/tracking-read";
import { safeColour, safeUrl, type Brand } from "../../messages/email/brand";
import { istDay, istTime, STRINGS, type PageLanguage, type PageStrings } from "./strings";

export interface TimelineEntry {
  state: JourneyState;
  at: number | null;
  /** done: happened; current: the latest thing that happened; next: still to come. */
  kind: "done" | "current" | "next";
}

export interface TrackingView {
  lang: PageLanguage;
  orderName: string;
  city: string | null;
  state: JourneyState;
  carrier: string | null;
  awb: string | null;
  /** Carrier ETA and Switchyard's revised ETA (delay alert), epoch ms. */
  eta: number | null;
  revisedEta: number | null;
  deliveredAt: number | null;
  lastUpdate: { place: string | null; at: number } | null;
  timeline: TimelineEntry[];
  items: { title: string; quantity: number }[];
}

/** Milestones still to come while the parcel is on its way, in order. */
const MILESTONES: readonly JourneyState[] = ["shipped", "out_for_delivery", "delivered"];
const RANK: Partial<Record<JourneyState, number>> = { fulfilled: -1, shipped: 0, in_transit: 0, out_for_delivery: 1, delivered: 2 };
const ON_THE_WAY: ReadonlySet<JourneyState> = new Set(["placed", "cod_confirmation_pending", "confirmed", "fulfilled", "shipped", "in_transit", "out_for_delivery", "failed_attempt"]);
const WITH_CARRIER: ReadonlySet<JourneyState> = new Set(["shipped", "in_transit"]);
const KNOWN_STATES = new Set<string>(Object.keys(STRINGS.en.states));

function asState(s: string): JourneyState | null {
  return KNOWN_STATES.has(s) ? (s as JourneyState) : null;
}

/**
 * A carrier hub name reduced to its town ("Bhiwandi_Hub (Maharashtra)" → "Bhiwandi"). Anything with a
 * digit, or too long to be a town, is dropped: a delivery scan can carry the customer's street.
 */
export function scanPlace(location: string | null): string | null {
  if (!location) return null;
  const head = location.split(/[_,(/|-]/)[0]!.trim();
  if (!head || /\d/.test(head) || head.length > 30 || head.split(/\s+/).length > 3) return null;
  return head === head.toUpperCase() ? head.toLowerCase().replace(/\b\p{L}/gu, (c) => c.toUpperCase()) : head;
}

/** The carrier as customers know it; carriers are stored as lower-case codes ("delhivery", "blue dart"). */
const CARRIER_NAMES: Record<string, string> = {
  delhivery: "Delhivery", bluedart: "Blue Dart", "blue dart": "Blue Dart", xpressbees: "Xpressbees", ecom: "Ecom Express", "ecom express": "Ecom Express",
  ekart: "Ekart", dtdc: "DTDC", shadowfax: "Shadowfax", "india post": "India Post", shiprocket: "Shiprocket", amazon: "Amazon Shipping",
};

export function carrierDisplayName(carrier: string | null): string | null {
  if (!carrier) return null;
  const known = CARRIER_NAMES[carrier.toLowerCase().trim()];
  if (known) return known;
  return carrier === carrier.toLowerCase() ? carrier.replace(/\b\p{L}/gu, (c) => c.toUpperCase()) : carrier;
}

export function buildTrackingView(data: TrackingPageData, history: readonly { to: string; at: number }[], lang: PageLanguage): TrackingView {
  const { order, journey } = data;
  const happened: { state: JourneyState; at: number }[] = [{ state: "placed", at: order.createdAt }];
  for (const t of history) {
    const state = asState(t.to);
    if (state && state !== "placed") happened.push({ state, at: t.at });
  }
  const journeyState = journey ? asState(journey.state) : null;
  if (history.length === 0 && journey && journeyState && journeyState !== "placed") happened.push({ state: journeyState, at: journey.stateAt });
  if (order.cancelledAt !== null && !happened.some((h) => h.state === "cancelled")) happened.push({ state: "cancelled", at: order.cancelledAt });
  happened.sort((a, b) => a.at - b.at);
  const state = happened[happened.length - 1]!.state;

  const timeline: TimelineEntry[] = happened.map((h, i) => ({ state: h.state, at: h.at, kind: i === happened.length - 1 ? "current" : "done" }));
  if (ON_THE_WAY.has(state)) {
    // After a failed attempt the parcel goes out again: count progress from the last failure on.
    const lastFailure = happened.map((h) => h.state).lastIndexOf("failed_attempt");
    const since = happened.slice(lastFailure + 1);
    const reached = Math.max(lastFailure >= 0 ? 0 : -2, ...since.map((h) => RANK[h.state] ?? -2));
    for (const m of MILESTONES) if ((RANK[m] ?? 0) > reached) timeline.push({ state: m, at: null, kind: "next" });
  }

  const delivered = [...happened].reverse().find((h) => h.state === "delivered");
  return {
    lang,
    orderName: order.name,
    city: order.city,
    state,
    carrier: carrierDisplayName(journey?.carrier ?? null),
    awb: journey?.awb ?? null,
    eta: ON_THE_WAY.has(state) ? (journey?.eta ?? null) : null,
    revisedEta: ON_THE_WAY.has(state) ? data.revisedEta : null,
    deliveredAt: state === "delivered" ? (delivered?.at ?? null) : null,
    lastUpdate:
      journey?.lastScanAt && ON_THE_WAY.has(state)
        ? { place: WITH_CARRIER.has(state) ? scanPlace(journey.lastScanLocation) : null, at: journey.lastScanAt }
        : null,
    timeline,
    items: order.items,
  };
}

/** The page's stylesheet; the brand colour is the one value in it that varies (and only as #rrggbb). */
export function trackingCss(brand: Brand): string {
  const c = safeColour(brand.colour);
  return `*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Devanagari",sans-serif;color:#1c2421;background:#f3f5f4;overflow-wrap:anywhere}
header{background:${c};color:#fff;padding:14px 16px;font-weight:600}main{max-width:560px;margin:0 auto;padding:12px 12px 32px}
h1{font-size:1.35rem;margin:8px 4px 2px}h2{font-size:1rem;margin:0 0 10px}.sub{margin:0 4px 12px;color:#56615c}
.card{background:#fff;border-radius:12px;padding:14px 16px;margin:0 0 12px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.now{font-size:1.25rem;font-weight:700;margin:0 0 6px;color:${c}}.card p{margin:4px 0}.muted{color:#56615c;font-size:.9rem}s{color:#8a938f}
dl{display:grid;grid-template-columns:auto 1fr;gap:6px 14px;margin:0}dt{color:#56615c}dd{margin:0;font-weight:600}
ol{list-style:none;margin:0;padding:0}ol li{position:relative;padding:0 0 16px 26px}ol li:last-child{padding-bottom:0}
ol li:before{content:"";position:absolute;left:4px;top:5px;width:12px;height:12px;border-radius:50%;background:${c}}
ol li:after{content:"";position:absolute;left:9px;top:19px;bottom:-3px;width:2px;background:#cfd8d4}ol li:last-child:after{display:none}
ol li.next{color:#8a938f}ol li.next:before{background:#fff;border:2px solid #cfd8d4}ol li.current b{color:${c}}
time{display:block;color:#56615c;font-size:.88rem}ul{list-style:none;margin:0;padding:0}ul li{display:flex;justify-content:space-between;gap:12px;padding:6px 0;border-top:1px solid #eef1f0}ul li:first-child{border-top:0}ul li span+span{white-space:nowrap}
a{color:${c}}.note{color:#56615c;font-size:.85rem;margin:16px 4px 4px}`;
}

function Timeline({ view, s }: { view: TrackingView; s: PageStrings }) {
  return (
    <ol id="timeline">
      {view.timeline.map((e) => (
        <li class={e.kind} data-state={e.state}>
          <b>{s.states[e.state]}</b>
          {e.at !== null ? (
            <time>{istTime(e.at, s)}</time>
          ) : e.state === "delivered" && (view.revisedEta ?? view.eta) !== null ? (
            <time>{`${s.expected} ${istDay((view.revisedEta ?? view.eta)!, s)}`}</time>
          ) : (
            <time>{s.upcoming}</time>
          )}
        </li>
      ))}
    </ol>
  );
}

function Support({ brand, s }: { brand: Brand; s: PageStrings }) {
  const email = brand.supportEmail && /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(brand.supportEmail) ? brand.supportEmail : null;
  const phone = brand.supportPhone && /^\+?[\d\s-]{6,20}$/.test(brand.supportPhone) ? brand.supportPhone : null;
  const store = safeUrl(brand.storeUrl);
  if (!email && !phone && !store) return null;
  return (
    <section class="card" id="support">
      <h2>{s.help}</h2>
      <p class="muted">{s.helpText}</p>
      {email ? (
        <p>
          <a href={`mailto:${email}`}>{email}</a>
        </p>
      ) : null}
      {phone ? (
        <p>
          <a href={`tel:${phone.replace(/[\s-]/g, "")}`}>{phone}</a>
        </p>
      ) : null}
      {store ? (
        <p>
          <a href={store}>{brand.name}</a>
        </p>
      ) : null}
    </section>
  );
}

/** `switchHref`: the same page in the other language (keeps the token when it rides in the query). */
export function TrackingPage({ view, brand, css, switchHref }: { view: TrackingView; brand: Brand; css: string; switchHref: string }) {
  const s = STRINGS[view.lang];
  const other: PageLanguage = view.lang === "hi" ? "en" : "hi";
  return (
    <html lang={s.htmlLang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${s.order(view.orderName)} · ${brand.name}`}</title>
        <style dangerouslySetInnerHTML={{ __html: css }} />
      </head>
      <body>
        <header>{brand.name}</header>
        <main>
          <h1>{s.title}</h1>
          <p class="sub">
            {s.order(view.orderName)}
            {view.city ? ` · ${s.deliveringTo} ${view.city}` : ""}
          </p>
          <section class="card" id="status">
            <p class="now">{s.states[view.state]}</p>
            {view.deliveredAt !== null ? (
              <p>
                {s.deliveredOn} <b>{istTime(view.deliveredAt, s)}</b>
              </p>
            ) : null}
            {view.revisedEta !== null && (view.eta === null || istDay(view.eta, s) !== istDay(view.revisedEta, s)) ? (
              <p id="eta">
                {s.revised} <b>{istDay(view.revisedEta, s)}</b>
                {view.eta !== null ? (
                  <>
                    {" "}
                    <s>{istDay(view.eta, s)}</s>
                  </>
                ) : null}
              </p>
            ) : view.eta !== null ? (
              <p id="eta">
                {s.expected} <b>{istDay(view.eta, s)}</b>
              </p>
            ) : null}
            {view.lastUpdate ? (
              <p class="muted">
                {s.lastUpdate}: {view.lastUpdate.place ? `${view.lastUpdate.place}, ` : ""}
                {istTime(view.lastUpdate.at, s)}
              </p>
            ) : null}
          </section>
          <section class="card" id="shipment">
            {view.awb ? (
              <dl>
                <dt>{s.courier}</dt>
                <dd>{view.carrier ?? "—"}</dd>
                <dt>{s.awb}</dt>
                <dd id="awb">{view.awb}</dd>
              </dl>
            ) : (
              <p class="muted">{s.notShipped}</p>
            )}
          </section>
          <section class="card">
            <h2>{s.timeline}</h2>
            <Timeline view={view} s={s} />
          </section>
          {view.items.length ? (
            <section class="card" id="items">
              <h2>{s.items}</h2>
              <ul>
                {view.items.map((i) => (
                  <li>
                    <span>{i.title}</span>
                    <span>{s.quantity(i.quantity)}</span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <Support brand={brand} s={s} />
          <p class="note">{s.privateNote}</p>
          <p class="note">
            <a href={switchHref} hreflang={STRINGS[other].htmlLang} lang={STRINGS[other].htmlLang}>
              {s.switchTo}
            </a>
          </p>
        </main>
      </body>
    </html>
  );
}

/** The one 404 every bad, tampered or unknown token gets: the same bytes whatever went wrong. */
export function NotFoundPage({ css, brandName }: { css: string; brandName: string }) {
  const en = STRINGS.en;
  const hi = STRINGS.hi;
  return (
    <html lang="en-IN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{en.notFoundTitle}</title>
        <style dangerouslySetInnerHTML={{ __html: css }} />
      </head>
      <body>
        <header>{brandName}</header>
        <main>
          <h1>{en.notFoundTitle}</h1>
          <section class="card">
            <p>{en.notFoundText}</p>
            <p lang="hi-IN">{hi.notFoundText}</p>
          </section>
        </main>
      </body>
    </html>
  );
}
