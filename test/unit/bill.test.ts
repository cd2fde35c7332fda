import { describe, expect, it } from "vitest";
import { monthlyBill, PRICES } from "../../scripts/lib/bill.mjs";

const zero = { workerRequests: 0, cpuMs: 0, queueOps: 0, d1RowsRead: 0, d1RowsWritten: 0, objectRequests: 0, objectActiveMs: 0, storageBytes: 0 };

describe("the monthly bill from per-event counts", () => {
  it("is the $5 minimum while every line stays inside its included allowance", () => {
    const bill = monthlyBill({ ...zero, workerRequests: 1, queueOps: 3, d1RowsWritten: 30, objectRequests: 1 }, 100_000);
    expect(bill.total).toBe(PRICES.base.monthly);
  });

  it("charges only what is over each allowance, at Cloudflare's per-million prices", () => {
    // 10 M events × 2 queue ops = 20 M ops: 19 M over the 1 M included, at $0.40 per million.
    const bill = monthlyBill({ ...zero, queueOps: 2, d1RowsWritten: 10 }, 10_000_000, 1);
    expect(bill.lines.queueOps).toBeCloseTo(19 * 0.4, 6);
    // 100 M rows written: 50 M over, at $1.00 per million.
    expect(bill.lines.d1RowsWritten).toBeCloseTo(50, 6);
    expect(bill.total).toBeCloseTo(5 + 7.6 + 50, 6);
  });

  it("grows D1 storage with the months of events kept, past the 5 GB included", () => {
    // 1 M events × 1,000 bytes = 1 GB a month: 12 GB after a year, 7 GB of it billed at $0.75.
    const bill = monthlyBill({ ...zero, storageBytes: 1000 }, 1_000_000, 12);
    expect(bill.used.d1StorageGb).toBeCloseTo(12, 6);
    expect(bill.lines.d1Storage).toBeCloseTo(7 * 0.75, 6);
  });

  it("keeps raw bodies for the retention window only: older months hold what an event keeps once blanked, and blanking writes a row", () => {
    // 1 M events a month, 1,000 bytes each, 300 once the raw body is blanked after one month:
    // a year holds 1 month whole and 11 blanked = 1 GB + 3.3 GB = 4.3 GB, inside the 5 GB included.
    const bill = monthlyBill({ ...zero, storageBytes: 1000, storageBytesAfterRetention: 300, d1RowsWritten: 10 }, 1_000_000, 12, { retentionMonths: 1 });
    expect(bill.used.d1StorageGb).toBeCloseTo(4.3, 6);
    expect(bill.lines.d1Storage).toBe(0);
    expect(bill.used.d1RowsWritten).toBe(11_000_000);
    // Without a measured figure for a blanked event, every byte is kept as before.
    expect(monthlyBill({ ...zero, storageBytes: 1000 }, 1_000_000, 12, { retentionMonths: 1 }).used.d1StorageGb).toBeCloseTo(12, 6);
  });

  it("bills object duration at 128 MB while active", () => {
    // 10 M events × 100 ms = 1 M s × 0.125 GB = 125,000 GB-s: inside the 400,000 included.
    expect(monthlyBill({ ...zero, objectActiveMs: 100 }, 10_000_000).lines.objectDuration).toBe(0);
    // × 10: 1.25 M GB-s, 850,000 over at $12.50 per million.
    expect(monthlyBill({ ...zero, objectActiveMs: 1000 }, 10_000_000).lines.objectDuration).toBeCloseTo(0.85 * 12.5, 6);
  });
});
