/**
 * Daily demand per SKU. Candidates (Holt-Winters with a weekly season and damped trend, SBA/Croston
 * for intermittent demand, seasonal naive, the recent mean, a weekly profile on the recent mean, and
 * an equal-weight combination of Holt-Winters, the weekly profile and the recent mean) are compared by rolling-origin
 * cross-validation over several successive windows (one window is noise: Tashman 2000, "Out-of-sample
 * tests of forecasting accuracy"; combinations are often better than any one method: Makridakis et
 * al., the M4 competition, 2020). With dates, festival and sale days are taken out of the history,
 * their lift learned per event and put back on future event days; with more than a year of history,
 * last year's shape can scale the forecast (kept only if it wins in the windows). Prediction
 * intervals and lead-time demand spread come from the cross-validation errors.
 */
import { DAY_MS } from "../format";
import { eventDays, type DemandEvent } from "./calendar";

export type BaseMethod = "holt_winters" | "sba" | "seasonal_naive" | "mean" | "recent_mean" | "weekly_profile" | "combination";
/** A base method, optionally scaled by last year's shape ("holt_winters+yearly"). */
export type ForecastMethod = BaseMethod | `${BaseMethod}+yearly`;

export interface ForecastOptions {
  horizon: number;
  /** Length of each cross-validation window (days). */
  holdout: number;
  season: number;
  /** Rolling origins: the last `windows` blocks of `holdout` days, each forecast from the data before it. Default 4. */
  windows?: number;
  /** Epoch ms (UTC midnight) of history[0]: enables the event calendar. */
  start?: number | null;
  /** Festival and sale windows (calendar.ts); used only with `start`. */
  events?: readonly DemandEvent[];
  /** Coverage of the prediction interval, default 0.95. */
  level?: number;
}

export const DEFAULT_FORECAST_OPTIONS: ForecastOptions = { horizon: 28, holdout: 28, season: 7 };

export interface DemandForecast {
  method: ForecastMethod;
  /** Units per day for the next `horizon` days, today first. */
  dailyDemand: number[];
  meanDaily: number;
  /** MAE of the chosen method on the last `holdout` days (the latest window) ÷ in-sample MAE of one-step seasonal naive; null without a backtest. */
  mase: number | null;
  /** MAE of seasonal naive on the same days, the baseline every method must beat. */
  baselineMae: number | null;
  /** Average inter-demand interval above 1.32 days (Syntetos–Boylan): Croston territory. */
  intermittent: boolean;
  /** Prediction interval per day at `level` (normal approximation on the cross-validation errors, never below 0). */
  lower: number[];
  upper: number[];
  level: number;
  /** Standard deviation of the forecast error per day. */
  sigma: number[];
  /** Standard deviation of total demand over the first h + 1 days: what lead-time safety stock needs. */
  cumulativeSigma: number[];
  /** Rolling-origin windows the choice was made on (0: too short a history to validate). */
  windows: number;
  /** Lift applied per calendar event name on future event days. */
  eventLift: Record<string, number>;
}

export interface MethodScore {
  method: ForecastMethod;
  forecast: Float64Array;
  mae: number;
  mse: number;
}

const METHODS: BaseMethod[] = ["holt_winters", "sba", "seasonal_naive"];
const REGULAR: BaseMethod[] = ["holt_winters", "seasonal_naive", "recent_mean", "weekly_profile", "combination"];
const INTERMITTENT: BaseMethod[] = ["sba", "recent_mean", "seasonal_naive"];
const YEAR = 364;
/** A single method is chosen over the combination only with a squared error under 95% of its. */
const COMBINATION_EDGE = 0.95; // 52 weeks: last year's same weekday
const RECENT = 28;

