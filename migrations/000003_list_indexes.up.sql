-- Indexes for the list endpoints at scale (100k apartments, 1M invoices): each serves a list's
-- filter (company, active rows) and its ORDER BY, so a page of 100 reads 100 index entries instead of
-- sorting every row of the company, and its X-Total-Count COUNT(*) is answered from the index.

-- GET /compounds: WHERE company_id = ? AND is_active = 1 ORDER BY name, id
CREATE INDEX idx_compounds_company_active_name ON compounds (company_id, is_active, name);
-- GET /apartments: WHERE company_id = ? AND is_active = 1 ORDER BY unit_number, id
CREATE INDEX idx_apartments_company_active_unit ON apartments (company_id, is_active, unit_number);
-- GET /tenants: WHERE company_id = ? AND is_active = 1 ORDER BY last_name, first_name, id
CREATE INDEX idx_tenants_company_active_name ON tenants (company_id, is_active, last_name, first_name);
-- GET /occupancies: WHERE company_id = ? AND is_active = 1 ORDER BY lease_start_date DESC
CREATE INDEX idx_occupancies_company_active_start ON occupancies (company_id, is_active, lease_start_date);
-- GET /invoices: WHERE company_id = ? AND is_active = 1 ORDER BY invoice_date DESC, created_at DESC, id DESC
CREATE INDEX idx_invoices_company_active_date ON invoices (company_id, is_active, invoice_date, created_at);
-- GET /payments: WHERE company_id = ? AND is_active = 1 ORDER BY paid_at DESC, created_at DESC, id DESC
CREATE INDEX idx_payments_company_active_paid ON payments (company_id, is_active, paid_at, created_at);
