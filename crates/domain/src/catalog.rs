//! The catalog and price book (docs/DOMAIN.md#S-CAT): cloud service types, resource types, specs,
//! usage types, measure units, conversions, regions and prices, parsed from the versioned
//! price-book JSON file and validated once. Codes are the public cloud's own
//! (`hws.service.type.ec2`, `hws.resource.type.vm`, size measure 17 = GB) so partner code
//! written against the real API runs unchanged.

use crate::error::DomainError;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The price-book file as shipped (`pricebook/*.json`). Prices are decimal strings so that no
/// float ever carries them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceBookFile {
    pub version: String,
    /// RFC 3339 instant from which this book prices new inquiries and orders.
    pub effective_from: String,
    pub currency: String,
    pub measure_units: Vec<MeasureUnit>,
    pub conversions: Vec<Conversion>,
    pub regions: Vec<Region>,
    pub service_types: Vec<ServiceType>,
    pub resource_types: Vec<ResourceType>,
    pub usage_types: Vec<UsageType>,
    pub specs: Vec<SpecFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureUnit {
    pub measure_id: i64,
    pub measure_name: String,
    pub abbreviation: String,
    /// 1 currency, 2 duration, 3 data size, 4 bandwidth.
    pub measure_type: i64,
}

/// `1 measure_id = conversion_ratio × ref_measure_id` (1 day = 24 hours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conversion {
    pub measure_id: i64,
    pub ref_measure_id: i64,
    pub conversion_ratio: i64,
    pub measure_type: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub region: String,
    pub name: String,
    pub available_zones: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceType {
    pub code: String,
    pub name: String,
    /// The Chinese name; absent: `name` serves every language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_zh_cn: Option<String>,
    pub abbreviation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceType {
    pub code: String,
    pub name: String,
    /// The Chinese name; absent: `name` serves every language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_zh_cn: Option<String>,
    pub description: String,
    pub service_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageType {
    pub code: String,
    pub name: String,
    pub resource_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    pub code: String,
    pub name: String,
    pub resource_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcpus: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_gb: Option<i64>,
    /// Present when the spec is priced per unit of size (disks per GB, bandwidth per Mbps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_measure_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<i64>,
    pub prices: PricesFile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricesFile {
    #[serde(default)]
    pub on_demand: Vec<OnDemandPriceFile>,
    /// Per month (and per unit of size for sized specs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly: Option<String>,
    /// Per year; the yearly discount is in the figure (below 12 × monthly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yearly: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_off: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnDemandPriceFile {
    pub usage_type: String,
    /// The usage unit the price is per (4 = hour, 10 = GB).
    pub measure_id: i64,
    pub unit_price: String,
    /// For sized specs, whether the price is also per unit of size (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_size: Option<bool>,
}

/// A validated spec with exact prices.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub code: String,
    pub name: String,
    pub resource_type: String,
    pub service_type: String,
    pub vcpus: Option<i64>,
    pub memory_gb: Option<i64>,
    pub size: Option<SizeRule>,
    pub on_demand: Vec<OnDemandPrice>,
    pub monthly: Option<Decimal>,
    pub yearly: Option<Decimal>,
    pub one_off: Option<Decimal>,
}

/// How a sized spec is measured and the sizes it may be bought in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeRule {
    pub measure_id: i64,
    pub min: i64,
    pub max: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OnDemandPrice {
    pub usage_type: String,
    pub measure_id: i64,
    pub unit_price: Decimal,
    pub per_size: bool,
}

/// A parsed and validated price book: every code unique, every price positive, every
/// referenced code defined.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceBook {
    pub file: PriceBookFile,
    pub effective_from: DateTime<Utc>,
    specs: BTreeMap<String, Spec>,
}

impl PriceBook {
    /// Parses and validates price-book JSON.
    pub fn parse(json: &str) -> Result<Self, DomainError> {
        let file: PriceBookFile = serde_json::from_str(json)
            .map_err(|e| DomainError::invalid(format!("The price book is not valid JSON of the expected shape: {e}")))?;
        Self::from_file(file)
    }

    pub fn to_json(&self) -> Result<String, DomainError> {
        serde_json::to_string(&self.file).map_err(|e| DomainError::invalid(format!("The price book cannot be written as JSON: {e}")))
    }

    pub fn from_file(file: PriceBookFile) -> Result<Self, DomainError> {
        let bad = |m: String| Err(DomainError::invalid(format!("Price book: {m}")));
        if file.version.trim().is_empty() || file.version.len() > 64 {
            return bad("version must be 1 to 64 characters".into());
        }
        let effective_from = match DateTime::parse_from_rfc3339(&file.effective_from) {
            Ok(t) => t.with_timezone(&Utc),
            Err(_) => return bad(format!("effective_from '{}' is not an RFC 3339 instant", file.effective_from)),
        };
        if file.currency != crate::money::CURRENCY {
            return bad(format!("currency must be {}", crate::money::CURRENCY));
        }
        unique("measure_id", file.measure_units.iter().map(|m| m.measure_id.to_string()))?;
        let measures: HashSet<i64> = file.measure_units.iter().map(|m| m.measure_id).collect();
        for c in &file.conversions {
            if !measures.contains(&c.measure_id) || !measures.contains(&c.ref_measure_id) {
                return bad(format!("conversion {} → {} names an undefined measure unit", c.measure_id, c.ref_measure_id));
            }
            if c.conversion_ratio <= 0 {
                return bad(format!("conversion {} → {} must have a positive ratio", c.measure_id, c.ref_measure_id));
            }
        }
        unique("region", file.regions.iter().map(|r| r.region.clone()))?;
        unique("available zone", file.regions.iter().flat_map(|r| r.available_zones.iter().cloned()))?;
        unique("service type", file.service_types.iter().map(|s| s.code.clone()))?;
        unique("resource type", file.resource_types.iter().map(|r| r.code.clone()))?;
        unique("usage type", file.usage_types.iter().map(|u| format!("{}/{}", u.resource_type, u.code)))?;
        unique("spec", file.specs.iter().map(|s| s.code.clone()))?;
        for r in &file.resource_types {
            if !file.service_types.iter().any(|s| s.code == r.service_type) {
                return bad(format!("resource type {} names undefined service type {}", r.code, r.service_type));
            }
        }
        for u in &file.usage_types {
            if !file.resource_types.iter().any(|r| r.code == u.resource_type) {
                return bad(format!("usage type {} names undefined resource type {}", u.code, u.resource_type));
            }
        }
        let mut specs = BTreeMap::new();
        for s in &file.specs {
            let spec = validate_spec(&file, &measures, s)?;
            specs.insert(spec.code.clone(), spec);
        }
        Ok(PriceBook { file, effective_from, specs })
    }

    pub fn version(&self) -> &str {
        &self.file.version
    }

    pub fn spec(&self, code: &str) -> Option<&Spec> {
        self.specs.get(code)
    }

    pub fn specs(&self) -> impl Iterator<Item = &Spec> {
        self.specs.values()
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.file.regions.iter().find(|r| r.region == code)
    }

    pub fn service_type(&self, code: &str) -> Option<&ServiceType> {
        self.file.service_types.iter().find(|s| s.code == code)
    }

    pub fn resource_type(&self, code: &str) -> Option<&ResourceType> {
        self.file.resource_types.iter().find(|r| r.code == code)
    }

    /// The name of a cloud service type in `lang` (docs/DOMAIN.md#R-CAT-9): the Chinese
    /// name when asked for and the book has one, else the book's name; a code the book does
    /// not define shows as itself.
    pub fn service_type_name(&self, code: &str, lang: Language) -> String {
        self.service_type(code).map_or_else(|| code.to_owned(), |s| lang.pick(&s.name, s.name_zh_cn.as_deref()).to_owned())
    }

    /// The name of a resource type in `lang`, by the same rule as `service_type_name`.
    pub fn resource_type_name(&self, code: &str, lang: Language) -> String {
        self.resource_type(code).map_or_else(|| code.to_owned(), |r| lang.pick(&r.name, r.name_zh_cn.as_deref()).to_owned())
    }

    /// `value` in unit `from` expressed in unit `to`, through a declared conversion (either
    /// way; dividing rather than multiplying by a rounded reciprocal keeps it exact).
    pub fn convert(&self, value: Decimal, from: i64, to: i64) -> Option<Decimal> {
        if from == to {
            return Some(value);
        }
        self.file.conversions.iter().find_map(|c| {
            if c.measure_id == from && c.ref_measure_id == to {
                value.checked_mul(Decimal::from(c.conversion_ratio))
            } else if c.measure_id == to && c.ref_measure_id == from {
                value.checked_div(Decimal::from(c.conversion_ratio))
            } else {
                None
            }
        })
    }
}

fn unique(what: &str, items: impl Iterator<Item = String>) -> Result<(), DomainError> {
    let mut seen = HashSet::new();
    for i in items {
        if i.trim().is_empty() {
            return Err(DomainError::invalid(format!("Price book: a {what} code is empty")));
        }
        if !seen.insert(i.clone()) {
            return Err(DomainError::invalid(format!("Price book: {what} '{i}' is defined twice")));
        }
    }
    Ok(())
}

/// A price: an exact positive decimal.
fn positive_price(spec: &str, what: &str, text: &str) -> Result<Decimal, DomainError> {
    match crate::money::parse_plain_decimal(text.trim()) {
        Some(d) if d > Decimal::ZERO => Ok(d),
        _ => Err(DomainError::invalid(format!("Price book: spec {spec} {what} price '{text}' must be a positive decimal"))),
    }
}

fn validate_spec(file: &PriceBookFile, measures: &HashSet<i64>, s: &SpecFile) -> Result<Spec, DomainError> {
    let bad = |m: String| Err(DomainError::invalid(format!("Price book: spec {}: {m}", s.code)));
    let Some(rt) = file.resource_types.iter().find(|r| r.code == s.resource_type) else {
        return bad(format!("resource type {} is undefined", s.resource_type));
    };
    for (name, v) in [("vcpus", s.vcpus), ("memory_gb", s.memory_gb)] {
        if matches!(v, Some(n) if n <= 0) {
            return bad(format!("{name} must be positive"));
        }
    }
    let size = match s.size_measure_id {
        None if s.min_size.is_some() || s.max_size.is_some() => return bad("min_size/max_size need size_measure_id".into()),
        None => None,
        Some(m) if !measures.contains(&m) => return bad(format!("size measure {m} is undefined")),
        Some(m) => {
            let (min, max) = (s.min_size.unwrap_or(1), s.max_size.unwrap_or(i64::MAX));
            if min < 1 || max < min {
                return bad("sizes must satisfy 1 <= min_size <= max_size".into());
            }
            Some(SizeRule { measure_id: m, min, max })
        }
    };
    let mut on_demand = Vec::new();
    for p in &s.prices.on_demand {
        if !measures.contains(&p.measure_id) {
            return bad(format!("on-demand measure {} is undefined", p.measure_id));
        }
        if !file.usage_types.iter().any(|u| u.code == p.usage_type && u.resource_type == s.resource_type) {
            return bad(format!("usage type {} is not defined for {}", p.usage_type, s.resource_type));
        }
        if on_demand.iter().any(|o: &OnDemandPrice| o.usage_type == p.usage_type) {
            return bad(format!("usage type {} is priced twice", p.usage_type));
        }
        let unit_price = positive_price(&s.code, "on-demand", &p.unit_price)?;
        on_demand.push(OnDemandPrice {
            usage_type: p.usage_type.clone(),
            measure_id: p.measure_id,
            unit_price,
            per_size: p.per_size.unwrap_or(true),
        });
    }
    let opt = |what: &str, v: &Option<String>| v.as_deref().map(|t| positive_price(&s.code, what, t)).transpose();
    let (monthly, yearly, one_off) =
        (opt("monthly", &s.prices.monthly)?, opt("yearly", &s.prices.yearly)?, opt("one-off", &s.prices.one_off)?);
    if monthly.is_some() != yearly.is_some() {
        return bad("monthly and yearly prices come together".into());
    }
    if on_demand.is_empty() && monthly.is_none() && one_off.is_none() {
        return bad("has no price".into());
    }
    Ok(Spec {
        code: s.code.clone(),
        name: s.name.clone(),
        resource_type: s.resource_type.clone(),
        service_type: rt.service_type.clone(),
        vcpus: s.vcpus,
        memory_gb: s.memory_gb,
        size,
        on_demand,
        monthly,
        yearly,
        one_off,
    })
}

/// The language names are shown in: `zh_CN` (the default, as the Open API documents for
/// `X-Language`) or `en_US`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    ZhCn,
    EnUs,
}

