-- TernantApp v1.0.1's schema, as TypeORM's synchronize creates it, plus the composite indexes its
-- performance migration intended (that migration never ran: it named camelCase columns).
-- Conventions: UUID ids as varchar(36); company_id is indexed but has no foreign key (TernantApp's
-- TenantBaseEntity); money is DECIMAL(15,2); JSON columns keep TypeORM's camelCase names.
-- The single-column company_id index of TenantBaseEntity is left out where a composite index already
-- starts with company_id: it would only slow writes.

CREATE TABLE companies (
  id varchar(36) NOT NULL,
  name varchar(255) NOT NULL,
  slug varchar(100) NOT NULL,
  email varchar(255) NULL,
  phone varchar(50) NULL,
  currency varchar(10) NOT NULL DEFAULT 'USD',
  timezone varchar(50) NOT NULL DEFAULT 'UTC',
  email_settings json NULL,
  reminder_preferences json NULL,
  branding json NULL,
  is_active tinyint NOT NULL DEFAULT 1,
  created_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_companies_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE users (
  id varchar(36) NOT NULL,
  company_id varchar(36) NULL,
  first_name varchar(100) NOT NULL,
  last_name varchar(100) NOT NULL,
  email varchar(255) NOT NULL,
  password_hash varchar(255) NOT NULL,
  role enum('SUPER_ADMIN','OWNER','ADMIN','STAFF','AUDITOR','TENANT_PORTAL') NOT NULL DEFAULT 'STAFF',
  is_super_admin tinyint NOT NULL DEFAULT 0,
  status enum('ACTIVE','INACTIVE','SUSPENDED','PENDING') NOT NULL DEFAULT 'ACTIVE',
  profile json NULL,
  last_login_at timestamp NULL,
  last_login_ip varchar(45) NULL,
  email_verified_at timestamp NULL,
  verification_token varchar(255) NULL,
  reset_token varchar(255) NULL,
  reset_token_expires_at timestamp NULL,
  created_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_users_company_email (company_id, email),
  KEY idx_users_company_status (company_id, status),
  KEY idx_users_role (role),
  -- POST /auth/login and registration's "email exists in any company" look a user up by email alone.
  KEY idx_users_email (email),
  CONSTRAINT fk_users_company FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE compounds (
  id varchar(36) NOT NULL,
  company_id varchar(36) NOT NULL,
  name varchar(255) NOT NULL,
  address_line varchar(500) NOT NULL,
  city varchar(100) NOT NULL,
  region varchar(100) NULL,
  country varchar(100) NOT NULL,
  geo_lat decimal(10,7) NULL,
  geo_lng decimal(10,7) NULL,
  notes text NULL,
  is_active tinyint NOT NULL DEFAULT 1,
  created_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY idx_compounds_company_name (company_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE apartments (
  id varchar(36) NOT NULL,
  company_id varchar(36) NOT NULL,
  compound_id varchar(36) NOT NULL,
  unit_number varchar(50) NOT NULL,
  floor int NULL,
  bedrooms int NULL,
  bathrooms int NULL,
  area_sqm decimal(10,2) NULL,
  monthly_rent decimal(15,2) NULL,
  status enum('available','occupied','maintenance','reserved') NOT NULL DEFAULT 'available',
  amenities json NULL,
  notes text NULL,
  is_active tinyint NOT NULL DEFAULT 1,
  created_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_apartments_company_compound_unit (company_id, compound_id, unit_number),
  KEY idx_apartments_company_active (company_id, is_active),
  KEY idx_apartments_compound_status (compound_id, status),
  CONSTRAINT fk_apartments_compound FOREIGN KEY (compound_id) REFERENCES compounds (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE tenants (
  id varchar(36) NOT NULL,
  company_id varchar(36) NOT NULL,
  first_name varchar(100) NOT NULL,
  last_name varchar(100) NOT NULL,
  email varchar(255) NOT NULL,
  phone varchar(50) NULL,
  alternate_phone varchar(50) NULL,
  date_of_birth date NULL,
  id_type varchar(50) NULL,
  id_number varchar(100) NULL,
  current_address text NULL,
  emergency_contact_name varchar(255) NULL,
  emergency_contact_phone varchar(50) NULL,
  emergency_contact_relationship varchar(100) NULL,
  employer_name varchar(255) NULL,
  employer_phone varchar(100) NULL,
  monthly_income decimal(15,2) NULL,
  `references` json NULL,
  documents json NULL,
  notes text NULL,
  status enum('active','inactive','blacklisted') NOT NULL DEFAULT 'active',
  is_active tinyint NOT NULL DEFAULT 1,
  created_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_tenants_company_email (company_id, email),
  KEY idx_tenants_company_phone (company_id, phone)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE occupancies (
  id varchar(36) NOT NULL,
  company_id varchar(36) NOT NULL,
  tenant_id varchar(36) NOT NULL,
  apartment_id varchar(36) NOT NULL,
  lease_start_date date NOT NULL,
  lease_end_date date NOT NULL,
  monthly_rent decimal(15,2) NOT NULL,
  security_deposit decimal(15,2) NULL,
  deposit_paid decimal(15,2) NOT NULL DEFAULT 0.00,
  move_in_date date NULL,
  move_out_date date NULL,
  status enum('pending','active','ended','cancelled') NOT NULL DEFAULT 'pending',
  notes text NULL,
  is_active tinyint NOT NULL DEFAULT 1,
  created_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY idx_occupancies_company_apartment_status (company_id, apartment_id, status),
  KEY idx_occupancies_company_tenant_status (company_id, tenant_id, status),
  KEY idx_occupancies_company_lease_end (company_id, lease_end_date),
  KEY idx_occupancies_company_status (company_id, status),
  CONSTRAINT fk_occupancies_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT fk_occupancies_apartment FOREIGN KEY (apartment_id) REFERENCES apartments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE invoices (
  id varchar(36) NOT NULL,
  company_id varchar(36) NOT NULL,
  invoice_number varchar(50) NOT NULL,
  occupancy_id varchar(36) NOT NULL,
  tenant_id varchar(36) NOT NULL,
  invoice_date date NOT NULL,
  due_date date NOT NULL,
  status enum('draft','sent','paid','overdue','cancelled') NOT NULL DEFAULT 'draft',
  lineItems json NOT NULL,
  subtotal decimal(15,2) NOT NULL,
  tax_amount decimal(15,2) NOT NULL DEFAULT 0.00,
  total_amount decimal(15,2) NOT NULL,
  amount_paid decimal(15,2) NOT NULL DEFAULT 0.00,
  notes text NULL,
  paid_date date NULL,
  is_active tinyint NOT NULL DEFAULT 1,
  created_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_invoices_company_number (company_id, invoice_number),
  KEY idx_invoices_company_occupancy_status (company_id, occupancy_id, status),
  KEY idx_invoices_company_tenant_status (company_id, tenant_id, status),
  KEY idx_invoices_company_due (company_id, due_date),
  KEY idx_invoices_company_status (company_id, status),
  KEY idx_invoices_occupancy_date (occupancy_id, invoice_date),
  CONSTRAINT fk_invoices_occupancy FOREIGN KEY (occupancy_id) REFERENCES occupancies (id),
  CONSTRAINT fk_invoices_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE payments (
  id varchar(36) NOT NULL,
  company_id varchar(36) NOT NULL,
  invoice_id varchar(36) NOT NULL,
  amount decimal(15,2) NOT NULL,
  paid_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  method enum('CASH','BANK','MOBILE','CARD','OTHER') NOT NULL,
  reference varchar(255) NULL,
  metadata json NULL,
  notes text NULL,
  is_active tinyint NOT NULL DEFAULT 1,
  created_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY idx_payments_company_invoice (company_id, invoice_id),
  KEY idx_payments_company_paid_at (company_id, paid_at),
  CONSTRAINT fk_payments_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE reminders (
  id varchar(36) NOT NULL,
  company_id varchar(36) NOT NULL,
  type enum('DUE_SOON','OVERDUE','RECEIPT','WELCOME') NOT NULL,
  tenant_id varchar(36) NOT NULL,
  invoice_id varchar(36) NULL,
  subject varchar(255) NOT NULL,
  message text NOT NULL,
  recipient varchar(255) NOT NULL,
  status enum('PENDING','SENT','FAILED') NOT NULL DEFAULT 'PENDING',
  scheduled_for timestamp NULL,
  sent_at timestamp NULL,
  error_message text NULL,
  retry_count int NOT NULL DEFAULT 0,
  metadata json NULL,
  is_active tinyint NOT NULL DEFAULT 1,
  created_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  -- GET /reminders lists a company's reminders filtered by status, newest schedule first.
  KEY idx_reminders_company_status_scheduled (company_id, status, scheduled_for),
  -- The due-soon/overdue jobs ask "has this invoice a SENT reminder of this type?".
  KEY idx_reminders_invoice_type_status (invoice_id, type, status),
  CONSTRAINT fk_reminders_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT fk_reminders_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
