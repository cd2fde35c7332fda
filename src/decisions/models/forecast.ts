/** Daily demand per SKU: Holt-Winters (weekly season, damped trend), SBA (Croston) or seasonal naive, chosen per SKU by holdout squared error. */
import { DAY_MS } from "../format";

export type ForecastMethod = "holt_winters" | "sba" | "seasonal_naive" | "mean";

export interface ForecastOptions {
  horizon: number;
  /** Last days held out to pick the method. */
  holdout: number;
  season: number;
}

export const DEFAULT_FORECAST_OPTIONS: ForecastOptions = { horizon: 28, holdout: 28, season: 7 };

export interface DemandForecast {
  method: ForecastMethod;
  /** Units per day for the next `horizon` days, today first. */
  dailyDemand: number[];
  meanDaily: number;
  /** Holdout MAE of the chosen method ÷ in-sample MAE of one-step seasonal naive; null without a backtest. */
  mase: number | null;
  /** Holdout MAE of seasonal naive, the baseline every method must beat. */
  baselineMae: number | null;
  /** Average inter-demand interval above 1.32 days (Syntetos–Boylan): Croston territory. */
  intermittent: boolean;
}

export interface MethodScore {
  method: ForecastMethod;
  forecast: Float64Array;
  mae: number;
  mse: number;
}

const METHODS: ForecastMethod[] = ["holt_winters", "sba", "seasonal_naive"];

export function forecastDemand(history: ArrayLike<number>, options: ForecastOptions = DEFAULT_FORECAST_OPTIONS): DemandForecast {
  const n = history.length;
  const m = options.season;
  const intermittent = averageDemandInterval(history, 0, n) > 1.32;
  if (n < 2 * m) {
    const mean = n ? sumOf(history, 0, n) / n : 0;
    return { method: "mean", dailyDemand: new Array<number>(options.horizon).fill(mean), meanDaily: mean, mase: null, baselineMae: null, intermittent };
  }
  if (n < options.holdout + 2 * m) {
    const method: ForecastMethod = intermittent ? "sba" : "holt_winters";
    return finish(method, predict(method, history, n, options.horizon, m), null, null, intermittent);
  }
  const scores = scoreMethods(history, options);
  let best = scores[0]!;
  // Chosen by squared error: its optimum is the mean, and the mean is what cover and reorder
  // quantities need. Absolute error would reward forecasting zero for intermittent SKUs.
  for (const s of scores) if (s.mse < best.mse) best = s;
  const baseline = scores.find((s) => s.method === "seasonal_naive")!;
  const scale = seasonalNaiveScale(history, n - options.holdout, m);
  const mase = scale > 0 ? best.mae / scale : null;
  return finish(best.method, predict(best.method, history, n, options.horizon, m), mase, baseline.mae, intermittent);
}

/** Each method fitted on all but the last `holdout` days and scored on them (MAE and MSE). */
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

/** Forecast `horizon` days after the first `end` days of history. */
export function predict(method: ForecastMethod, history: ArrayLike<number>, end: number, horizon: number, m: number): Float64Array {
  switch (method) {
    case "holt_winters":
      return holtWinters(history, end, horizon, m);
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

function holtWinters(y: ArrayLike<number>, end: number, horizon: number, m: number): Float64Array {
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

function finish(method: ForecastMethod, forecast: Float64Array, mase: number | null, baselineMae: number | null, intermittent: boolean): DemandForecast {
  const dailyDemand = Array.from(forecast);
  const meanDaily = dailyDemand.length ? dailyDemand.reduce((a, b) => a + b, 0) / dailyDemand.length : 0;
  return { method, dailyDemand, meanDaily, mase, baselineMae, intermittent };
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
