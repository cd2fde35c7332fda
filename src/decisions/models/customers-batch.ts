/**
 * Bring your own history, customers: a brand's transaction export in, one prediction per customer
 * out, with the same summary, fit and prediction code the hourly cron runs (./transactions.ts,
 * ./clv.ts). Also the holdout check behind `npm run customers:accuracy`.
 */
import { CsvError, parseIsoDate, readCsv } from "../../lib/csv";
import { fitStoreCustomerModel, predictCustomer, type StoreCustomerFit } from "./clv";
import { churnRisk, medianGapDays } from "./customers";
import { DAY_MS, mergeSameDay, summarise, type Transaction } from "./transactions";

export const TRANSACTION_COLUMNS = ["customer_id", "ordered_at", "total"] as const;
export const CUSTOMER_OUTPUT_COLUMNS = ["customer_id", "orders", "expected_orders", "p_active", "predicted_clv"] as const;

/** customer_id,ordered_at,total → transactions per customer; a bad line throws CsvError naming it. */
export function parseTransactions(text: string, onProgress?: (lines: number) => void): Map<string, Transaction[]> {
  const byCustomer = new Map<string, Transaction[]>();
  readCsv(
    text,
    TRANSACTION_COLUMNS,
    (row, line) => {
      const id = row.customer_id!;
      if (!id) throw new CsvError(line, "customer_id is empty");
      const at = parseIsoDate(row.ordered_at!);
      if (at === null) throw new CsvError(line, `ordered_at "${row.ordered_at}" is not an ISO date (2026-06-30) or date-time (2026-06-30T14:05:00+05:30)`);
      const total = Number(row.total);
      if (row.total === "" || !Number.isFinite(total) || total < 0) throw new CsvError(line, `total "${row.total}" is not a non-negative number`);
      const list = byCustomer.get(id) ?? [];
      list.push({ at, value: total });
      byCustomer.set(id, list);
    },
    onProgress,
  );
  return byCustomer;
}

export interface CustomerPredictionRow {
  customerId: string;
  /** Transactions up to asOf (same-day orders count once, as the model sees them). */
  orders: number;
  expectedOrders: number;
  pActive: number;
  predictedClv: number | null;
}

/** Fits on every customer with a transaction by `asOf` and predicts the `horizonDays` after it. Null fit: too few customers. */
export function predictCustomers(byCustomer: ReadonlyMap<string, readonly Transaction[]>, asOf: number, horizonDays: number): { fit: StoreCustomerFit | null; rows: CustomerPredictionRow[]; skipped: number } {
  const summaries = [];
  let skipped = 0;
  for (const [customerId, tx] of byCustomer) {
    const s = summarise(tx, asOf, DAY_MS);
    if (s) summaries.push({ customerId, s });
    else skipped++;
  }
  const gaps = [...byCustomer.values()].map((tx) => medianGapDays(mergeSameDay(tx.filter((t) => t.at <= asOf)).map((t) => t.at))).filter((g): g is number => g !== null);
  const fit = fitStoreCustomerModel(summaries.map((x) => x.s), asOf, gaps);
  if (!fit) return { fit, rows: [], skipped };
  const rows = summaries.map(({ customerId, s }) => {
    const p = predictCustomer(fit, s, horizonDays);
    return { customerId, orders: s.transactions, expectedOrders: p.expectedOrders, pActive: p.pActive, predictedClv: p.predictedClv };
  });
  return { fit, rows, skipped };
}

export function customerRowsCsv(rows: readonly CustomerPredictionRow[]): string {
  const lines = [CUSTOMER_OUTPUT_COLUMNS.join(",")];
  for (const r of rows) {
    lines.push([csvId(r.customerId), r.orders, r.expectedOrders.toFixed(4), r.pActive.toFixed(4), r.predictedClv === null ? "" : r.predictedClv.toFixed(2)].join(","));
  }
  return `${lines.join("\n")}\n`;
}

