/** Types for bill.mjs (the monthly Cloudflare bill from per-event counts). */
export interface PerEventCounts {
  workerRequests: number;
  cpuMs: number;
  queueOps: number;
  d1RowsRead: number;
  d1RowsWritten: number;
  objectRequests: number;
  objectActiveMs: number;
  storageBytes: number;
  /** What an event keeps in D1 once its raw body is blanked (measured by the bench). */
  storageBytesAfterRetention?: number;
}
type Price = { included: number; perMillion: number; source: string };
export const PRICES: {
  base: { monthly: number; source: string };
  workerRequests: Price;
  workerCpuMs: Price;
  queueOps: Price;
  d1RowsRead: Price;
  d1RowsWritten: Price;
  d1StorageGb: { included: number; perGbMonth: number; source: string };
  objectRequests: Price;
  objectGbSeconds: Price;
};
export interface MonthlyBill {
  eventsPerMonth: number;
  monthsKept: number;
  used: Record<"workerRequests" | "cpuMs" | "queueOps" | "d1RowsRead" | "d1RowsWritten" | "d1StorageGb" | "objectRequests" | "objectGbSeconds", number>;
  lines: Record<"base" | "workerRequests" | "workerCpu" | "queueOps" | "d1RowsRead" | "d1RowsWritten" | "d1Storage" | "objectRequests" | "objectDuration", number>;
  total: number;
}
export function monthlyBill(perEvent: PerEventCounts, eventsPerMonth: number, monthsKept?: number, retention?: { retentionMonths?: number }): MonthlyBill;
