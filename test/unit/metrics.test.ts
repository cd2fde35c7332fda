import { describe, expect, it } from "vitest";
import { statementKind } from "../../src/lib/metrics";

describe("what kind of statement wrote the rows (the bench's rows-written breakdown)", () => {
  it.each([
    ["INSERT INTO actions (id) VALUES (?)", "INSERT actions"],
    ["  insert or ignore into `kv` (k, v) values (?, ?)", "INSERT kv"],
    ["INSERT OR REPLACE INTO journeys (order_id) VALUES (?)", "INSERT journeys"],
    ["REPLACE INTO t (a) VALUES (1)", "REPLACE t"],
    ["UPDATE raw_events SET status = 'processed' WHERE id IN (?)", "UPDATE raw_events"],
    ['DELETE FROM "customer_contacts" WHERE action_id = ?', "DELETE customer_contacts"],
    ["WITH due AS (SELECT id FROM actions LIMIT 5) UPDATE actions SET updated_at = ? WHERE id IN (SELECT id FROM due)", "UPDATE actions"],
    ["SELECT 1", "other"],
    [undefined, "other"],
  ])("%s → %s", (sql, kind) => expect(statementKind(sql)).toBe(kind));
});