export function forecastDemand(history: ArrayLike<number>, options: ForecastOptions = DEFAULT_FORECAST_OPTIONS): DemandForecast {
  const n = history.length;
  const m = options.season;
  const H = options.holdout;
  const level = options.level ?? 0.95;
  const intermittent = averageDemandInterval(history, 0, n) > 1.32;
  // Events only for SKUs that sell most days (a sparse series has too few event-day sales to learn a
  // lift from), and only those seen at least twice: cleaning days whose lift is never put back loses data.
  const names = !intermittent && options.start != null && options.events?.length ? recurringEvents(eventDays(options.events, options.start, n + Math.max(options.horizon, H)), n) : null;
  const clean = names ? cleanEvents(history, names) : Float64Array.from(history as ArrayLike<number>);
  if (n < 2 * m) {
    const mean = n ? sumOf(history, 0, n) / n : 0;
    const f = new Float64Array(options.horizon).fill(mean);
    return finish("mean", f, null, null, intermittent, fallbackSigma(history, f), level, 0, {});
  }
  const windows = Math.min(options.windows ?? 4, Math.floor((n - 2 * m - RECENT) / H));
  if (windows < 1) {
    const method: BaseMethod = intermittent ? "sba" : "holt_winters";
    const f = predict(method, clean, n, options.horizon, m);
    const lift = names ? eventLifts(history, clean, names, n) : {};
    applyEvents(f, names, n, lift);
    return finish(method, f, null, null, intermittent, fallbackSigma(history, f), level, 0, lift);
  }
  const bases = intermittent ? INTERMITTENT : REGULAR;
  const firstOrigin = n - windows * H;
  const hw = holtWintersParams(clean, firstOrigin, m);
  const yearly = firstOrigin >= YEAR + RECENT + 3;
  const candidates: ForecastMethod[] = yearly ? [...bases, ...bases.map((b) => `${b}+yearly` as const)] : bases;
  // errors[c][w * H + h]: cross-validation error of candidate c, window w, horizon day h.
  const errors = candidates.map(() => new Float64Array(windows * H));
  for (let w = 0; w < windows; w++) {
    const origin = firstOrigin + w * H;
    const lift = names ? eventLifts(history, clean, names, origin) : {};
    const base = basesAt(bases, clean, origin, H, m, hw);
    const factor = yearly ? yearlyFactor(clean, origin, H) : null;
    for (const [c, method] of candidates.entries()) {
      const [b, y] = method.split("+") as [BaseMethod, string | undefined];
      const f = Float64Array.from(base.get(b)!);
      if (y && factor) for (let h = 0; h < H; h++) f[h]! *= factor[h]!;
      applyEvents(f, names, origin, lift);
      for (let h = 0; h < H; h++) errors[c]![w * H + h] = history[origin + h]! - f[h]!;
    }
  }
  // Chosen by squared error over all windows: its optimum is the mean, and the mean is what cover and
  // reorder quantities need. Absolute error would reward forecasting zero for intermittent SKUs.
  // A single method must beat the combination clearly to be chosen over it: on a few windows the
  // best-looking single method is partly luck, and the combination's average rarely is.
  const mse = errors.map((e) => e.reduce((a, x) => a + x * x, 0) / e.length);
  const combined = candidates.indexOf("combination");
  let best = 0;
  const score = (c: number) => (c === combined || combined < 0 ? mse[c]! : mse[c]! / COMBINATION_EDGE);
  for (let c = 1; c < candidates.length; c++) if (score(c) < score(best)) best = c;
  const method = candidates[best]!;
  const [b, y] = method.split("+") as [BaseMethod, string | undefined];
  // Holt-Winters keeps the smoothing parameters chosen on the data before the first window.
  const f = predictBase(b, clean, n, options.horizon, m, hw);
  if (y) {
    const factor = yearlyFactor(clean, n, options.horizon);
    for (let h = 0; h < options.horizon; h++) f[h]! *= factor[h]!;
  }
  const lift = names ? eventLifts(history, clean, names, n) : {};
  applyEvents(f, names, n, lift);
  // MASE and the baseline's MAE on the most recent window (the last `holdout` days), as stored before.
  const mae = (e: Float64Array) => e.subarray((windows - 1) * H).reduce((a, x) => a + Math.abs(x), 0) / H;
  const naive = candidates.indexOf("seasonal_naive");
  const scale = seasonalNaiveScale(history, n - H, m);
  return finish(method, f, scale > 0 ? mae(errors[best]!) / scale : null, naive >= 0 ? mae(errors[naive]!) : null, intermittent, cvSigma(errors[best]!, windows, H, f), level, windows, lift);
}

