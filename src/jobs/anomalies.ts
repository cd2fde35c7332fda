/** The hourly anomaly check: the brand's own history in, one decision per finding out (approve mode by default: they wait for a person). */
import { loadAnomalyContext } from "../db/anomaly-inputs";
import { pruneWebhookAuthFailures } from "../db/kv";
import type { StoredPolicy } from "../db/policies";
import { decideAnomalies } from "../decisions/anomalies";
import { isEnabled } from "../decisions/policy";
import { commitDrafts, type Committed } from "../pipeline/commit";

export async function detectAnomalies(env: Env, stored: StoredPolicy, now: number): Promise<Committed[]> {
  await pruneWebhookAuthFailures(env.DB, now - 2 * 86_400_000);
  if (!isEnabled(stored.policy, "anomaly")) return [];
  const ctx = await loadAnomalyContext(env.DB, stored.policy, now);
  return commitDrafts(env, decideAnomalies(ctx, stored.policy, now), stored, now);
}
