-- Stored first responses for requests sent with an Idempotency-Key header (POST /payments,
-- POST /invoices/:id/payment). A retry with the same key and body replays the stored response.
CREATE TABLE idempotency_keys (
  company_id varchar(36) NOT NULL,
  idempotency_key varchar(255) NOT NULL,
  scope varchar(100) NOT NULL,
  request_hash char(64) NOT NULL,
  status_code int NULL,
  response_body longtext NULL,
  created_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (company_id, scope, idempotency_key),
  -- The cleanup job deletes keys older than their retention window.
  KEY idx_idempotency_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