/** Each method fitted on all but the last `holdout` days and scored on them (MAE and MSE): one window, for comparison. */
export function scoreMethods(history: ArrayLike<number>, options: ForecastOptions = DEFAULT_FORECAST_OPTIONS): MethodScore[] {
  const train = history.length - options.holdout;
  return METHODS.map((method) => {
    const forecast = predict(method, history, train, options.holdout, options.season);
    let abs = 0;
    let sq = 0;
    for (let h = 0; h < options.holdout; h++) {
      const err = history[train + h]! - forecast[h]!;
      abs += Math.abs(err);
      sq += err * err;
    }
    return { method, forecast, mae: abs / options.holdout, mse: sq / options.holdout };
  });
}

/** MASE denominator: mean |y[t] − y[t−m]| over the first `end` days. */
export function seasonalNaiveScale(history: ArrayLike<number>, end: number, m: number): number {
  let abs = 0;
  for (let t = m; t < end; t++) abs += Math.abs(history[t]! - history[t - m]!);
  return end > m ? abs / (end - m) : 0;
}

/** Forecast `horizon` days after the first `end` days of history (no calendar, no yearly scaling). */
export function predict(method: BaseMethod, history: ArrayLike<number>, end: number, horizon: number, m: number): Float64Array {
  return predictBase(method, history, end, horizon, m, null);
}

/** Every base forecast at one origin, Holt-Winters run once (the combination reuses it). */
function basesAt(bases: readonly BaseMethod[], y: ArrayLike<number>, origin: number, H: number, m: number, hw: readonly number[]): Map<BaseMethod, Float64Array> {
  const out = new Map<BaseMethod, Float64Array>();
  for (const b of bases) {
    if (b === "combination") continue;
    out.set(b, predictBase(b, y, origin, H, m, hw));
  }
  if (bases.includes("combination")) {
    const a = out.get("holt_winters") ?? holtWinters(y, origin, H, m, hw);
    const w = out.get("weekly_profile") ?? weeklyProfile(y, origin, H, m);
    const r = out.get("recent_mean") ?? new Float64Array(H).fill(recentMean(y, origin));
    out.set("combination", a.map((x, h) => (x + w[h]! + r[h]!) / 3));
  }
  return out;
}

function predictBase(method: BaseMethod, history: ArrayLike<number>, end: number, horizon: number, m: number, hw: readonly number[] | null): Float64Array {
  switch (method) {
    case "holt_winters":
      return holtWinters(history, end, horizon, m, hw ?? holtWintersParams(history, end, m));
    case "recent_mean":
      return new Float64Array(horizon).fill(recentMean(history, end));
    case "weekly_profile":
      return weeklyProfile(history, end, horizon, m);
    case "combination": {
      const a = holtWinters(history, end, horizon, m, hw ?? holtWintersParams(history, end, m));
      const b = weeklyProfile(history, end, horizon, m);
      const level = recentMean(history, end);
      for (let h = 0; h < horizon; h++) a[h] = (a[h]! + b[h]! + level) / 3;
      return a;
    }
    case "sba":
      return new Float64Array(horizon).fill(sba(history, end, 0.1));
    case "seasonal_naive": {
      const out = new Float64Array(horizon);
      for (let h = 0; h < horizon; h++) out[h] = history[end - m + (h % m)]!;
      return out;
    }
    case "mean":
      return new Float64Array(horizon).fill(end ? sumOf(history, 0, end) / end : 0);
  }
}

// Small grid, chosen by one-step in-sample squared error: cheap enough for 10k SKUs in a cron.
const ALPHAS = [0.05, 0.15, 0.3, 0.5];
const BETAS = [0, 0.05];
const GAMMAS = [0.05, 0.2];
const PHI = 0.9; // damped trend: a promotion spike must not become a trend forever

