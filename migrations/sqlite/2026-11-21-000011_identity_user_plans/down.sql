ALTER TABLE identity_users DROP COLUMN plan;
