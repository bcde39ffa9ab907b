-- GET /invoices/overdue and /invoices/due-soon: WHERE company_id = ? AND is_active = 1 AND (status,
-- due date conditions) ORDER BY due_date, created_at, id LIMIT n. Without an index in that order
-- MariaDB sorted every open invoice of the company (a filesort over ~100k rows: 0.5 s at the
-- benchmark's size); with it a page reads its rows in order and stops at the limit.
CREATE INDEX idx_invoices_company_active_due ON invoices (company_id, is_active, due_date, created_at);

-- GET /apartments?status=...: WHERE company_id = ? AND is_active = 1 AND status = ? ORDER BY
-- unit_number, id; the count and the page both read only the status's entries.
CREATE INDEX idx_apartments_company_active_status_unit ON apartments (company_id, is_active, status, unit_number);