/** Smoothing parameters by one-step in-sample squared error on y[0..end). */
function holtWintersParams(y: ArrayLike<number>, end: number, m: number): number[] {
  const season = new Float64Array(m);
  let bestSse = Infinity;
  let best = [ALPHAS[0]!, BETAS[0]!, GAMMAS[0]!];
  for (const a of ALPHAS) for (const b of BETAS) for (const g of GAMMAS) {
    const sse = runHoltWinters(y, end, m, a, b, g, season, null);
    if (sse < bestSse) {
      bestSse = sse;
      best = [a, b, g];
    }
  }
  return best;
}

function holtWinters(y: ArrayLike<number>, end: number, horizon: number, m: number, best: readonly number[]): Float64Array {
  const season = new Float64Array(m);
  const state = new Float64Array(2);
  runHoltWinters(y, end, m, best[0]!, best[1]!, best[2]!, season, state);
  const out = new Float64Array(horizon);
  let damp = 0;
  for (let h = 1; h <= horizon; h++) {
    damp += Math.pow(PHI, h);
    out[h - 1] = Math.max(0, state[0]! + damp * state[1]! + season[(end - 1 + h) % m]!);
  }
  return out;
}

/** Additive Holt-Winters over y[0..end); returns the one-step SSE, leaves seasonal state in `season` and [level, trend] in `state`. */
function runHoltWinters(
  y: ArrayLike<number>,
  end: number,
  m: number,
  alpha: number,
  beta: number,
  gamma: number,
  season: Float64Array,
  state: Float64Array | null,
): number {
  const first = sumOf(y, 0, m) / m;
  const second = sumOf(y, m, 2 * m) / m;
  let level = first;
  let trend = (second - first) / m;
  for (let i = 0; i < m; i++) season[i] = y[i]! - first;
  let sse = 0;
  for (let t = m; t < end; t++) {
    const i = t % m;
    const s = season[i]!;
    const actual = y[t]!;
    const err = actual - (level + PHI * trend + s);
    sse += err * err;
    const nextLevel = alpha * (actual - s) + (1 - alpha) * (level + PHI * trend);
    trend = beta * (nextLevel - level) + (1 - beta) * PHI * trend;
    level = nextLevel;
    season[i] = gamma * (actual - level) + (1 - gamma) * s;
  }
  if (state) {
    state[0] = level;
    state[1] = trend;
  }
  return sse;
}

/** Syntetos–Boylan approximation of Croston: smoothed size ÷ smoothed interval, bias-corrected by (1 − α/2). */
function sba(y: ArrayLike<number>, end: number, alpha: number): number {
  let size = 0;
  let interval = 0;
  let sinceLast = 1;
  let seen = false;
  for (let t = 0; t < end; t++) {
    const v = y[t]!;
    if (v > 0) {
      if (!seen) {
        size = v;
        interval = t + 1;
        seen = true;
      } else {
        size += alpha * (v - size);
        interval += alpha * (sinceLast - interval);
      }
      sinceLast = 1;
    } else {
      sinceLast++;
    }
  }
  return seen ? (1 - alpha / 2) * (size / interval) : 0;
}

function averageDemandInterval(y: ArrayLike<number>, start: number, end: number): number {
  let demandDays = 0;
  for (let t = start; t < end; t++) if (y[t]! > 0) demandDays++;
  return demandDays ? (end - start) / demandDays : Infinity;
}

function sumOf(y: ArrayLike<number>, start: number, end: number): number {
  let total = 0;
  for (let t = start; t < end; t++) total += y[t]!;
  return total;
}

function recentMean(y: ArrayLike<number>, end: number): number {
  const from = Math.max(0, end - RECENT);
  return end > from ? sumOf(y, from, end) / (end - from) : 0;
}

