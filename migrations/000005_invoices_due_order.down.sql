DROP INDEX idx_invoices_company_active_due ON invoices;
