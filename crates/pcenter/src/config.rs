//! Settings, from (highest first) command-line flags, environment, an optional TOML file,
//! then defaults.

use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const DEFAULT_DB: &str = "sqlite://pcenter.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_KEY_FILE: &str = "pcenter.key";

/// The optional file: `--config PATH` / `PCENTER_CONFIG`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub db: Option<String>,
    pub listen: Option<String>,
    pub key_file: Option<PathBuf>,
    pub log: Option<String>,
}

impl FileConfig {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read config file {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("config file {} is invalid: {e}", path.display()))
    }
}

/// What flags and environment gave (clap folds the two, flags first).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub db: Option<String>,
    pub listen: Option<String>,
    pub key_file: Option<PathBuf>,
    pub log: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub db: String,
    pub listen: String,
    pub key_file: PathBuf,
    pub log: String,
}

impl Settings {
    pub fn resolve(overrides: Overrides, file: FileConfig) -> Self {
        Settings {
            db: overrides.db.or(file.db).unwrap_or_else(|| DEFAULT_DB.to_owned()),
            listen: overrides.listen.or(file.listen).unwrap_or_else(|| DEFAULT_LISTEN.to_owned()),
            key_file: overrides.key_file.or(file.key_file).unwrap_or_else(|| PathBuf::from(DEFAULT_KEY_FILE)),
            log: overrides.log.or(file.log).unwrap_or_else(|| "info".to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_env_beat_file_beats_defaults() {
        let file = FileConfig { db: Some("postgres://file".into()), listen: Some("0.0.0.0:1".into()), key_file: None, log: None };
        let s = Settings::resolve(Overrides { db: Some("sqlite://flag.db".into()), ..Default::default() }, file);
        assert_eq!(s.db, "sqlite://flag.db");
        assert_eq!(s.listen, "0.0.0.0:1");
        assert_eq!(s.key_file, PathBuf::from(DEFAULT_KEY_FILE));
        let d = Settings::resolve(Overrides::default(), FileConfig::default());
        assert_eq!((d.db.as_str(), d.listen.as_str()), (DEFAULT_DB, DEFAULT_LISTEN));
    }

    #[test]
    fn file_rejects_unknown_keys() {
        assert!(toml::from_str::<FileConfig>("db = \"sqlite://x\"\nlisten = \"1.2.3.4:5\"").is_ok());
        assert!(toml::from_str::<FileConfig>("database = \"x\"").is_err());
    }
}
