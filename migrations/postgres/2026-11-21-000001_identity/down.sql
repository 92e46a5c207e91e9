DROP TABLE identity_login_throttle;
DROP TABLE identity_sessions;
DROP TABLE identity_users;
