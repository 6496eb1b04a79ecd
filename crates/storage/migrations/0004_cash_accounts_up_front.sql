-- Every partner and customer has its cash account from creation on, so a transfer never has
-- to create one. Accounts that existed before get theirs here.
INSERT INTO fund_accounts (account_id, owner_id, account_type, currency, balance_fen, version, created_at)
SELECT a.domain_id || '-1-CNY', a.domain_id, 1, 'CNY', 0, 0, a.created_at
FROM accounts a
WHERE a.kind IN ('partner', 'customer')
  AND NOT EXISTS (SELECT 1 FROM fund_accounts f WHERE f.owner_id = a.domain_id AND f.account_type = 1 AND f.currency = 'CNY');
