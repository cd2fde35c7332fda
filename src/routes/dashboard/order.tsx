/** GET /orders/:id: everything about one order (the page a support agent opens for a WISMO ticket); full PII only here. */
import { Hono } from "hono";
import { getCustomerModel, getJourneyRow, listActionsFor, listDecisionsFor } from "../../db/dashboard-read";
import { reviewsFor } from "../../db/decisions";
import { getCustomer, getMessages, getOrder, getReturns, getShipments, getTickets, searchOrders } from "../../db/orders-read";
import type { DashboardEnv } from "./auth";
import { Empty, ModeTag, Outcomes, StatusTag } from "./components";
import { formatInr, formatIst } from "./format";
import { Layout, page } from "./layout";
import { maskEmail, maskPhone } from "./mask";
import { WhatsAppConversation } from "./whatsapp-conversation";
import { CodRiskPanel } from "./cod-risk-panel";

export const orderPages = new Hono<DashboardEnv>();

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** The header search box: one match opens it, several are listed (masked, since this is a list). */
orderPages.get("/orders", async (c) => {
  const q = (c.req.query("q") ?? "").trim();
  const found = q ? await searchOrders(c.env.DB, q) : [];
  if (found.length === 1) return c.redirect(`/orders/${encodeURIComponent(found[0]!.id)}`, 302);
  return page(
    c,
    200,
    <Layout title="Find an order" session={c.get("session")}>
      <h1>Orders matching “{q}”</h1>
      <div class="card">
        <table>
          <tbody>
            {found.length === 0 ? <Empty cols={4} text="No order matches. Try the order id, #name, AWB, email or phone." /> : null}
            {found.map((o) => (
              <tr>
                <td>
                  <a href={`/orders/${encodeURIComponent(o.id)}`}>{o.name}</a>
                </td>
                <td>{formatIst(ms(o.createdAt))}</td>
                <td>
                  {maskEmail(o.email)} · {maskPhone(o.phone)}
                </td>
                <td class="n">{formatInr(o.totalPrice)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>,
  );
});

orderPages.get("/orders/:id", async (c) => {
  const db = c.env.DB;
  const id = c.req.param("id");
  const session = c.get("session");
  const order = await getOrder(db, id);
  if (!order) {
    return page(
      c,
      404,
      <Layout title="Order not found" session={session}>
        <h1>No order {id}</h1>
        <p>
          <a href="/">Back to the overview</a>
        </p>
      </Layout>,
    );
  }
  const [customer, model, journey, scans, tickets, messages, returns, decisions, actions] = await Promise.all([
    order.customerId ? getCustomer(db, order.customerId) : null,
    order.customerId ? getCustomerModel(db, order.customerId) : null,
    getJourneyRow(db, id),
    getShipments(db, id),
    getTickets(db, id),
    getMessages(db, id),
    getReturns(db, id),
    listDecisionsFor(db, "order", id),
    listActionsFor(db, "order", id),
  ]);
  // Who approved, dismissed or snoozed a held decision, and why: part of the decision's record.
  const reviews = await reviewsFor(db, decisions.filter((d) => d.reviewStatus !== null).map((d) => d.id));

  return page(
    c,
    200,
    <Layout title={`Order ${order.name}`} session={session}>
      <h1>
        Order {order.name} <span class="muted">· {order.id}</span>
      </h1>
      <div class="grid">
        <section>
          <h2>Order</h2>
          <div class="card">
            <dl class="kv">
              <dt>Placed</dt>
              <dd>{formatIst(ms(order.createdAt))} IST</dd>
              <dt>Total</dt>
              <dd>
                {formatInr(order.totalPrice)} · {order.paymentMethod === "cod" ? "cash on delivery" : "prepaid"}
              </dd>
              <dt>Status</dt>
              <dd>
                {order.financialStatus ?? "—"} / {order.fulfillmentStatus ?? "unfulfilled"}
                {order.cancelledAt ? <span class="tag bad">cancelled {formatIst(ms(order.cancelledAt))}</span> : null}
              </dd>
              <dt>Ship to</dt>
              <dd>{[order.shippingCity, order.shippingState, order.shippingPincode].filter(Boolean).join(", ") || "—"}</dd>
              <dt>Email</dt>
              <dd>{order.email ?? "—"}</dd>
              <dt>Phone</dt>
              <dd>{order.phone ?? "—"}</dd>
              <dt>Tags</dt>
              <dd>{order.tags.length ? order.tags.map((t) => <span class="tag">{t}</span>) : "—"}</dd>
              <dt>Note</dt>
              <dd class="note">{order.note ?? "—"}</dd>
            </dl>
            <table>
              <thead>
                <tr>
                  <th>SKU</th>
                  <th>Item</th>
                  <th class="n">Qty</th>
                  <th class="n">Price</th>
                </tr>
              </thead>
              <tbody>
                {order.lineItems.map((li) => (
                  <tr>
                    <td>{li.sku ? <a href={`/skus/${encodeURIComponent(li.sku)}`}>{li.sku}</a> : "—"}</td>
                    <td>{li.title}</td>
                    <td class="n">{li.quantity}</td>
                    <td class="n">{formatInr(li.unitPrice)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section>
          <h2>Customer</h2>
          <div class="card">
            {customer ? (
              <dl class="kv">
                <dt>Name</dt>
                <dd>{[customer.firstName, customer.lastName].filter(Boolean).join(" ") || "—"}</dd>
                <dt>Email</dt>
                <dd>{customer.email ?? "—"}</dd>
                <dt>Phone</dt>
                <dd>{customer.phone ?? "—"}</dd>
                <dt>LTV</dt>
                <dd>{formatInr(model?.ltv ?? customer.totalSpent)}</dd>
                <dt>Tier</dt>
                <dd>{model?.tier ?? "not modelled yet"}</dd>
                <dt>Orders</dt>
                <dd>{model?.ordersCount ?? customer.ordersCount ?? "—"}</dd>
                <dt>Predicted next order</dt>
                <dd>{model?.predictedNextOrderAt ? formatIst(model.predictedNextOrderAt) : "—"}</dd>
                <dt>Churn risk</dt>
                <dd>{model?.churnRisk == null ? "—" : `${Math.round(model.churnRisk * 100)}%`}</dd>
                <dt>P(active)</dt>
                <dd>{model?.pActive == null ? "—" : `${Math.round(model.pActive * 100)}%`}</dd>
                <dt>Predicted spend, next 365 days</dt>
                <dd>{model?.predictedClv == null ? "—" : formatInr(model.predictedClv)}</dd>
                <dt>Consent</dt>
                <dd>
                  WhatsApp {customer.acceptsWhatsapp ? "yes" : "no"} · marketing {customer.acceptsMarketing ? "yes" : "no"}
                </dd>
                {customer.redactedAt ? (
                  <>
                    <dt>Redacted</dt>
                    <dd>{customer.redactedAt}</dd>
                  </>
                ) : null}
              </dl>
            ) : (
              <p class="muted">Guest checkout or customer not received yet.</p>
            )}
          </div>
        </section>
      </div>
      <CodRiskPanel db={db} orderId={id} />

      <section>
        <h2>Journey</h2>
        <div class="card">
          {journey ? (
            <p>
              <StatusTag status={journey.state} /> since {formatIst(journey.stateAt)} · {journey.carrier ?? "no carrier"} {journey.awb ?? ""} · ETA{" "}
              {formatIst(journey.eta)}
              {journey.stalled ? <span class="tag bad">stalled</span> : null}
              {journey.failedAttempts ? <span class="tag bad">{journey.failedAttempts} failed attempts</span> : null}
              {journey.codPending ? <span class="tag bad">COD unconfirmed</span> : null}
            </p>
          ) : (
            <p class="muted">No journey yet.</p>
          )}
          <table id="scans">
            <thead>
              <tr>
                <th>When</th>
                <th>Status</th>
                <th>Carrier says</th>
                <th>Where</th>
                <th>AWB</th>
              </tr>
            </thead>
            <tbody>
              {scans.length === 0 ? <Empty cols={5} text="No scans yet." /> : null}
              {scans.map((s) => (
                <tr>
                  <td>{formatIst(ms(s.occurredAt))}</td>
                  <td>
                    <StatusTag status={s.status} /> {s.isReturn ? <span class="tag">return leg</span> : null}
                  </td>
                  <td>{s.rawStatus}</td>
                  <td>{[s.location, s.pincode].filter(Boolean).join(" ") || "—"}</td>
                  <td>
                    {s.carrier} {s.awb}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {returns.length ? (
            <p>
              Returns/refunds:{" "}
              {returns.map((r) => (
                <span class="tag">
                  {r.kind} {formatInr(r.amount)} {formatIst(ms(r.occurredAt))}
                </span>
              ))}
            </p>
          ) : null}
        </div>
      </section>

      <div class="grid">
        <section>
          <h2>Tickets</h2>
          <div class="card">
            <table>
              <tbody>
                {tickets.length === 0 ? <Empty cols={4} text="No tickets." /> : null}
                {tickets.map((t) => (
                  <tr>
                    <td>
                      {t.helpdesk} #{t.id}
                    </td>
                    <td>{t.subject}</td>
                    <td>
                      <span class="tag">{t.category}</span> <StatusTag status={t.status} /> {t.priority ?? ""}
                    </td>
                    <td>
                      {formatIst(ms(t.createdAt))}
                      <div class="muted">first reply {formatIst(ms(t.firstResponseAt))}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section>
          <h2>WhatsApp and messages</h2>
          <div class="card">
            <table>
              <tbody>
                {messages.length === 0 ? <Empty cols={4} text="No messages." /> : null}
                {messages.map((m) => (
                  <tr>
                    <td>{formatIst(ms(m.occurredAt))}</td>
                    <td>
                      {m.direction === "inbound" ? "←" : "→"} {m.channel} {m.kind}
                    </td>
                    <td>{m.text ?? ""}</td>
                    <td>
                      <StatusTag status={m.status} /> {m.error ?? ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>

      <WhatsAppConversation db={db} orderId={order.id} customerId={order.customerId} phone={order.phone ?? customer?.phone ?? null} since={ms(order.createdAt)} />
      <section>
        <h2>Decisions</h2>
        <div class="card">
          <table>
            <tbody>
              {decisions.length === 0 ? <Empty cols={4} text="No decisions about this order." /> : null}
              {decisions.map((d) => (
                <tr>
                  <td>{formatIst(d.createdAt)}</td>
                  <td>
                    {d.type} <ModeTag mode={d.mode} /> <span class="muted">policy v{d.policyVersion}</span>
                  </td>
                  <td>
                    <ul class="reasons">
                      {d.reasons.map((r) => (
                        <li>{r}</li>
                      ))}
                    </ul>
                    {d.suppressed.length ? (
                      <ul class="reasons suppressed">
                        {d.suppressed.map((s) => (
                          <li>
                            <span class="tag">not sent</span> {s.template ?? s.kind}: {s.reason}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                  <td>
                    {d.reviewStatus === "waiting" ? <span class="tag">waiting for a person</span> : <Outcomes outcomes={d.outcomes} />}
                    {(reviews.get(d.id) ?? []).map((r) => (
                      <div class="muted review">
                        {r.verdict} by {r.by} · {formatIst(r.at)}
                        {r.note ? `: ${r.note}` : ""}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section>
        <h2>Actions</h2>
        <div class="card">
          <table>
            <tbody>
              {actions.length === 0 ? <Empty cols={4} text="No actions for this order." /> : null}
              {actions.map((a) => (
                <tr>
                  <td>{formatIst(a.createdAt)}</td>
                  <td>
                    {a.connector}/{a.kind}
                  </td>
                  <td>
                    <StatusTag status={a.status} /> <span class="muted">{a.attempts} attempts</span>
                  </td>
                  <td>{a.lastError ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>,
  );
});