impl Language {
    /// Reads `X-Language` (or a `language` parameter): absent or empty is `zh_CN`; `zh_CN`,
    /// `en_US` (also with `-`, any case, or the bare `zh` / `en`); anything else is refused.
    pub fn parse(raw: Option<&str>) -> Result<Self, DomainError> {
        let Some(v) = raw.map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(Language::ZhCn);
        };
        match v.to_ascii_lowercase().replace('-', "_").as_str() {
            "zh_cn" | "zh" => Ok(Language::ZhCn),
            "en_us" | "en" => Ok(Language::EnUs),
            _ => Err(DomainError::invalid(format!("language '{v}' is unknown: use zh_CN or en_US."))),
        }
    }

    fn pick<'a>(self, name: &'a str, zh: Option<&'a str>) -> &'a str {
        match (self, zh) {
            (Language::ZhCn, Some(z)) if !z.is_empty() => z,
            _ => name,
        }
    }
}

/// The price book shipped with the product.
pub const SHIPPED_PRICE_BOOK: &str = include_str!("../../../pricebook/pricebook-2026.11.json");

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> PriceBookFile {
        serde_json::from_str(SHIPPED_PRICE_BOOK).unwrap()
    }

    #[test]
    fn the_shipped_book_is_valid() {
        let book = PriceBook::parse(SHIPPED_PRICE_BOOK).unwrap();
        let vm = book.spec("s6.small.1.linux").unwrap();
        assert_eq!(vm.service_type, "hws.service.type.ec2");
        assert_eq!((vm.vcpus, vm.memory_gb), (Some(1), Some(1)));
        let disk = book.spec("SAS").unwrap();
        assert_eq!(disk.service_type, "hws.service.type.ebs");
        assert_eq!(disk.size.unwrap().measure_id, 17);
        // The yearly price carries the yearly discount.
        for s in book.specs() {
            if let (Some(m), Some(y)) = (s.monthly, s.yearly) {
                assert!(y < m * Decimal::from(12), "{}", s.code);
            }
        }
        assert_eq!(PriceBook::parse(&book.to_json().unwrap()).unwrap(), book);
    }

    #[test]
    fn names_follow_the_language_and_fall_back_to_the_book_name() {
        let book = PriceBook::parse(SHIPPED_PRICE_BOOK).unwrap();
        assert_eq!(book.service_type_name("hws.service.type.ec2", Language::EnUs), "Elastic Cloud Server");
        assert_eq!(book.service_type_name("hws.service.type.ec2", Language::ZhCn), "弹性云服务器");
        assert_eq!(book.resource_type_name("hws.resource.type.volume", Language::ZhCn), "云硬盘");
        assert_eq!(book.service_type_name("hws.service.type.nope", Language::ZhCn), "hws.service.type.nope");
        let mut f = shipped();
        f.service_types[0].name_zh_cn = None;
        let book = PriceBook::from_file(f).unwrap();
        assert_eq!(book.service_type_name("hws.service.type.ec2", Language::ZhCn), "Elastic Cloud Server");
        assert_eq!(Language::parse(None).unwrap(), Language::ZhCn);
        assert_eq!(Language::parse(Some("en-US")).unwrap(), Language::EnUs);
        assert_eq!(Language::parse(Some("zh_CN")).unwrap(), Language::ZhCn);
        assert!(Language::parse(Some("fr_FR")).is_err());
    }

    #[test]
    fn duplicate_codes_are_refused() {
        let mut f = shipped();
        let dup = f.specs[0].clone();
        f.specs.push(dup);
        assert!(PriceBook::from_file(f).unwrap_err().message.contains("defined twice"));
        let mut f = shipped();
        let dup = f.service_types[0].clone();
        f.service_types.push(dup);
        assert!(PriceBook::from_file(f).is_err());
    }

    #[test]
    fn prices_must_be_positive_decimals() {
        for bad in ["0", "-1.00", "abc", "1e3"] {
            let mut f = shipped();
            f.specs[0].prices.monthly = Some(bad.into());
            assert!(PriceBook::from_file(f).is_err(), "{bad}");
        }
    }

    #[test]
    fn referenced_codes_must_exist() {
        let mut f = shipped();
        f.specs[0].resource_type = "hws.resource.type.nope".into();
        assert!(PriceBook::from_file(f).is_err());
        let mut f = shipped();
        f.resource_types[0].service_type = "hws.service.type.nope".into();
        assert!(PriceBook::from_file(f).is_err());
        let mut f = shipped();
        f.specs[0].prices.on_demand[0].usage_type = "nope".into();
        assert!(PriceBook::from_file(f).is_err());
        let mut f = shipped();
        f.specs[4].size_measure_id = Some(999);
        assert!(PriceBook::from_file(f).is_err());
        let mut f = shipped();
        f.effective_from = "yesterday".into();
        assert!(PriceBook::from_file(f).is_err());
        assert!(PriceBook::parse("{}").is_err());
    }

    #[test]
    fn conversions_go_both_ways() {
        let book = PriceBook::parse(SHIPPED_PRICE_BOOK).unwrap();
        let d = Decimal::from;
        assert_eq!(book.convert(d(2), 5, 4), Some(d(48)));
        assert_eq!(book.convert(d(90), 14, 4), Some(Decimal::new(15, 1)));
        assert_eq!(book.convert(d(3), 4, 4), Some(d(3)));
        assert_eq!(book.convert(d(1), 4, 17), None);
    }
}
