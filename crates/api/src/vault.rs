//! The server key that seals access-key secrets at rest. Secrets must be recoverable (the
//! server recomputes signatures), so they are encrypted, not hashed: XChaCha20-Poly1305 with
//! a random nonce and the access key id as associated data, so a sealed secret cannot be
//! moved to another key row.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::{Rng, RngCore};
use std::path::Path;

#[derive(Clone)]
pub struct KeyVault {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for KeyVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyVault(***)")
    }
}

/// A newly issued key pair. The secret is shown once, at creation, and never logged.
#[derive(Clone)]
pub struct IssuedKey {
    pub access_key_id: String,
    pub secret: String,
    pub sealed: String,
}

impl std::fmt::Debug for IssuedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedKey").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
    }
}

fn random_string(len: usize, alphabet: &[u8]) -> String {
    let mut rng = rand::thread_rng();
    (0..len).map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char).collect()
}

impl KeyVault {
    pub fn from_key(key: [u8; 32]) -> Self {
        KeyVault { cipher: XChaCha20Poly1305::new(&key.into()) }
    }

    /// Reads the base64 server key from `path`, creating it (mode 0600) when missing.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        if path.exists() {
            let text = std::fs::read_to_string(path)?;
            let bytes = B64.decode(text.trim()).map_err(|e| anyhow::anyhow!("server key file {} is not base64: {e}", path.display()))?;
            let key: [u8; 32] = bytes.try_into().map_err(|_| anyhow::anyhow!("server key file {} must hold 32 bytes", path.display()))?;
            return Ok(Self::from_key(key));
        }
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        write_private(path, &B64.encode(key))?;
        Ok(Self::from_key(key))
    }

    pub fn seal(&self, access_key_id: &str, secret: &str) -> String {
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        // XChaCha20-Poly1305 only refuses messages of hundreds of gigabytes; should it ever
        // refuse, the key is stored unopenable (it can never authenticate) rather than panic.
        let ct = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: secret.as_bytes(), aad: access_key_id.as_bytes() })
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        B64.encode(out)
    }

    /// `None` if the sealed text was not made by this key for this access key id.
    pub fn open(&self, access_key_id: &str, sealed: &str) -> Option<String> {
        let bytes = B64.decode(sealed).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, ct) = bytes.split_at(24);
        let pt = self.cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: access_key_id.as_bytes() }).ok()?;
        String::from_utf8(pt).ok()
    }

    /// A new AK (20 upper-case letters and digits) and SK (40 letters and digits).
    pub fn issue(&self) -> IssuedKey {
        let access_key_id = random_string(20, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        let secret = random_string(40, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
        let sealed = self.seal(&access_key_id, &secret);
        IssuedKey { access_key_id, secret, sealed }
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_binding() {
        let v = KeyVault::from_key([7; 32]);
        let k = v.issue();
        assert_eq!(v.open(&k.access_key_id, &k.sealed).as_deref(), Some(k.secret.as_str()));
        assert!(!k.sealed.contains(&k.secret));
        assert_eq!(v.open("OTHERKEY", &k.sealed), None, "bound to its access key id");
        assert_eq!(KeyVault::from_key([8; 32]).open(&k.access_key_id, &k.sealed), None, "needs the same server key");
        assert_eq!(k.access_key_id.len(), 20);
        assert_eq!(k.secret.len(), 40);
    }

    #[test]
    fn key_file_is_created_once_and_reused() {
        let dir = std::env::temp_dir().join(format!("pcenter-vault-{}", uuid::Uuid::new_v4().simple()));
        let path = dir.join("server.key");
        let v1 = KeyVault::load_or_create(&path).unwrap();
        let sealed = v1.seal("AK", "secret");
        let v2 = KeyVault::load_or_create(&path).unwrap();
        assert_eq!(v2.open("AK", &sealed).as_deref(), Some("secret"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
