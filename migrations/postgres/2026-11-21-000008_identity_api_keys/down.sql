DROP TABLE identity_api_keys;
