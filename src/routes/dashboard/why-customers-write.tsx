/** The overview's "why customers write in this week" panel: ticket categories of the last 7 days and the root-cause hints the ticket model finds in them. */
import type { FC } from "hono/jsx";
import { ticketsForHints } from "../../db/ticket-context";
import { DEFAULT_HINT_OPTIONS, rootCauseHints } from "../../decisions/models/tickets";
import { groupIndian } from "./format";

const DAY_MS = 86_400_000;

/** Reads its own data (one D1 statement) so the overview renders it with one line. */
export const WhyCustomersWriteIn: FC<{ db: D1Database; now: number }> = async ({ db, now }) => {
  const { tickets, shipments } = await ticketsForHints(db, now - DEFAULT_HINT_OPTIONS.windowDays * DAY_MS, now, DEFAULT_HINT_OPTIONS.stallHours);
  const hints = rootCauseHints(tickets, shipments, now);
  const byCategory = new Map<string, number>();
  for (const t of tickets) byCategory.set(t.category, (byCategory.get(t.category) ?? 0) + 1);
  const rows = [...byCategory].sort((a, b) => b[1] - a[1]);
  return (
    <section id="why-customers-write" aria-label="Why customers write in this week">
      <h2>
        Why customers write in <span class="muted">· last {DEFAULT_HINT_OPTIONS.windowDays} days, {groupIndian(tickets.length)} tickets</span>
      </h2>
      {hints.length ? (
        <ul class="hints">
          {hints.map((h) => (
            <li data-category={h.category}>{h.text}</li>
          ))}
        </ul>
      ) : (
        <p class="muted">No pattern yet: a hint needs at least {DEFAULT_HINT_OPTIONS.minTickets} tickets of a kind, {Math.round(DEFAULT_HINT_OPTIONS.minShare * 100)}% of them on one carrier route and shipment condition.</p>
      )}
      {rows.length ? (
        <table>
          <thead>
            <tr>
              <th>category</th>
              <th>tickets</th>
              <th>share</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([category, n]) => (
              <tr>
                <td>{category.replace(/_/g, " ")}</td>
                <td>{groupIndian(n)}</td>
                <td>{Math.round((n / tickets.length) * 100)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No tickets in the last {DEFAULT_HINT_OPTIONS.windowDays} days.</p>
      )}
    </section>
  );
};
