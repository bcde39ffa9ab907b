DROP INDEX idx_payments_company_active_paid ON payments;
DROP INDEX idx_invoices_company_active_date ON invoices;
DROP INDEX idx_occupancies_company_active_start ON occupancies;
DROP INDEX idx_tenants_company_active_name ON tenants;
DROP INDEX idx_apartments_company_active_unit ON apartments;
DROP INDEX idx_compounds_company_active_name ON compounds;
