//! The one place a `TenantScope` becomes SQL: every read of tenant data adds the condition
//! built here, so a read cannot return another tenant's rows, nor a scoped member's
//! unmanaged customers'.

use crate::sql::Sql;
use pc_domain::tenancy::{CustomerScope, Reach, TenantScope};

/// `customer_col` is a customer the member manages.
pub(crate) fn managed_by(sql: &mut Sql, customer_col: &str, member: &str) -> String {
    let m = sql.text_param(member);
    format!("EXISTS (SELECT 1 FROM customer_managers cm WHERE cm.customer_id = {customer_col} AND cm.member_id = {m})")
}

/// ` AND ...` keeping the rows of customer data in `scope`: `owner_col` is the partner a row
/// belongs to, `customer_col` its customer.
pub(crate) fn restrict(sql: &mut Sql, scope: &TenantScope, owner_col: &str, customer_col: &str) -> String {
    match scope.reach() {
        Reach::Partner { owner, customers } => {
            let p = sql.text_param(owner.as_str());
            let mut cond = format!(" AND {owner_col} = {p}");
            if let CustomerScope::ManagedBy(member) = customers {
                cond += &format!(" AND {}", managed_by(sql, customer_col, member));
            }
            cond
        }
        Reach::Customer(me) => {
            let p = sql.text_param(me.as_str());
            format!(" AND {customer_col} = {p}")
        }
        Reach::Everyone => String::new(),
    }
}

/// ` AND ...` keeping partner-level rows (quotas and their records) of `scope`: a partner's
/// own, whatever its members' customer scope; a customer owns none.
pub(crate) fn restrict_owner(sql: &mut Sql, scope: &TenantScope, owner_col: &str) -> String {
    match scope.reach() {
        Reach::Partner { owner, .. } | Reach::Customer(owner) => {
            let p = sql.text_param(owner.as_str());
            format!(" AND {owner_col} = {p}")
        }
        Reach::Everyone => String::new(),
    }
}

/// The partner's own customer of a customer-owned row without a partner column.
pub(crate) fn partner_of(customer_col: &str) -> String {
    format!("(SELECT s.partner_id FROM associations s WHERE s.customer_id = {customer_col})")
}
