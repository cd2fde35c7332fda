/** post_delivery: after a carrier-confirmed delivery, the next due step of the review / care / cross-sell sequence. */
import { postDeliveryKey } from "../../canonical/vocabulary";
import type { ActionSpec } from "../../canonical/actions";
import type { PostDeliveryContext } from "../context";
import { HOUR_MS, hours, localTime } from "../format";
import type { Policy, PostDeliveryStep } from "../policy";
import type { DecisionDraft } from "../types";
import { isEmailTemplate } from "../../messages/email/templates";
import { customerEmail, draft, emailItems, firstName, whatsappTemplate } from "./build";

/** When the next step falls due, for the OrderJourney alarm; null when the sequence is over. */
export function nextPostDeliveryStepAt(ctx: Pick<PostDeliveryContext, "journey" | "stepsDone">, policy: Policy): number | null {
  const deliveredAt = ctx.journey.deliveredAt;
  if (deliveredAt === null) return null;
  const next = pendingSteps(policy, ctx.stepsDone)[0];
  return next ? deliveredAt + next.delayHours * HOUR_MS : null;
}

export function decidePostDelivery(ctx: PostDeliveryContext, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.post_delivery;
  const { order, journey, customer } = ctx;
  // Only a carrier scan proves delivery; a timer since shipping never does.
  if (journey.state !== "delivered" || journey.deliveredAt === null) return null;
  if (ctx.openTicket || ctx.openReturn) return null;

  const sinceMs = now - journey.deliveredAt;
  const due = pendingSteps(policy, ctx.stepsDone).filter((s) => sinceMs >= s.delayHours * HOUR_MS && sinceMs <= (s.delayHours + p.maxLateHours) * HOUR_MS);
  for (const step of due) {
    const action = actionFor(step, ctx, policy);
    if (!action) continue;
    const offset = policy.quietHours.utcOffsetMinutes;
    return draft(
      {
        type: "post_delivery",
        subjectType: "order",
        subjectId: order.id,
        dedupeKey: postDeliveryKey(order.id, step.name),
        reasons: [
          `delivered by carrier ${localTime(journey.deliveredAt, offset)}, ${hours(sinceMs)} ago (step ${step.name} due after ${step.delayHours} h)`,
          "no open ticket or return",
          ...(step.marketing ? ["customer accepts marketing"] : []),
        ],
        inputs: { deliveredAt: journey.deliveredAt, step: step.name, channel: step.channel, stepsDone: ctx.stepsDone, customerId: customer?.id ?? null },
        actions: [action],
      },
      policy,
      now,
    );
  }
  return null;
}

function pendingSteps(policy: Policy, done: readonly string[]): PostDeliveryStep[] {
  return [...policy.post_delivery.steps].filter((s) => !done.includes(s.name)).sort((a, b) => a.delayHours - b.delayHours);
}

function actionFor(step: PostDeliveryStep, ctx: PostDeliveryContext, policy: Policy): ActionSpec | null {
  const { order, customer } = ctx;
  if (step.marketing && !customer?.acceptsMarketing) return null;
  const name = firstName(order.customerFirstName ?? customer?.firstName ?? null);
  const phone = order.phone ?? customer?.phone ?? null;
  const email = order.email ?? customer?.email ?? null;
  if (step.channel === "whatsapp" && phone && !(step.marketing && !customer?.acceptsWhatsapp)) {
    return whatsappTemplate(phone, step.template, [name, order.name]);
  }
  // An email step, or a WhatsApp step for a customer without a number, when the step has an email.
  if (!email || !isEmailTemplate(step.template)) return null;
  return customerEmail(email, step.template, { firstName: name, orderName: order.name, items: emailItems(order.lineItems) }, policy);
}
