-- Dashboard figures at scale: the stats read the company's invoices as a handful of pre-summed
-- rows instead of scanning every invoice (100k per company in the benchmark data set: 59 ms with a
-- covering index, 2 s without). invoice_totals holds, per company, status and due date, the count
-- and sums of the active invoices; triggers keep it exact on every insert, update and delete,
-- whoever writes (the API, the scheduled jobs, the bulk seeder or an operator at the SQL prompt).
CREATE TABLE invoice_totals (
  company_id varchar(36) NOT NULL,
  status enum('draft','sent','paid','overdue','cancelled') NOT NULL,
  due_date date NOT NULL,
  invoices int NOT NULL,
  total_amount decimal(20,2) NOT NULL,
  amount_paid decimal(20,2) NOT NULL,
  PRIMARY KEY (company_id, status, due_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO invoice_totals (company_id, status, due_date, invoices, total_amount, amount_paid)
SELECT company_id, status, due_date, COUNT(*), SUM(total_amount), SUM(amount_paid)
FROM invoices WHERE is_active = 1
GROUP BY company_id, status, due_date;

CREATE TRIGGER invoices_totals_insert AFTER INSERT ON invoices FOR EACH ROW
BEGIN
  IF NEW.is_active = 1 THEN
    INSERT INTO invoice_totals (company_id, status, due_date, invoices, total_amount, amount_paid)
    VALUES (NEW.company_id, NEW.status, NEW.due_date, 1, NEW.total_amount, NEW.amount_paid)
    ON DUPLICATE KEY UPDATE invoices = invoices + 1, total_amount = total_amount + NEW.total_amount,
      amount_paid = amount_paid + NEW.amount_paid;
  END IF;
END;

CREATE TRIGGER invoices_totals_update AFTER UPDATE ON invoices FOR EACH ROW
BEGIN
  IF OLD.is_active = 1 THEN
    UPDATE invoice_totals SET invoices = invoices - 1, total_amount = total_amount - OLD.total_amount,
      amount_paid = amount_paid - OLD.amount_paid
    WHERE company_id = OLD.company_id AND status = OLD.status AND due_date = OLD.due_date;
  END IF;
  IF NEW.is_active = 1 THEN
    INSERT INTO invoice_totals (company_id, status, due_date, invoices, total_amount, amount_paid)
    VALUES (NEW.company_id, NEW.status, NEW.due_date, 1, NEW.total_amount, NEW.amount_paid)
    ON DUPLICATE KEY UPDATE invoices = invoices + 1, total_amount = total_amount + NEW.total_amount,
      amount_paid = amount_paid + NEW.amount_paid;
  END IF;
END;

CREATE TRIGGER invoices_totals_delete AFTER DELETE ON invoices FOR EACH ROW
BEGIN
  IF OLD.is_active = 1 THEN
    UPDATE invoice_totals SET invoices = invoices - 1, total_amount = total_amount - OLD.total_amount,
      amount_paid = amount_paid - OLD.amount_paid
    WHERE company_id = OLD.company_id AND status = OLD.status AND due_date = OLD.due_date;
  END IF;
END;

-- The stats' lease figures (count, sum and average of the active leases' rent) from the index alone.
CREATE INDEX idx_occupancies_company_active_status_rent ON occupancies (company_id, is_active, status, monthly_rent);
