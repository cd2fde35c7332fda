/** The order page's COD risk panel: the score, the band, and each factor with its points and numbers. */
import { codRiskView } from "../api/cod-risk-view";
import { formatIst } from "./format";

const BAND_CLASS = { low: "tag ok", medium: "tag", high: "tag bad" } as const;

export async function CodRiskPanel({ db, orderId }: { db: D1Database; orderId: string }) {
  const risk = await codRiskView(db, orderId);
  if (!risk) return null;
  return (
    <section data-panel="cod-risk">
      <h2>COD risk</h2>
      <div class="card">
        <p>
          <span class={BAND_CLASS[risk.band]} data-band={risk.band}>
            {risk.band} risk
          </span>{" "}
          <strong>{risk.score}</strong>/100
          {risk.forcedHigh ? <span class="muted"> · {risk.forcedHigh}</span> : null}
          <span class="muted"> · scored {formatIst(Date.parse(risk.scoredAt))} IST, policy v{risk.policyVersion}</span>
        </p>
        {risk.factors.length ? (
          <table>
            <thead>
              <tr>
                <th>Factor</th>
                <th class="n">Points</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {risk.factors.map((f) => (
                <tr data-factor={f.code}>
                  <td>{f.code.replace(/_/g, " ")}</td>
                  <td class="n">{f.points ? `+${f.points}` : "forces high"}</td>
                  <td>{f.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">No risk factor: nothing to confirm.</p>
        )}
      </div>
    </section>
  );
}
