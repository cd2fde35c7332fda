/** Small pieces shared by the pages: KPI tiles, status tags, sparklines, CSRF-protected buttons. */
import type { Child, FC } from "hono/jsx";
import type { ActionOutcome } from "../../db/dashboard-read";

export const Kpi: FC<{ label: string; value: Child; warn?: boolean; id?: string }> = ({ label, value, warn, id }) => (
  <div class={warn ? "kpi warn" : "kpi"} data-kpi={id}>
    <div class="v">{value}</div>
    <div class="l">{label}</div>
  </div>
);

const BAD = new Set(["failed", "dead", "cancelled", "rto_initiated", "rto_delivered", "failed_attempt", "ndr", "lost"]);
const GOOD = new Set(["sent", "delivered", "read", "dry_run"]);

export const StatusTag: FC<{ status: string }> = ({ status }) => (
  <span class={BAD.has(status) ? "tag bad" : GOOD.has(status) ? "tag ok" : "tag"}>{status}</span>
);

export const ModeTag: FC<{ mode: string }> = ({ mode }) => <span class={mode === "shadow" ? "tag shadow" : "tag"}>{mode}</span>;

export const Outcomes: FC<{ outcomes: ActionOutcome[] }> = ({ outcomes }) =>
  outcomes.length === 0 ? (
    <span class="muted">no actions</span>
  ) : (
    <>
      {outcomes.map((a) => (
        <span class={BAD.has(a.status) ? "tag bad" : GOOD.has(a.status) ? "tag ok" : "tag"} title={a.lastError ?? undefined}>
          {a.connector}/{a.kind}: {a.status}
        </span>
      ))}
    </>
  );

/** A 70×18 polyline of the values (rates), scaled to their own range; an empty box when there are under two. */
export const Sparkline: FC<{ values: number[]; label: string }> = ({ values, label }) => {
  const w = 70;
  const h = 18;
  if (values.length < 2) return <svg class="spark" width={w} height={h} role="img" aria-label={`${label}: no trend yet`}></svg>;
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min || 1;
  const points = values.map((v, i) => `${((i / (values.length - 1)) * (w - 2) + 1).toFixed(1)},${(h - 1 - ((v - min) / span) * (h - 2)).toFixed(1)}`).join(" ");
  return (
    <svg class="spark" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <polyline points={points} fill="none" stroke="#1f5fbf" stroke-width="1.5" />
    </svg>
  );
};

/** A POST button carrying the session's CSRF token; `confirm` is asked by app.js before it submits. */
export const PostButton: FC<{ action: string; csrf: string; label: string; confirm?: string }> = ({ action, csrf, label, confirm }) => (
  <form method="post" action={action} data-confirm={confirm}>
    <input type="hidden" name="_csrf" value={csrf} />
    <button type="submit" class="small">{label}</button>
  </form>
);

export const Empty: FC<{ cols: number; text: string }> = ({ cols, text }) => (
  <tr>
    <td colspan={cols} class="muted">
      {text}
    </td>
  </tr>
);