function csvId(id: string): string {
  return /[",\n\r]/.test(id) ? `"${id.replace(/"/g, '""')}"` : id;
}

export interface AccuracyLine {
  model: string;
  /** Per-customer holdout repeat transactions. */
  mae: number;
  rmse: number;
  /** Sum of predictions vs sum of actuals over all customers. */
  predictedTotal: number;
  /** Per-customer holdout spend error, where the model predicts spend. */
  spendMae: number | null;
  spendRmse: number | null;
  /** Ranking customers by their predicted holdout orders against "ordered in the holdout". */
  auc: number | null;
}

export interface AccuracyReport {
  customers: number;
  holdoutDays: number;
  actualTotal: number;
  lines: AccuracyLine[];
  fit: StoreCustomerFit | null;
}

/**
 * Calibration/holdout check: customers whose first transaction is on or before `calibrationEnd`,
 * the models fitted on what happened by then, and scored on the number of transactions in
 * (calibrationEnd, holdoutEnd] (and their value). Baselines: predict zero; each customer's own past
 * rate (repeats ÷ time observed, held constant); and the interval heuristic this project used
 * before BG/NBD ((1 − churn ramp) × holdout days ÷ median gap; nothing for one-order customers).
 */
export function customersAccuracy(byCustomer: ReadonlyMap<string, readonly Transaction[]>, calibrationEnd: number, holdoutEnd: number, k = 2): AccuracyReport {
  const holdoutDays = (holdoutEnd - calibrationEnd) / DAY_MS;
  const cohort: { s: NonNullable<ReturnType<typeof summarise>>; actual: number; actualSpend: number; interval: number | null }[] = [];
  for (const tx of byCustomer.values()) {
    const s = summarise(tx, calibrationEnd, DAY_MS);
    if (!s) continue;
    const merged = mergeSameDay(tx);
    const holdout = merged.filter((t) => t.at > calibrationEnd && t.at <= holdoutEnd);
    const calib = merged.filter((t) => t.at <= calibrationEnd).map((t) => t.at);
    cohort.push({ s, actual: holdout.length, actualSpend: holdout.reduce((a, t) => a + t.value, 0), interval: medianGapDays(calib) });
  }
  const fit = fitStoreCustomerModel(cohort.map((c) => c.s), calibrationEnd);
  const actual = cohort.map((c) => c.actual);
  const active = actual.map((a) => a > 0);
  const lines: AccuracyLine[] = [];
  const line = (model: string, predicted: number[], spend: number[] | null) => {
    let abs = 0;
    let sq = 0;
    let spendAbs = 0;
    let spendSq = 0;
    for (let i = 0; i < cohort.length; i++) {
      const e = predicted[i]! - actual[i]!;
      abs += Math.abs(e);
      sq += e * e;
      if (spend) {
        const se = spend[i]! - cohort[i]!.actualSpend;
        spendAbs += Math.abs(se);
        spendSq += se * se;
      }
    }
    const n = Math.max(1, cohort.length);
    const ranks = new Set(predicted).size > 1;
    lines.push({
      model,
      mae: abs / n,
      rmse: Math.sqrt(sq / n),
      predictedTotal: predicted.reduce((a, b) => a + b, 0),
      spendMae: spend ? spendAbs / n : null,
      spendRmse: spend ? Math.sqrt(spendSq / n) : null,
      auc: ranks ? auc(predicted, active) : null,
    });
  };
  if (fit) {
    const preds = cohort.map((c) => predictCustomer(fit, c.s, holdoutDays));
    line("bg/nbd + gamma-gamma", preds.map((p) => p.expectedOrders), preds.map((p) => p.predictedClv ?? 0));
  }
  line("predict zero", cohort.map(() => 0), cohort.map(() => 0));
  line("own past rate", cohort.map((c) => (c.s.T > 0 ? (c.s.x / c.s.T) * holdoutDays : 0)), cohort.map((c) => (c.s.T > 0 ? (c.s.x / c.s.T) * holdoutDays * (c.s.x > 0 ? c.s.m : 0) : 0)));
  // The old interval heuristic, read as generously as possible (as in issue 21's measurement).
  const heuristic = cohort.map((c) => {
    if (c.interval === null || c.interval <= 0) return 0;
    const risk = churnRisk((calibrationEnd - c.s.lastAt) / DAY_MS, c.interval, k);
    return ((1 - risk) * holdoutDays) / c.interval;
  });
  line("interval heuristic (before)", heuristic, null);
  return { customers: cohort.length, holdoutDays, actualTotal: actual.reduce((a, b) => a + b, 0), lines, fit };
}

/** Area under the ROC curve of `score` for `positive` (ties count half); null when one class is empty. */
export function auc(score: readonly number[], positive: readonly boolean[]): number | null {
  const idx = score.map((_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && score[idx[j + 1]!] === score[idx[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (positive[idx[t]!]) {
      rankSum += rank;
      pos++;
    }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