/** The recent mean shaped by each weekday's share over the last 8 weeks. */
function weeklyProfile(y: ArrayLike<number>, end: number, horizon: number, m: number): Float64Array {
  const level = recentMean(y, end);
  const from = Math.max(0, end - 8 * m);
  const byDay = new Float64Array(m);
  const count = new Float64Array(m);
  for (let t = from; t < end; t++) {
    byDay[t % m]! += y[t]!;
    count[t % m]!++;
  }
  const overall = end > from ? sumOf(y, from, end) / (end - from) : 0;
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) {
    const d = (end + h) % m;
    const index = overall > 0 && count[d]! > 0 ? byDay[d]! / count[d]! / overall : 1;
    out[h] = level * index;
  }
  return out;
}

/**
 * Last year's shape: the 7-day mean around the same day 52 weeks earlier over the 28-day mean just
 * before the origin a year earlier, clipped to [⅓, 3] (a sale last year must not triple this year).
 */
function yearlyFactor(y: ArrayLike<number>, origin: number, horizon: number): Float64Array {
  const out = new Float64Array(horizon).fill(1);
  const baseEnd = origin - YEAR;
  if (baseEnd - RECENT < 0) return out;
  const base = sumOf(y, baseEnd - RECENT, baseEnd) / RECENT;
  if (base <= 0) return out;
  for (let h = 0; h < horizon; h++) {
    const c = baseEnd + h;
    const from = Math.max(0, c - 3);
    const to = Math.min(origin, c + 4);
    if (to <= from) continue;
    out[h] = Math.min(3, Math.max(1 / 3, sumOf(y, from, to) / (to - from) / base));
  }
  return out;
}

/** Event names that occur in at least two separate runs in the first `n` days; the others become null. Null when none recur. */
function recurringEvents(names: (string | null)[], n: number): (string | null)[] | null {
  const runs = new Map<string, number>();
  for (let t = 0; t < n; t++) if (names[t] && names[t - 1] !== names[t]) runs.set(names[t]!, (runs.get(names[t]!) ?? 0) + 1);
  let any = false;
  const out = names.map((name) => {
    const keep = name !== null && (runs.get(name) ?? 0) >= 2;
    any ||= keep;
    return keep ? name : null;
  });
  return any ? out : null;
}

/**
 * The history with each festival or sale day replaced by its baseline: the mean of the same weekday
 * in the four weeks before (already cleaned), so events neither inflate the level nor teach a trend.
 */
function cleanEvents(y: ArrayLike<number>, names: readonly (string | null)[]): Float64Array {
  const out = Float64Array.from(y as ArrayLike<number>);
  for (let t = 0; t < out.length; t++) {
    if (names[t] === null) continue;
    let sum = 0;
    let k = 0;
    for (let back = 7; back <= 28; back += 7) if (t - back >= 0) {
      sum += out[t - back]!;
      k++;
    }
    out[t] = k ? sum / k : out[t]!;
  }
  return out;
}

/**
 * Per event name seen at least twice before `end`, actual ÷ baseline over its days, shrunk toward 1
 * as if there were 7 more days with no lift (one sale's spike is not a law), clipped to [0.25, 6].
 */
function eventLifts(y: ArrayLike<number>, clean: Float64Array, names: readonly (string | null)[], end: number): Record<string, number> {
  const actual = new Map<string, number>();
  const base = new Map<string, number>();
  const days = new Map<string, number>();
  const runs = new Map<string, number>();
  for (let t = 0; t < end; t++) {
    const name = names[t];
    if (!name) continue;
    if (names[t - 1] !== name) runs.set(name, (runs.get(name) ?? 0) + 1);
    actual.set(name, (actual.get(name) ?? 0) + y[t]!);
    base.set(name, (base.get(name) ?? 0) + clean[t]!);
    days.set(name, (days.get(name) ?? 0) + 1);
  }
  const out: Record<string, number> = {};
  for (const [name, b] of base) {
    // One festival seen once is an anecdote: a lift needs the event at least twice (two years of Diwali, two sales).
    if (b <= 0 || (runs.get(name) ?? 0) < 2) continue;
    const n = days.get(name)!;
    const raw = actual.get(name)! / b;
    out[name] = Math.min(6, Math.max(0.25, 1 + ((raw - 1) * n) / (n + 7)));
  }
  return out;
}

