-- Sign-in attempts remember the client address they came from and get an id, so an attempt
-- can be recorded before its password is checked and settled afterwards. Gate rows serialize
-- the attempts of one login and of one address on PostgreSQL (SQLite's write lock already
-- does), so parallel wrong passwords cannot overtake the lockout.
ALTER TABLE console_login_attempts ADD COLUMN client_addr TEXT NOT NULL DEFAULT '';
ALTER TABLE console_login_attempts ADD COLUMN attempt_id TEXT;
CREATE UNIQUE INDEX console_login_attempts_id ON console_login_attempts (attempt_id);
CREATE INDEX console_login_attempts_client ON console_login_attempts (client_addr, attempted_at);

CREATE TABLE console_sign_in_gates (
    gate TEXT PRIMARY KEY
);
