/**
 * The monthly Cloudflare bill of one brand, from counts measured per event (scripts/bench.mjs) and
 * Cloudflare's published Workers Paid prices. Pure: counts and volumes in, dollars out. Each price
 * names the page it comes from and when it was read; docs/benchmarks.md cites them again.
 */

/** Read 2026-12-01 (see docs/benchmarks.md, "The bill", for the pages and their dates). */
export const PRICES = {
  base: { monthly: 5, source: "developers.cloudflare.com/workers/platform/pricing/ (Workers Paid, $5/month minimum)" },
  workerRequests: { included: 10_000_000, perMillion: 0.3, source: "developers.cloudflare.com/workers/platform/pricing/ (Standard: 10 million requests/month included, $0.30 per additional million)" },
  workerCpuMs: { included: 30_000_000, perMillion: 0.02, source: "developers.cloudflare.com/workers/platform/pricing/ (30 million CPU ms/month included, $0.02 per additional million)" },
  queueOps: { included: 1_000_000, perMillion: 0.4, source: "developers.cloudflare.com/queues/pricing/ (1 million operations/month included, $0.40 per additional million; an operation is a write, read or delete of up to 64 KB; each retry is another read)" },
  d1RowsRead: { included: 25_000_000_000, perMillion: 0.001, source: "developers.cloudflare.com/d1/platform/pricing/ (25 billion rows read/month included, $0.001 per additional million)" },
  d1RowsWritten: { included: 50_000_000, perMillion: 1.0, source: "developers.cloudflare.com/d1/platform/pricing/ (50 million rows written/month included, $1.00 per additional million)" },
  d1StorageGb: { included: 5, perGbMonth: 0.75, source: "developers.cloudflare.com/d1/platform/pricing/ (5 GB included, $0.75 per GB-month)" },
  objectRequests: { included: 1_000_000, perMillion: 0.15, source: "developers.cloudflare.com/durable-objects/platform/pricing/ (1 million included, $0.15 per additional million; every RPC call and alarm is a request)" },
  objectGbSeconds: { included: 400_000, perMillion: 12.5, source: "developers.cloudflare.com/durable-objects/platform/pricing/ (400,000 GB-s included, $12.50 per additional million GB-s; 128 MB per active object)" },
};

const over = (used, p) => (Math.max(0, used - p.included) / 1e6) * p.perMillion;

/**
 * @param {object} perEvent measured per processed event: workerRequests, cpuMs, queueOps, d1RowsRead,
 *   d1RowsWritten, objectRequests, objectActiveMs, storageBytes (D1 bytes kept per event)
 *   and optionally storageBytesAfterRetention (what an event keeps once its raw body is blanked)
 * @param {number} eventsPerMonth
 * @param {number} monthsKept how many months of events D1 holds (storage grows with them)
 * @param {{ retentionMonths?: number }} [retention] raw bodies kept this long, then blanked (one row
 *   written per event to do it); without it, or without storageBytesAfterRetention, every byte is kept
 */
export function monthlyBill(perEvent, eventsPerMonth, monthsKept = 12, retention = {}) {
  const n = eventsPerMonth;
  const pruned = retention.retentionMonths !== undefined && perEvent.storageBytesAfterRetention !== undefined;
  const fullMonths = pruned ? Math.min(monthsKept, retention.retentionMonths) : monthsKept;
  const bytesKept = perEvent.storageBytes * fullMonths + (pruned ? perEvent.storageBytesAfterRetention * (monthsKept - fullMonths) : 0);
  const used = {
    workerRequests: perEvent.workerRequests * n,
    cpuMs: perEvent.cpuMs * n,
    queueOps: perEvent.queueOps * n,
    d1RowsRead: perEvent.d1RowsRead * n,
    d1RowsWritten: (perEvent.d1RowsWritten + (pruned ? 1 : 0)) * n,
    d1StorageGb: (bytesKept * n) / 1e9,
    objectRequests: perEvent.objectRequests * n,
    // Duration is billed at 128 MB per object while it runs: GB-s = seconds × 0.125.
    objectGbSeconds: ((perEvent.objectActiveMs * n) / 1000) * 0.125,
  };
  const lines = {
    base: PRICES.base.monthly,
    workerRequests: over(used.workerRequests, PRICES.workerRequests),
    workerCpu: over(used.cpuMs, PRICES.workerCpuMs),
    queueOps: over(used.queueOps, PRICES.queueOps),
    d1RowsRead: over(used.d1RowsRead, PRICES.d1RowsRead),
    d1RowsWritten: over(used.d1RowsWritten, PRICES.d1RowsWritten),
    d1Storage: Math.max(0, used.d1StorageGb - PRICES.d1StorageGb.included) * PRICES.d1StorageGb.perGbMonth,
    objectRequests: over(used.objectRequests, PRICES.objectRequests),
    objectDuration: over(used.objectGbSeconds, PRICES.objectGbSeconds),
  };
  const total = Object.values(lines).reduce((s, v) => s + v, 0);
  return { eventsPerMonth: n, monthsKept, used, lines, total };
}
