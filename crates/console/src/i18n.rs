//! Catalogues of every console text in Chinese (default) and English, and the language a
//! request is shown in (from the `pc_lang` cookie).

use pc_domain::DomainError;
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The cookie value, or Chinese when absent or unknown.
    pub fn from_tag(tag: Option<&str>) -> Lang {
        match tag {
            Some("en") => Lang::En,
            _ => Lang::ZhCn,
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::ZhCn => include_str!("../i18n/zh-CN.toml"),
            Lang::En => include_str!("../i18n/en.toml"),
        }
    }
}

pub type Catalogue = BTreeMap<String, String>;

/// Nested TOML tables flattened to dotted keys: `[nav] customers = …` → `nav.customers`.
fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalogue) {
    for (k, v) in table {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => panic!("catalogue entry {key} is not text: {other}"),
        }
    }
}

pub fn parse_catalogue(source: &str) -> Catalogue {
    let table: toml::Table = source.parse().expect("catalogue is valid TOML");
    let mut out = Catalogue::new();
    flatten("", &table, &mut out);
    out
}

pub fn catalogue(lang: Lang) -> &'static Catalogue {
    static ZH: OnceLock<Catalogue> = OnceLock::new();
    static EN: OnceLock<Catalogue> = OnceLock::new();
    let cell = match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    };
    cell.get_or_init(|| parse_catalogue(lang.source()))
}

/// The text of `key`; a missing key shows as itself (the catalogue test keeps none missing).
pub fn tr(lang: Lang, key: &str) -> String {
    catalogue(lang).get(key).cloned().unwrap_or_else(|| key.to_owned())
}

/// An error as the console shows it: its CBC code and the message in the person's language.
/// English shows the rule's own message, which names the field; Chinese the translation of
/// the code's message.
pub fn error_text(lang: Lang, e: &DomainError) -> (String, String) {
    let code = e.code.code().to_owned();
    let message = match lang {
        Lang::En => e.message.clone(),
        Lang::ZhCn => tr(lang, &format!("error.{code}")),
    };
    (code, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pc_domain::ErrorCode;

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let zh: Vec<_> = catalogue(Lang::ZhCn).keys().collect();
        let en: Vec<_> = catalogue(Lang::En).keys().collect();
        let only_zh: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
        assert!(only_zh.is_empty() && only_en.is_empty(), "only zh-CN: {only_zh:?}; only en: {only_en:?}");
    }

    #[test]
    fn every_error_code_is_translated() {
        for lang in Lang::ALL {
            for &code in ErrorCode::ALL {
                assert!(catalogue(lang).contains_key(&format!("error.{}", code.code())), "{} lacks {}", lang.tag(), code.code());
            }
        }
    }

    /// Keys that templates build from a value (`t('kind.' ~ x)`) exist for every value the
    /// pages can pass.
    #[test]
    fn every_computed_key_exists() {
        let families: &[(&str, &[&str])] = &[
            ("kind", &["operator", "customer", "distributor", "reseller", "solution_provider"]),
            ("assoc", &["resale", "consultative"]),
            ("coupon_status", &["1", "2", "3", "4", "5"]),
            ("quota_status", &["0", "3", "4", "5", "6"]),
            ("funds", &["allocate", "reclaim", "done_allocate", "done_reclaim"]),
            ("keys", &["status_active", "status_disabled"]),
            ("exports", &["kind_customers", "kind_fund_records", "status_pending", "status_done", "status_failed"]),
            ("customers", &["field_name", "field_mobile", "field_email"]),
            ("operator", &["done_top_up", "done_quota"]),
        ];
        for lang in Lang::ALL {
            for (family, values) in families {
                for v in *values {
                    let key = format!("{family}.{v}");
                    assert!(catalogue(lang).contains_key(&key), "{} lacks {key}", lang.tag());
                }
            }
        }
    }

    #[test]
    fn chinese_is_the_default() {
        assert_eq!(Lang::from_tag(None), Lang::ZhCn);
        assert_eq!(Lang::from_tag(Some("fr")), Lang::ZhCn);
        assert_eq!(Lang::from_tag(Some("en")), Lang::En);
        let e = DomainError::of(ErrorCode::InsufficientBalance);
        assert_eq!(error_text(Lang::ZhCn, &e).0, "CBC.99005003");
        assert_ne!(error_text(Lang::ZhCn, &e).1, error_text(Lang::En, &e).1);
    }
}
