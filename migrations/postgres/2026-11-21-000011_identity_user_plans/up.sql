-- Identity: the rate-limit plan an operator assigned to a user (and their API keys); NULL
-- means the default plan of the caller's class.
ALTER TABLE identity_users ADD COLUMN plan TEXT;
