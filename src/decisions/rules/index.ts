/** Every rule by decision type, with one signature (context, policy, now) → drafts, for the shell and the backtest. */
import { decideAnomalies } from "../anomalies";
import { decideInboundMessage, type InboundContext } from "../inbound-message";
import type {
  AnomalyContext,
  CarrierRouteAlertContext,
  ChurnInterventionContext,
  CodConfirmationContext,
  DelayAlertContext,
  InventoryReorderContext,
  NdrFollowupContext,
  PostDeliveryContext,
  ReorderPromptContext,
  ReturnProcessingContext,
  StatusNotificationContext,
  SupportEscalationContext,
  WismoContext,
} from "../context";
import type { Policy } from "../policy";
import type { DecisionDraft, DecisionType } from "../types";
import { decideCarrierRouteAlerts } from "./carrier-route-alert";
import { decideChurnIntervention } from "./churn-intervention";
import { decideCodConfirmation } from "./cod-confirmation";
import { decideDelayAlert } from "./delay-alert";
import { decideInventoryReorder } from "./inventory-reorder";
import { decideNdrFollowup } from "./ndr-followup";
import { decidePostDelivery } from "./post-delivery";
import { decideReorderPrompt } from "./reorder-prompt";
import { decideReturnProcessing } from "./return-processing";
import { decideStatusNotification } from "./status-notification";
import { decideSupportEscalation } from "./support-escalation";
import { decideWismoAutoreply } from "./wismo-autoreply";

export interface ContextFor {
  delay_alert: DelayAlertContext;
  status_notification: StatusNotificationContext;
  reorder_prompt: ReorderPromptContext;
  wismo_autoreply: WismoContext;
  support_escalation: SupportEscalationContext;
  inventory_reorder: InventoryReorderContext;
  post_delivery: PostDeliveryContext;
  churn_intervention: ChurnInterventionContext;
  carrier_route_alert: CarrierRouteAlertContext;
  ndr_followup: NdrFollowupContext;
  cod_confirmation: CodConfirmationContext;
  return_processing: ReturnProcessingContext;
  anomaly: AnomalyContext;
  whatsapp_inbound: InboundContext;
}

type Rule<K extends DecisionType> = (ctx: ContextFor[K], policy: Policy, now: number) => DecisionDraft[];
const many = <C>(rule: (ctx: C, policy: Policy, now: number) => DecisionDraft | null) => (ctx: C, policy: Policy, now: number) => {
  const d = rule(ctx, policy, now);
  return d ? [d] : [];
};

/** Runs the rule for a type. Does not look at `enabled`/`mode`: the shell (and backtest) apply those. */
export const RULES: { [K in DecisionType]: Rule<K> } = {
  delay_alert: many(decideDelayAlert),
  status_notification: many(decideStatusNotification),
  reorder_prompt: many(decideReorderPrompt),
  wismo_autoreply: many(decideWismoAutoreply),
  support_escalation: many(decideSupportEscalation),
  inventory_reorder: many(decideInventoryReorder),
  post_delivery: many(decidePostDelivery),
  churn_intervention: many(decideChurnIntervention),
  carrier_route_alert: decideCarrierRouteAlerts,
  ndr_followup: many(decideNdrFollowup),
  cod_confirmation: many(decideCodConfirmation),
  return_processing: many(decideReturnProcessing),
  anomaly: decideAnomalies,
  whatsapp_inbound: (ctx, policy, now) => decideInboundMessage(ctx, policy, now).drafts,
};

export {
  decideCarrierRouteAlerts,
  decideChurnIntervention,
  decideCodConfirmation,
  decideDelayAlert,
  decideInventoryReorder,
  decideNdrFollowup,
  decidePostDelivery,
  decideReorderPrompt,
  decideReturnProcessing,
  decideStatusNotification,
  decideSupportEscalation,
  decideWismoAutoreply,
};
export { cartPermalink } from "./reorder-prompt";
export { nextPostDeliveryStepAt } from "./post-delivery";
export { escalationDedupeKey } from "./support-escalation";