function applyEvents(f: Float64Array, names: readonly (string | null)[] | null, origin: number, lift: Record<string, number>): void {
  if (!names) return;
  for (let h = 0; h < f.length; h++) {
    const name = names[origin + h];
    if (name && lift[name] !== undefined) f[h]! *= lift[name]!;
  }
}

/**
 * Error spread from the cross-validation errors: per horizon week, pooled over windows; never below
 * the Poisson spread √forecast (counts are at least that noisy); beyond the windows' length it grows
 * with √h. Total demand over h days: the summed variances, scaled up where the windows' summed errors
 * spread wider (errors on successive days are correlated).
 */
function cvSigma(errors: Float64Array, windows: number, H: number, f: Float64Array): { sigma: number[]; cumulative: number[] } {
  const bucket = new Float64Array(Math.ceil(H / 7));
  const count = new Float64Array(bucket.length);
  for (let w = 0; w < windows; w++) for (let h = 0; h < H; h++) {
    bucket[Math.floor(h / 7)]! += errors[w * H + h]! ** 2;
    count[Math.floor(h / 7)]!++;
  }
  const sigma: number[] = [];
  const cumulative: number[] = [];
  let variance = 0;
  const summed = new Float64Array(windows);
  for (let h = 0; h < f.length; h++) {
    const k = Math.min(Math.floor(h / 7), bucket.length - 1);
    const grow = h < H ? 1 : Math.sqrt((h + 1) / H);
    const s = Math.max(Math.sqrt(bucket[k]! / Math.max(1, count[k]!)) * grow, Math.sqrt(Math.max(0, f[h]!)));
    sigma.push(s);
    variance += s * s;
    let spread = 0;
    if (h < H) {
      for (let w = 0; w < windows; w++) {
        summed[w]! += errors[w * H + h]!;
        spread += summed[w]! ** 2;
      }
      spread = Math.sqrt(spread / windows);
    }
    // The windows' spread of summed errors says how correlated successive days are, but from a few
    // windows only: its ratio to the independent spread is shrunk toward 1 as if 4 more windows agreed.
    const independent = Math.sqrt(variance);
    const ratio = independent > 0 && h < H ? Math.max(1, 1 + ((spread / independent - 1) * windows) / (windows + 4)) : 1;
    cumulative.push(h < H ? independent * ratio : Math.max(independent, (cumulative[H - 1] ?? 0) * Math.sqrt((h + 1) / H)));
  }
  return { sigma, cumulative };
}

