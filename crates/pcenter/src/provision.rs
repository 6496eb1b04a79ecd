//! Operator provisioning shared by `admin` commands and the demo seed: accounts, access
//! keys and console logins.

use pc_api::passwords::hash_password_blocking;
use pc_api::vault::IssuedKey;
use pc_api::KeyVault;
use pc_domain::funds::TransferKind;
use pc_domain::money::Money;
use pc_domain::tenancy::{AccountKind, AssociationType};
use pc_domain::{DomainId, DomainName};
use pc_storage::{Account, Db, NewAccount, StoredKey, TransferCommand};
use rand::Rng;

pub struct Provisioner<'a> {
    pub db: &'a Db,
    pub vault: &'a KeyVault,
}

/// An account as the operator hands it over: keys and console password shown once, on
/// purpose, by serializing it. `Debug` (logs, panics) never shows the secrets.
#[derive(serde::Serialize)]
pub struct Handover {
    pub domain_id: String,
    pub domain_name: String,
    pub ak: String,
    pub sk: String,
    pub login: String,
    pub password: String,
}

impl std::fmt::Debug for Handover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handover")
            .field("domain_id", &self.domain_id)
            .field("domain_name", &self.domain_name)
            .field("ak", &self.ak)
            .field("sk", &"***")
            .field("login", &self.login)
            .field("password", &"***")
            .finish()
    }
}

impl Provisioner<'_> {
    pub async fn create_account(
        &self,
        name: &str,
        kind: AccountKind,
        parent: Option<&DomainId>,
        display_name: &str,
        email: Option<String>,
    ) -> anyhow::Result<Account> {
        let domain_name = DomainName::parse(name).map_err(|e| anyhow::anyhow!("{}", e.message))?;
        Ok(self
            .db
            .create_account(&NewAccount {
                domain_name,
                kind,
                parent_id: parent.cloned(),
                display_name: display_name.to_owned(),
                email,
                mobile: None,
            })
            .await?)
    }

    pub async fn issue_key(&self, account: &DomainId, member_id: Option<&str>) -> anyhow::Result<IssuedKey> {
        let key = self.vault.issue();
        self.db
            .insert_access_key(&StoredKey {
                access_key_id: key.access_key_id.clone(),
                domain_id: account.clone(),
                member_id: member_id.map(|m| pc_domain::MemberId::from_trusted(m.to_owned())),
                secret_sealed: key.sealed.clone(),
            })
            .await?;
        Ok(key)
    }

    pub async fn create_login(&self, login: &str, account: &DomainId, member_id: Option<&str>) -> anyhow::Result<String> {
        let password = random_password();
        let hash = hash_password_blocking(&password)?;
        self.db.create_login(login, account, member_id, &hash).await?;
        Ok(password)
    }

    /// An account with a key pair and a console login named like the account.
    pub async fn handover(&self, account: &Account) -> anyhow::Result<Handover> {
        let key = self.issue_key(&account.domain_id, None).await?;
        let password = self.create_login(&account.domain_name, &account.domain_id, None).await?;
        Ok(Handover {
            domain_id: account.domain_id.to_string(),
            domain_name: account.domain_name.clone(),
            ak: key.access_key_id,
            sk: key.secret,
            login: account.domain_name.clone(),
            password,
        })
    }

    /// Operator top-up of a partner's cash account, journaled like every movement.
    pub async fn top_up(&self, operator: &DomainId, partner: &DomainId, amount: Money) -> anyhow::Result<String> {
        let cmd = TransferCommand {
            kind: TransferKind::TopUp,
            actor: operator.clone(),
            counterparty: partner.clone(),
            from_owner: None,
            to_owner: partner.clone(),
            amount,
            idempotency: None,
            by: None,
        };
        Ok(self.db.transfer(&cmd).await?.transfer_id().to_owned())
    }

    pub async fn associate(&self, customer: &DomainId, partner: &DomainId, kind: AssociationType) -> anyhow::Result<()> {
        Ok(self.db.associate_customer(customer, partner, kind).await?)
    }
}

/// 16 characters with upper, lower, digits and a symbol, so it passes every password rule.
pub fn random_password() -> String {
    const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let body: String = (0..12).map(|_| ALNUM[rng.gen_range(0..ALNUM.len())] as char).collect();
    format!("Pc{body}#{}", rng.gen_range(10..100))
}

#[cfg(test)]
mod tests {
    use super::Handover;

    #[test]
    fn debug_never_shows_the_secret_key_or_password() {
        let h = Handover {
            domain_id: "d".into(),
            domain_name: "n".into(),
            ak: "AKVISIBLE".into(),
            sk: "SECRET-SK-VALUE".into(),
            login: "login".into(),
            password: "SECRET-PASSWORD".into(),
        };
        let shown = format!("{h:?}");
        assert!(shown.contains("AKVISIBLE"));
        assert!(!shown.contains("SECRET-SK-VALUE") && !shown.contains("SECRET-PASSWORD"), "{shown}");
    }
}
