DROP INDEX idx_occupancies_company_active_status_rent ON occupancies;
DROP TRIGGER IF EXISTS invoices_totals_delete;
DROP TRIGGER IF EXISTS invoices_totals_update;
DROP TRIGGER IF EXISTS invoices_totals_insert;
DROP TABLE IF EXISTS invoice_totals;
