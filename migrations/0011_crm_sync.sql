-- When a customer's predictions last went to the CRMs (epoch ms): the daily sync sends each customer
-- once a day in the vendors' batch APIs, so the outbox key is the page's, and this column keeps a
-- second run on the same day from sending anyone twice.
ALTER TABLE `customer_models` ADD `crm_synced_at` integer;
