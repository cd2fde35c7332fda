/** Overview panel: where customers' "where is my order?" was answered this week — on WhatsApp, by the helpdesk auto-reply, or by an agent. */
import type { FC } from "hono/jsx";
import { wismoChannelCounts } from "../../db/inbound";
import { groupIndian } from "./format";

const WEEK_MS = 7 * 86_400_000;

export const WismoChannelsPanel: FC<{ db: D1Database; now: number }> = async ({ db, now }) => {
  const c = await wismoChannelCounts(db, now - WEEK_MS);
  const total = c.whatsapp + c.helpdesk + c.agents;
  return (
    <section id="wismo-channels" aria-label="Where is my order, answered">
      <h2>
        Where is my order, answered <span class="muted">· last 7 days</span>
      </h2>
      <p class="handled-counts">
        <span class="tag" data-wismo="whatsapp">
          on WhatsApp {groupIndian(c.whatsapp)}
          {c.whatsappEscalated ? ` · ${groupIndian(c.whatsappEscalated)} also to a person` : ""}
        </span>{" "}
        <span class="tag" data-wismo="helpdesk">
          in the helpdesk {groupIndian(c.helpdesk)}
        </span>{" "}
        <span class="tag" data-wismo="agents">
          by agents {groupIndian(c.agents)}
        </span>
        {total === 0 ? <span class="muted"> No WISMO questions this week.</span> : null}
      </p>
    </section>
  );
};