/** Without a backtest: the history's own standard deviation per day (at least Poisson), independent days. */
function fallbackSigma(y: ArrayLike<number>, f: Float64Array): { sigma: number[]; cumulative: number[] } {
  const n = y.length;
  const mean = n ? sumOf(y, 0, n) / n : 0;
  let v = 0;
  for (let t = 0; t < n; t++) v += (y[t]! - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(v / (n - 1)) : Math.sqrt(mean);
  const sigma = Array.from(f, (x) => Math.max(sd, Math.sqrt(Math.max(0, x))));
  let acc = 0;
  return { sigma, cumulative: sigma.map((s) => Math.sqrt((acc += s * s))) };
}

function finish(
  method: ForecastMethod,
  forecast: Float64Array,
  mase: number | null,
  baselineMae: number | null,
  intermittent: boolean,
  spread: { sigma: number[]; cumulative: number[] },
  level: number,
  windows: number,
  eventLift: Record<string, number>,
): DemandForecast {
  const dailyDemand = Array.from(forecast, (x) => Math.max(0, x));
  const meanDaily = dailyDemand.length ? dailyDemand.reduce((a, b) => a + b, 0) / dailyDemand.length : 0;
  const z = normalQuantile(0.5 + level / 2);
  return {
    method,
    dailyDemand,
    meanDaily,
    mase,
    baselineMae,
    intermittent,
    lower: dailyDemand.map((f, h) => Math.max(0, f - z * spread.sigma[h]!)),
    upper: dailyDemand.map((f, h) => f + z * spread.sigma[h]!),
    level,
    sigma: spread.sigma,
    cumulativeSigma: spread.cumulative,
    windows,
    eventLift,
  };
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Days until `available` units are sold at the forecast rate (meanDaily beyond the horizon); Infinity when demand is zero. */
export function daysOfCover(forecast: Pick<DemandForecast, "dailyDemand" | "meanDaily">, available: number): number {
  if (available <= 0) return 0;
  let left = available;
  for (let d = 0; d < forecast.dailyDemand.length; d++) {
    const demand = forecast.dailyDemand[d]!;
    if (demand >= left) return d + left / demand;
    left -= demand;
  }
  return forecast.meanDaily > 0 ? forecast.dailyDemand.length + left / forecast.meanDaily : Infinity;
}

export function projectedStockoutAt(forecast: Pick<DemandForecast, "dailyDemand" | "meanDaily">, now: number, available: number): number | null {
  const days = daysOfCover(forecast, available);
  return Number.isFinite(days) ? now + Math.round(days * DAY_MS) : null;
}

/**
 * Order-up-to quantity: enough that the inventory position (available + on order) covers demand
 * over the lead time plus the safety days, rounded up to whole supplier packs.
 */
export function reorderQuantity(meanDaily: number, position: number, leadTimeDays: number, safetyDays: number, packSize: number): number {
  const need = meanDaily * (leadTimeDays + safetyDays) - position;
  if (need <= 0) return 0;
  const pack = Math.max(1, Math.floor(packSize));
  // The epsilon keeps 100.0000000001 (float noise) from buying one pack too many.
  return Math.ceil(need / pack - 1e-9) * pack;
}

export interface LeadTimeDemand {
  leadTimeDays: number;
  /** Expected units sold over the lead time (the daily forecast summed, its mean beyond the horizon). */
  mean: number;
  /** Standard deviation of that total. */
  sigma: number;
  serviceLevel: number;
  z: number;
  /** z × sigma: stock held so that P(no stockout before the order lands) ≈ serviceLevel. */
  safetyStock: number;
  /** mean + safetyStock: reorder when the position falls to this. */
  reorderPoint: number;
}

/**
 * Demand over the lead time at a cycle service level (normal approximation): the forecast summed
 * over the lead time and the standard deviation of that sum from the forecast's cumulative spread
 * (grown with √days beyond its horizon).
 */
export function leadTimeDemand(forecast: Pick<DemandForecast, "dailyDemand" | "meanDaily" | "cumulativeSigma">, leadTimeDays: number, serviceLevel: number): LeadTimeDemand {
  const L = Math.max(0, leadTimeDays);
  const whole = Math.floor(L);
  let mean = 0;
  for (let d = 0; d < whole; d++) mean += forecast.dailyDemand[d] ?? forecast.meanDaily;
  mean += (L - whole) * (forecast.dailyDemand[whole] ?? forecast.meanDaily);
  const cs = forecast.cumulativeSigma;
  let sigma = 0;
  if (cs.length && L > 0) sigma = L <= cs.length ? cs[Math.max(0, Math.ceil(L) - 1)]! : cs[cs.length - 1]! * Math.sqrt(L / cs.length);
  const z = normalQuantile(serviceLevel);
  const safetyStock = Math.max(0, z * sigma);
  return { leadTimeDays: L, mean, sigma, serviceLevel, z, safetyStock, reorderPoint: mean + safetyStock };
}

/**
 * Order-up-to at a service level: cover the lead-time demand plus `cycleDays` more of mean demand
 * (until the next order could land), plus the safety stock, net of the position, in whole packs.
 */
export function serviceLevelOrderQuantity(ltd: LeadTimeDemand, meanDaily: number, cycleDays: number, position: number, packSize: number): number {
  const need = ltd.mean + meanDaily * cycleDays + ltd.safetyStock - position;
  if (need <= 0) return 0;
  const pack = Math.max(1, Math.floor(packSize));
  return Math.ceil(need / pack - 1e-9) * pack;
}
