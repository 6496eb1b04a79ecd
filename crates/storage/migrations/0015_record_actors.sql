-- The real actor of every money, coupon, quota and order record: the account whose key or
-- session made the request and, when a member did, the member. The existing columns keep the
-- account on whose behalf it was done (actor_id, issuer_id, partner_id), so a tier-1 acting
-- for one of its tier-2s is recorded as both. NULL: the product itself (renewals, expiry).
ALTER TABLE fund_transfers ADD COLUMN by_account_id TEXT;
ALTER TABLE fund_transfers ADD COLUMN by_member_id TEXT;
ALTER TABLE coupon_records ADD COLUMN by_account_id TEXT;
ALTER TABLE coupon_records ADD COLUMN by_member_id TEXT;
ALTER TABLE quota_records ADD COLUMN by_account_id TEXT;
ALTER TABLE quota_records ADD COLUMN by_member_id TEXT;
ALTER TABLE orders ADD COLUMN by_account_id TEXT;
ALTER TABLE orders ADD COLUMN by_member_id TEXT;
