//! Price inquiry (docs/DOMAIN.md#S-PRICE): yearly/monthly, renewal, on-demand and change-of-spec quotes
//! against a price book, with the customer's partner-granted discounts. Pure functions; the
//! order flow prices with exactly these.
//!
//! Rounding (docs/API-DESIGN.md, "Prices and rounding"):
//! - yearly/monthly: each product's official amount is `unit price × size × periods ×
//!   subscriptions`, rounded once to 2 decimals, half away from zero; a discounted amount is
//!   `official × rate` rounded the same way, and its discount is `official − amount`; totals
//!   are sums of the rounded product figures.
//! - on-demand: the same formula with the usage converted to the price's unit, rounded to 6
//!   decimals (`inquiry_precision` 0) or 10 (`inquiry_precision` 1).
//! - change of spec: `(new official − old official) × remaining / period`, rounded to 2.

use crate::catalog::{PriceBook, Spec};
use crate::error::{DomainError, ErrorCode};
use rust_decimal::{Decimal, RoundingStrategy};

/// `period_type` 2: months.
pub const PERIOD_MONTH: i64 = 2;
/// `period_type` 3: years.
pub const PERIOD_YEAR: i64 = 3;
/// `discount_type` of a discount the partner set for its customer (a rate).
pub const DISCOUNT_TYPE_PARTNER_RATE: i64 = 607;
/// Decimal places of yearly/monthly amounts.
pub const MONEY_SCALE: u32 = 2;
/// The most instances priced in one product line.
pub const MAX_SUBSCRIPTIONS: i64 = 1000;

/// Rounds `d` to `scale` places, half away from zero — the one rounding rule of pricing.
pub fn round_price(d: Decimal, scale: u32) -> Decimal {
    d.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero)
}

/// One yearly/monthly product line of an inquiry (`PeriodProductInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodProduct {
    pub id: String,
    pub cloud_service_type: String,
    pub resource_type: String,
    pub resource_spec: String,
    pub region: String,
    pub available_zone: Option<String>,
    pub resource_size: Option<i64>,
    pub size_measure_id: Option<i64>,
    pub period_type: i64,
    pub period_num: i64,
    pub subscription_num: i64,
}

/// One on-demand product line (`DemandProductInfo`). `usage_value` is in `usage_measure_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemandProduct {
    pub id: String,
    pub cloud_service_type: String,
    pub resource_type: String,
    pub resource_spec: String,
    pub region: String,
    pub available_zone: Option<String>,
    pub resource_size: Option<i64>,
    pub size_measure_id: Option<i64>,
    pub usage_factor: String,
    pub usage_value: Decimal,
    pub usage_measure_id: i64,
    pub subscription_num: i64,
}

/// A discount a partner granted one of its customers: `rate` (0 < rate < 1, e.g. 0.85 = 15 %
/// off) on the listed service types, or on every service when the list is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerDiscount {
    pub discount_id: String,
    pub name: String,
    pub rate: Decimal,
    pub service_types: Vec<String>,
}

impl CustomerDiscount {
    pub fn applies_to(&self, service_type: &str) -> bool {
        self.service_types.is_empty() || self.service_types.iter().any(|s| s == service_type)
    }
}

/// A discount rate as granted: greater than 0, less than 1, at most 4 decimal places.
pub fn parse_discount_rate(text: &str) -> Result<Decimal, DomainError> {
    let bad = || {
        DomainError::invalid(format!("discount rate must be a decimal greater than 0 and less than 1 with at most 4 places, not {text}."))
    };
    let d = crate::money::parse_plain_decimal(text.trim()).ok_or_else(bad)?.normalize();
    if d <= Decimal::ZERO || d >= Decimal::ONE || d.scale() > 4 {
        return Err(bad());
    }
    Ok(d)
}

/// A partner's lowest allowed discount rate, set by the operator (docs/DOMAIN.md#R-PRICE-12):
/// for one service type, or (`service_type` `None`) for every service type without its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountFloor {
    pub service_type: Option<String>,
    pub min_rate: Decimal,
}

/// The floor until the operator sets one: half price.
pub const DEFAULT_DISCOUNT_FLOOR: Decimal = Decimal::from_parts(5, 0, 0, false, 1);

/// A floor as the operator writes it: a decimal greater than 0 and at most 1 (1 allows no
/// discount), at most 4 places.
pub fn parse_discount_floor(text: &str) -> Result<Decimal, DomainError> {
    let bad =
        || DomainError::invalid(format!("min_rate must be a decimal greater than 0 and at most 1 with at most 4 places, not {text}."));
    let d = crate::money::parse_plain_decimal(text.trim()).ok_or_else(bad)?.normalize();
    if d <= Decimal::ZERO || d > Decimal::ONE || d.scale() > 4 {
        return Err(bad());
    }
    Ok(d)
}

/// The lowest rate a partner may grant on a service type: its floor for that type, else its
/// floor for every type, else `DEFAULT_DISCOUNT_FLOOR`.
pub fn discount_floor_for(floors: &[DiscountFloor], service_type: &str) -> Decimal {
    floors
        .iter()
        .find(|f| f.service_type.as_deref() == Some(service_type))
        .or_else(|| floors.iter().find(|f| f.service_type.is_none()))
        .map_or(DEFAULT_DISCOUNT_FLOOR, |f| f.min_rate)
}

/// A grant of `rate` on `services` (empty: every service type) must not go below the floor of
/// any service type it covers (CBC.99003182 naming the floor); a grant on every type must
/// respect the general floor and every per-type floor.
pub fn check_discount_floor(rate: Decimal, services: &[String], floors: &[DiscountFloor]) -> Result<(), DomainError> {
    let general = floors.iter().find(|f| f.service_type.is_none()).map_or(DEFAULT_DISCOUNT_FLOOR, |f| f.min_rate);
    let (floor, which) = if services.is_empty() {
        floors
            .iter()
            .filter_map(|f| f.service_type.as_deref().map(|t| (f.min_rate, t.to_owned())))
            .fold((general, "every service type".to_owned()), |best, (r, t)| if r > best.0 { (r, t) } else { best })
    } else {
        services.iter().map(|s| (discount_floor_for(floors, s), s.clone())).fold((Decimal::ZERO, String::new()), |best, cur| {
            if cur.0 > best.0 {
                cur
            } else {
                best
            }
        })
    };
    if rate < floor {
        return Err(DomainError::new(
            ErrorCode::DiscountBelowFloor,
            format!("The discount rate {rate} is below the minimum {floor} the operator allows you for {which}."),
        ));
    }
    Ok(())
}

/// May the partner grant this customer a discount? Only its own customers (of either
/// association type), and a scoped member only those it manages.
pub fn check_discount_customer(
    ctx: &crate::tenancy::PartnerContext,
    standing: Option<&crate::funds::CustomerStanding>,
) -> Result<(), DomainError> {
    let standing = match standing {
        Some(s) if s.partner_id == ctx.partner_id => s,
        _ => return Err(DomainError::of(ErrorCode::NotYourCustomer)),
    };
    if let crate::tenancy::CustomerScope::ManagedBy(member) = &ctx.scope {
        if !standing.managers.contains(member) {
            return Err(DomainError::of(ErrorCode::NotYourCustomer));
        }
    }
    Ok(())
}

/// One discount option applied to a product line or a whole inquiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountOption {
    pub discount_id: String,
    pub discount_name: String,
    pub discount_type: i64,
    pub official_amount: Decimal,
    pub discount_amount: Decimal,
    pub amount: Decimal,
    /// The option with the largest discount (the first of equals); `best_offer` 1.
    pub best: bool,
}

/// The price of one product line: official, and after the best applicable discount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodQuote {
    pub id: String,
    /// The catalog product priced: `<spec>@<region>`.
    pub product_id: String,
    pub service_type: String,
    pub official_amount: Decimal,
    pub discount_amount: Decimal,
    pub amount: Decimal,
    pub discounts: Vec<DiscountOption>,
}

/// Product figures inside one whole-inquiry discount option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionLine {
    pub id: String,
    pub product_id: String,
    pub official_amount: Decimal,
    pub discount_amount: Decimal,
    pub amount: Decimal,
}

/// A whole-inquiry option: one discount applied to every product it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InquiryOption {
    pub total: DiscountOption,
    pub lines: Vec<OptionLine>,
}

/// Several product lines priced together (`list_rate_on_period_detail`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodInquiry {
    pub official_amount: Decimal,
    pub products: Vec<PeriodQuote>,
    pub options: Vec<InquiryOption>,
}

/// The catalog product id of a spec in a region.
pub fn product_id(spec: &str, region: &str) -> String {
    format!("{spec}@{region}")
}

/// The spec a product line names, after checking service type, resource type, region,
/// zone and size against the book. Returns the spec and the size factor.
/// What any product line names in the catalog.
struct LineRef<'a> {
    id: &'a str,
    service: &'a str,
    resource: &'a str,
    spec: &'a str,
    region: &'a str,
    zone: Option<&'a str>,
    size: Option<i64>,
    size_measure: Option<i64>,
}

impl<'a> From<&'a PeriodProduct> for LineRef<'a> {
    fn from(p: &'a PeriodProduct) -> Self {
        LineRef {
            id: &p.id,
            service: &p.cloud_service_type,
            resource: &p.resource_type,
            spec: &p.resource_spec,
            region: &p.region,
            zone: p.available_zone.as_deref(),
            size: p.resource_size,
            size_measure: p.size_measure_id,
        }
    }
}

impl<'a> From<&'a DemandProduct> for LineRef<'a> {
    fn from(p: &'a DemandProduct) -> Self {
        LineRef {
            id: &p.id,
            service: &p.cloud_service_type,
            resource: &p.resource_type,
            spec: &p.resource_spec,
            region: &p.region,
            zone: p.available_zone.as_deref(),
            size: p.resource_size,
            size_measure: p.size_measure_id,
        }
    }
}

fn resolve<'b>(book: &'b PriceBook, line: LineRef<'_>) -> Result<(&'b Spec, Decimal), DomainError> {
    let LineRef { id, service, resource, spec, region, zone, size, size_measure } = line;
    let bad = |m: String| Err(DomainError::invalid(format!("Product {id}: {m}")));
    let Some(s) = book.spec(spec) else { return bad(format!("resource_spec '{spec}' is not in the price book.")) };
    if s.service_type != service {
        return bad(format!("resource_spec '{spec}' belongs to cloud_service_type {}, not '{service}'.", s.service_type));
    }
    if s.resource_type != resource {
        return bad(format!("resource_spec '{spec}' belongs to resource_type {}, not '{resource}'.", s.resource_type));
    }
    let Some(r) = book.region(region) else { return bad(format!("region '{region}' is not offered.")) };
    if let Some(z) = zone.filter(|z| !z.is_empty()) {
        if !r.available_zones.iter().any(|a| a == z) {
            return bad(format!("available_zone '{z}' is not in region {region}."));
        }
    }
    let factor = match s.size {
        None => Decimal::ONE,
        Some(rule) => {
            let Some(n) = size else { return bad(format!("resource_size is required for '{spec}' (in measure {}).", rule.measure_id)) };
            if let Some(m) = size_measure.filter(|m| *m != rule.measure_id) {
                return bad(format!("size_measure_id must be {} for '{spec}', not {m}.", rule.measure_id));
            }
            if n < rule.min || n > rule.max {
                return bad(format!("resource_size must be from {} to {} for '{spec}', not {n}.", rule.min, rule.max));
            }
            Decimal::from(n)
        }
    };
    Ok((s, factor))
}

fn check_subscriptions(id: &str, n: i64) -> Result<Decimal, DomainError> {
    if !(1..=MAX_SUBSCRIPTIONS).contains(&n) {
        return Err(DomainError::invalid(format!("Product {id}: subscription_num must be from 1 to {MAX_SUBSCRIPTIONS}, not {n}.")));
    }
    Ok(Decimal::from(n))
}

/// Period limits: 1–11 months (`period_type` 2) or 1–3 years (`period_type` 3).
pub fn check_period(period_type: i64, period_num: i64) -> Result<(), DomainError> {
    match period_type {
        PERIOD_MONTH if (1..=11).contains(&period_num) => Ok(()),
        PERIOD_YEAR if (1..=3).contains(&period_num) => Ok(()),
        PERIOD_MONTH => Err(DomainError::invalid(format!("period_num must be from 1 to 11 months, not {period_num}."))),
        PERIOD_YEAR => Err(DomainError::invalid(format!("period_num must be from 1 to 3 years, not {period_num}."))),
        other => Err(DomainError::invalid(format!("period_type must be 2 (month) or 3 (year), not {other}."))),
    }
}

/// The length of a period for pro-rata figures: a month is 30 days, a year 365 days.
pub fn period_length_ms(period_type: i64, period_num: i64) -> Result<i64, DomainError> {
    check_period(period_type, period_num)?;
    let days = if period_type == PERIOD_YEAR { 365 } else { 30 };
    Ok(period_num * days * 86_400_000)
}

/// Every discount that covers `service_type`, applied to `official` at `scale` places, the
/// best one marked.
fn discount_options(service_type: &str, official: Decimal, scale: u32, discounts: &[CustomerDiscount]) -> Vec<DiscountOption> {
    let mut options: Vec<DiscountOption> = discounts
        .iter()
        .filter(|d| d.applies_to(service_type))
        .map(|d| {
            let amount = round_price(official * d.rate, scale);
            DiscountOption {
                discount_id: d.discount_id.clone(),
                discount_name: d.name.clone(),
                discount_type: DISCOUNT_TYPE_PARTNER_RATE,
                official_amount: official,
                discount_amount: official - amount,
                amount,
                best: false,
            }
        })
        .collect();
    mark_best(&mut options);
    options
}

/// Marks the option with the largest discount, the first of equals.
fn mark_best(options: &mut [DiscountOption]) {
    let mut best: Option<usize> = None;
    for (i, o) in options.iter().enumerate() {
        if best.is_none_or(|b| o.discount_amount > options[b].discount_amount) {
            best = Some(i);
        }
    }
    if let Some(b) = best {
        options[b].best = true;
    }
}

fn quote_from(id: &str, product_id: String, service_type: &str, official: Decimal, options: Vec<DiscountOption>) -> PeriodQuote {
    let best = options.iter().find(|o| o.best);
    PeriodQuote {
        id: id.to_owned(),
        product_id,
        service_type: service_type.to_owned(),
        official_amount: official,
        discount_amount: best.map_or(Decimal::ZERO, |b| b.discount_amount),
        amount: best.map_or(official, |b| b.amount),
        discounts: options,
    }
}

/// The official yearly/monthly amount of one product line, rounded to 2 places.
fn period_official<'b>(book: &'b PriceBook, p: &PeriodProduct) -> Result<(Decimal, &'b Spec), DomainError> {
    check_period(p.period_type, p.period_num)?;
    let subs = check_subscriptions(&p.id, p.subscription_num)?;
    let (spec, size) = resolve(book, LineRef::from(p))?;
    let unit = if p.period_type == PERIOD_YEAR { spec.yearly } else { spec.monthly };
    let Some(unit) = unit else {
        return Err(DomainError::invalid(format!("Product {}: '{}' is not sold yearly/monthly.", p.id, spec.code)));
    };
    Ok((round_price(unit * size * Decimal::from(p.period_num) * subs, MONEY_SCALE), spec))
}

/// Prices one yearly/monthly product line for a new subscription.
pub fn quote_period(book: &PriceBook, p: &PeriodProduct, discounts: &[CustomerDiscount]) -> Result<PeriodQuote, DomainError> {
    let (official, spec) = period_official(book, p)?;
    let options = discount_options(&spec.service_type, official, MONEY_SCALE, discounts);
    Ok(quote_from(&p.id, product_id(&spec.code, &p.region), &spec.service_type, official, options))
}

/// Prices renewing an existing resource (described as the product line it was bought as)
/// for a further period: the book in effect at renewal prices it, with the same rules.
pub fn quote_renewal(book: &PriceBook, resource: &PeriodProduct, discounts: &[CustomerDiscount]) -> Result<PeriodQuote, DomainError> {
    quote_period(book, resource, discounts)
}

/// Prices several product lines together; each discount becomes one whole-inquiry option.
pub fn quote_periods(book: &PriceBook, products: &[PeriodProduct], discounts: &[CustomerDiscount]) -> Result<PeriodInquiry, DomainError> {
    if products.is_empty() || products.len() > 100 {
        return Err(DomainError::invalid("product_infos must hold 1 to 100 products."));
    }
    let mut ids = std::collections::HashSet::new();
    for p in products {
        if p.id.is_empty() || !ids.insert(p.id.as_str()) {
            return Err(DomainError::invalid(format!("Every product needs an id unique in the request; '{}' is empty or repeated.", p.id)));
        }
    }
    let quotes = products.iter().map(|p| quote_period(book, p, discounts)).collect::<Result<Vec<_>, _>>()?;
    let official: Decimal = quotes.iter().map(|q| q.official_amount).sum();
    let mut options: Vec<InquiryOption> = discounts
        .iter()
        .filter(|d| quotes.iter().any(|q| d.applies_to(&q.service_type)))
        .map(|d| {
            let lines: Vec<OptionLine> = quotes
                .iter()
                .map(|q| {
                    let o = q.discounts.iter().find(|o| o.discount_id == d.discount_id);
                    OptionLine {
                        id: q.id.clone(),
                        product_id: q.product_id.clone(),
                        official_amount: q.official_amount,
                        discount_amount: o.map_or(Decimal::ZERO, |o| o.discount_amount),
                        amount: o.map_or(q.official_amount, |o| o.amount),
                    }
                })
                .collect();
            let discount: Decimal = lines.iter().map(|l| l.discount_amount).sum();
            InquiryOption {
                total: DiscountOption {
                    discount_id: d.discount_id.clone(),
                    discount_name: d.name.clone(),
                    discount_type: DISCOUNT_TYPE_PARTNER_RATE,
                    official_amount: official,
                    discount_amount: discount,
                    amount: official - discount,
                    best: false,
                },
                lines,
            }
        })
        .collect();
    let mut totals: Vec<DiscountOption> = options.iter().map(|o| o.total.clone()).collect();
    mark_best(&mut totals);
    for (o, t) in options.iter_mut().zip(totals) {
        o.total.best = t.best;
    }
    Ok(PeriodInquiry { official_amount: official, products: quotes, options })
}

/// `inquiry_precision`: 0 → 6 decimal places, 1 → 10.
pub fn on_demand_scale(inquiry_precision: Option<i64>) -> Result<u32, DomainError> {
    match inquiry_precision.unwrap_or(0) {
        0 => Ok(6),
        1 => Ok(10),
        other => Err(DomainError::invalid(format!("inquiry_precision must be 0 (6 decimals) or 1 (10 decimals), not {other}."))),
    }
}

/// Prices one on-demand product line for `usage_value` of its usage factor, at `scale` places
/// (see [`on_demand_scale`]).
pub fn quote_on_demand(
    book: &PriceBook,
    p: &DemandProduct,
    scale: u32,
    discounts: &[CustomerDiscount],
) -> Result<PeriodQuote, DomainError> {
    let subs = check_subscriptions(&p.id, p.subscription_num)?;
    let (spec, size) = resolve(book, LineRef::from(p))?;
    let bad = |m: String| Err(DomainError::invalid(format!("Product {}: {m}", p.id)));
    let Some(price) = spec.on_demand.iter().find(|o| o.usage_type.eq_ignore_ascii_case(&p.usage_factor)) else {
        let known: Vec<&str> = spec.on_demand.iter().map(|o| o.usage_type.as_str()).collect();
        return bad(format!("usage_factor '{}' is not priced on demand for '{}'; use one of {known:?}.", p.usage_factor, spec.code));
    };
    if p.usage_value < Decimal::ZERO || p.usage_value > Decimal::from(1_000_000_000) {
        return bad(format!("usage_value must be from 0 to 1000000000, not {}.", p.usage_value));
    }
    let Some(usage) = book.convert(p.usage_value, p.usage_measure_id, price.measure_id) else {
        return bad(format!("usage_measure_id {} cannot be converted to the price's unit {}.", p.usage_measure_id, price.measure_id));
    };
    let size = if price.per_size { size } else { Decimal::ONE };
    let official = price.unit_price.checked_mul(usage).and_then(|v| v.checked_mul(size)).and_then(|v| v.checked_mul(subs));
    let Some(official) = official else { return bad("the amount is too large.".into()) };
    let official = round_price(official, scale);
    let options = discount_options(&spec.service_type, official, scale, discounts);
    Ok(quote_from(&p.id, product_id(&spec.code, &p.region), &spec.service_type, official, options))
}

/// A spec (and size, for sized specs) a resource has or would have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecChoice {
    pub resource_spec: String,
    pub resource_size: Option<i64>,
}

/// A change of spec may only scale up: vCPUs, memory and disk size never go down, and the
/// new spec must be of the same resource type. Refusals name what would shrink.
pub fn check_spec_change(book: &PriceBook, from: &SpecChoice, to: &SpecChoice) -> Result<(), DomainError> {
    let find = |c: &SpecChoice| {
        book.spec(&c.resource_spec)
            .ok_or_else(|| DomainError::invalid(format!("resource_spec '{}' is not in the price book.", c.resource_spec)))
    };
    let (a, b) = (find(from)?, find(to)?);
    if a.resource_type != b.resource_type {
        return Err(DomainError::invalid(format!(
            "A change of spec stays within one resource type: '{}' is {}, '{}' is {}.",
            a.code, a.resource_type, b.code, b.resource_type
        )));
    }
    if from == to {
        return Err(DomainError::invalid("The new spec is the same as the current one: nothing to change."));
    }
    let mut shrinks = Vec::new();
    for (what, x, y) in
        [("vCPUs", a.vcpus, b.vcpus), ("memory (GB)", a.memory_gb, b.memory_gb), ("size", from.resource_size, to.resource_size)]
    {
        if let (Some(x), Some(y)) = (x, y) {
            if y < x {
                shrinks.push(format!("{what} {x} → {y}"));
            }
        }
    }
    if !shrinks.is_empty() {
        return Err(DomainError::new(
            ErrorCode::SpecScaleDownRefused,
            format!("{} Refused: {}.", ErrorCode::SpecScaleDownRefused.default_message(), shrinks.join(", ")),
        ));
    }
    Ok(())
}

/// A paid term of a resource: `[start, end)`, bought by the month (`period_type` 2) or the
/// year (3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermSpan {
    pub start: crate::query::EpochMillis,
    pub end: crate::query::EpochMillis,
    pub period_type: i64,
}

const DAY_MS: i64 = 86_400_000;

/// Whole days of `term` left at `now`, a started day counting whole; 0 when it is over.
pub fn remaining_days(term: &TermSpan, now: crate::query::EpochMillis) -> i64 {
    let from = term.start.max(now);
    if term.end <= from {
        0
    } else {
        (term.end - from + DAY_MS - 1) / DAY_MS
    }
}

/// Prices changing a yearly/monthly resource's spec for the whole paid time it has left
/// (docs/DOMAIN.md#R-PRICE-9, #R-PRICE-10): for every paid term (the purchase and each
/// renewal) not over at `now`, the official price difference of one unit of that term (a
/// month: the monthly prices, 30 days; a year: the yearly prices, 365 days) × its days left /
/// the unit's days, summed and rounded once to 2 places; then the discounts on that
/// difference. The change-of-spec order and its inquiry both price with this function.
/// Scale-downs are refused ([`check_spec_change`]), and so is a change that would lower the
/// price; no paid time left is CBC.0100.
pub fn quote_spec_change(
    book: &PriceBook,
    from: &PeriodProduct,
    to: &SpecChoice,
    terms: &[TermSpan],
    now: crate::query::EpochMillis,
    discounts: &[CustomerDiscount],
) -> Result<PeriodQuote, DomainError> {
    let current = SpecChoice { resource_spec: from.resource_spec.clone(), resource_size: from.resource_size };
    check_spec_change(book, &current, to)?;
    let target = PeriodProduct { resource_spec: to.resource_spec.clone(), resource_size: to.resource_size, ..from.clone() };
    let mut total = Decimal::ZERO;
    let mut spec_of_target = None;
    let mut any_left = false;
    for term in terms {
        let days = remaining_days(term, now);
        if days == 0 {
            continue;
        }
        any_left = true;
        let unit_days = if term.period_type == PERIOD_YEAR { 365 } else { 30 };
        let unit = |p: &PeriodProduct| PeriodProduct { period_type: term.period_type, period_num: 1, ..p.clone() };
        let (old, _) = period_official(book, &unit(from))?;
        let (new, spec) = period_official(book, &unit(&target))?;
        if new < old {
            return Err(DomainError::new(
                ErrorCode::SpecScaleDownRefused,
                format!(
                    "{} '{}' costs less than '{}'.",
                    ErrorCode::SpecScaleDownRefused.default_message(),
                    to.resource_spec,
                    from.resource_spec
                ),
            ));
        }
        total += (new - old) * Decimal::from(days) / Decimal::from(unit_days);
        spec_of_target = Some(spec);
    }
    let Some(spec) = spec_of_target.filter(|_| any_left) else {
        return Err(DomainError::invalid("The resource has no paid time left to change."));
    };
    let official = round_price(total, MONEY_SCALE);
    let options = discount_options(&spec.service_type, official, MONEY_SCALE, discounts);
    Ok(quote_from(&from.id, product_id(&spec.code, &from.region), &spec.service_type, official, options))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::SHIPPED_PRICE_BOOK;
    use proptest::prelude::*;

    fn book() -> PriceBook {
        PriceBook::parse(SHIPPED_PRICE_BOOK).unwrap()
    }

    #[test]
    fn discount_grants_respect_the_operators_floor() {
        let d = |s: &str| Decimal::from_str_exact(s).unwrap();
        let ecs = || vec!["hws.service.type.ec2".to_owned()];
        assert_eq!(DEFAULT_DISCOUNT_FLOOR, d("0.5"));
        // Until the operator sets one: half price at most.
        assert_eq!(check_discount_floor(d("0.0001"), &[], &[]).unwrap_err().code, ErrorCode::DiscountBelowFloor);
        assert!(check_discount_floor(d("0.4999"), &ecs(), &[]).is_err());
        assert!(check_discount_floor(d("0.5"), &[], &[]).is_ok());
        let floors = vec![
            DiscountFloor { service_type: None, min_rate: d("0.8") },
            DiscountFloor { service_type: Some("hws.service.type.ec2".into()), min_rate: d("0.7") },
            DiscountFloor { service_type: Some("hws.service.type.rds".into()), min_rate: d("0.9") },
        ];
        assert!(check_discount_floor(d("0.7"), &ecs(), &floors).is_ok());
        assert!(check_discount_floor(d("0.69"), &ecs(), &floors).is_err());
        assert!(check_discount_floor(d("0.79"), &["hws.service.type.ebs".into()], &floors).is_err(), "the general floor");
        let err = check_discount_floor(d("0.85"), &[], &floors).unwrap_err();
        assert!(err.message.contains("0.9") && err.message.contains("rds"), "{}", err.message);
        assert!(check_discount_floor(d("0.9"), &[], &floors).is_ok());
        assert_eq!(parse_discount_floor("1").unwrap(), d("1"));
        for bad in ["0", "1.01", "0.12345", "-0.5", "x"] {
            assert!(parse_discount_floor(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn no_grant_below_a_floor(rate_bp in 1i64..10_000, floor_bp in 1i64..=10_000, typed in proptest::option::of(1i64..=10_000)) {
            let (rate, floor) = (Decimal::new(rate_bp, 4), Decimal::new(floor_bp, 4));
            let mut floors = vec![DiscountFloor { service_type: None, min_rate: floor }];
            if let Some(t) = typed {
                floors.push(DiscountFloor { service_type: Some("hws.service.type.ec2".into()), min_rate: Decimal::new(t, 4) });
            }
            let ecs = vec!["hws.service.type.ec2".to_owned()];
            let ok = check_discount_floor(rate, &ecs, &floors).is_ok();
            prop_assert_eq!(ok, rate >= typed.map_or(floor, |t| Decimal::new(t, 4)));
            let all = check_discount_floor(rate, &[], &floors).is_ok();
            prop_assert_eq!(all, rate >= floor && typed.is_none_or(|t| rate >= Decimal::new(t, 4)));
        }
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn vm(id: &str, spec: &str, months: i64) -> PeriodProduct {
        PeriodProduct {
            id: id.into(),
            cloud_service_type: "hws.service.type.ec2".into(),
            resource_type: "hws.resource.type.vm".into(),
            resource_spec: spec.into(),
            region: "cn-north-4".into(),
            available_zone: Some("cn-north-4a".into()),
            resource_size: None,
            size_measure_id: None,
            period_type: PERIOD_MONTH,
            period_num: months,
            subscription_num: 1,
        }
    }

    fn disk(id: &str, spec: &str, gb: i64, months: i64) -> PeriodProduct {
        PeriodProduct {
            cloud_service_type: "hws.service.type.ebs".into(),
            resource_type: "hws.resource.type.volume".into(),
            resource_size: Some(gb),
            size_measure_id: Some(17),
            ..vm(id, spec, months)
        }
    }

    fn discount(id: &str, rate: &str, services: &[&str]) -> CustomerDiscount {
        CustomerDiscount {
            discount_id: id.into(),
            name: format!("{id} {rate}"),
            rate: d(rate),
            service_types: services.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_server_and_its_30_gb_disk_for_5_months() {
        let q = quote_periods(&book(), &[vm("1", "s6.small.1.linux", 5), disk("2", "SAS", 30, 5)], &[]).unwrap();
        assert_eq!(q.products[0].official_amount, d("161.00")); // 32.20 × 5
        assert_eq!(q.products[1].official_amount, d("52.50")); // 0.35 × 30 × 5
        assert_eq!(q.official_amount, d("213.50"));
        assert!(q.options.is_empty());
        assert_eq!(q.products[0].amount, q.products[0].official_amount);
    }

    #[test]
    fn yearly_uses_the_discounted_yearly_price() {
        let mut p = vm("1", "s6.small.1.linux", 2);
        p.period_type = PERIOD_YEAR;
        assert_eq!(quote_period(&book(), &p, &[]).unwrap().official_amount, d("656.88"));
    }

    #[test]
    fn period_limits() {
        let b = book();
        assert!(quote_period(&b, &vm("1", "s6.small.1.linux", 11), &[]).is_ok());
        for (t, n) in [(PERIOD_MONTH, 0), (PERIOD_MONTH, 12), (PERIOD_YEAR, 0), (PERIOD_YEAR, 4), (1, 1), (4, 1)] {
            let p = PeriodProduct { period_type: t, period_num: n, ..vm("1", "s6.small.1.linux", 1) };
            assert_eq!(quote_period(&b, &p, &[]).unwrap_err().code, ErrorCode::InvalidParameter, "{t}/{n}");
        }
    }

    #[test]
    fn product_lines_are_checked_against_the_book() {
        let b = book();
        let cases = [
            PeriodProduct { resource_spec: "nope".into(), ..vm("1", "x", 1) },
            PeriodProduct { cloud_service_type: "hws.service.type.ebs".into(), ..vm("1", "s6.small.1.linux", 1) },
            PeriodProduct { region: "mars-1".into(), ..vm("1", "s6.small.1.linux", 1) },
            PeriodProduct { available_zone: Some("cn-south-1a".into()), ..vm("1", "s6.small.1.linux", 1) },
            PeriodProduct { resource_size: None, ..disk("1", "SAS", 30, 1) },
            PeriodProduct { resource_size: Some(5), ..disk("1", "SAS", 30, 1) },
            PeriodProduct { size_measure_id: Some(10), ..disk("1", "SAS", 30, 1) },
            PeriodProduct { subscription_num: 0, ..vm("1", "s6.small.1.linux", 1) },
        ];
        for p in cases {
            assert_eq!(quote_period(&b, &p, &[]).unwrap_err().code, ErrorCode::InvalidParameter, "{p:?}");
        }
        let dup = quote_periods(&b, &[vm("1", "s6.small.1.linux", 1), vm("1", "s6.small.1.linux", 1)], &[]);
        assert!(dup.is_err());
        assert!(quote_periods(&b, &[], &[]).is_err());
    }

    #[test]
    fn best_offer_is_the_largest_discount() {
        let discounts = [
            discount("ecs90", "0.9", &["hws.service.type.ec2"]),
            discount("all95", "0.95", &[]),
            discount("rds50", "0.5", &["hws.service.type.rds"]),
        ];
        let q = quote_periods(&book(), &[vm("1", "s6.small.1.linux", 5), disk("2", "SAS", 30, 5)], &discounts).unwrap();
        // rds50 covers nothing here, so it is no option.
        assert_eq!(q.options.len(), 2);
        let ecs = &q.options[0];
        assert_eq!(ecs.total.discount_amount, d("16.10")); // 161.00 × 10 %
        assert_eq!(ecs.lines[1].discount_amount, Decimal::ZERO);
        let all = &q.options[1];
        assert_eq!(all.total.discount_amount, d("10.67")); // 8.05 + (52.50 − round(49.875) = 2.62)
        assert!(ecs.total.best && !all.total.best);
        assert_eq!(ecs.total.amount, d("197.40"));
        // Per product, the disk's best is the all-services discount.
        assert_eq!(q.products[1].amount, d("49.88"));
    }

    #[test]
    fn equal_discounts_prefer_the_first() {
        let discounts = [discount("a", "0.9", &[]), discount("b", "0.9", &[])];
        let q = quote_period(&book(), &vm("1", "s6.small.1.linux", 1), &discounts).unwrap();
        assert!(q.discounts[0].best && !q.discounts[1].best);
    }

    #[test]
    fn on_demand_precision() {
        let b = book();
        let p = DemandProduct {
            id: "1".into(),
            cloud_service_type: "hws.service.type.ebs".into(),
            resource_type: "hws.resource.type.volume".into(),
            resource_spec: "SAS".into(),
            region: "cn-north-4".into(),
            available_zone: None,
            resource_size: Some(30),
            size_measure_id: Some(17),
            usage_factor: "Duration".into(),
            usage_value: d("1"),
            usage_measure_id: 4,
            subscription_num: 1,
        };
        assert_eq!(quote_on_demand(&b, &p, on_demand_scale(None).unwrap(), &[]).unwrap().official_amount, d("0.021"));
        // 7 minutes at 0.0007 × 30 per hour = 0.00245 per … → 0.00245 exactly
        let p7 = DemandProduct { usage_value: d("7"), usage_measure_id: 14, ..p.clone() };
        assert_eq!(quote_on_demand(&b, &p7, 6, &[]).unwrap().official_amount, d("0.00245"));
        // 1 minute: 0.00035 per minute; 6 places keep it, a third of a minute does not.
        let third = DemandProduct { usage_value: d("0.333333"), usage_measure_id: 14, ..p.clone() };
        let six = quote_on_demand(&b, &third, on_demand_scale(Some(0)).unwrap(), &[]).unwrap().official_amount;
        let ten = quote_on_demand(&b, &third, on_demand_scale(Some(1)).unwrap(), &[]).unwrap().official_amount;
        assert_eq!(six, d("0.000117"));
        assert_eq!(ten, d("0.0001166666"));
        assert!(on_demand_scale(Some(2)).is_err());
        let wrong = DemandProduct { usage_factor: "upflow".into(), ..p.clone() };
        assert!(quote_on_demand(&b, &wrong, 6, &[]).is_err());
        let unit = DemandProduct { usage_measure_id: 17, ..p };
        assert!(quote_on_demand(&b, &unit, 6, &[]).is_err());
    }

    #[test]
    fn spec_changes_only_scale_up() {
        let b = book();
        let c = |s: &str, n: Option<i64>| SpecChoice { resource_spec: s.into(), resource_size: n };
        assert!(check_spec_change(&b, &c("s6.small.1.linux", None), &c("s6.large.2.linux", None)).is_ok());
        let e = check_spec_change(&b, &c("s6.xlarge.2.linux", None), &c("s6.large.2.linux", None)).unwrap_err();
        assert_eq!(e.code, ErrorCode::SpecScaleDownRefused);
        assert!(e.message.contains("vCPUs 4 → 2"), "{}", e.message);
        assert_eq!(check_spec_change(&b, &c("SAS", Some(40)), &c("SAS", Some(30))).unwrap_err().code, ErrorCode::SpecScaleDownRefused);
        assert!(check_spec_change(&b, &c("SAS", Some(30)), &c("SSD", Some(40))).is_ok());
        assert_eq!(check_spec_change(&b, &c("SAS", Some(30)), &c("s6.large.2.linux", None)).unwrap_err().code, ErrorCode::InvalidParameter);
        assert_eq!(check_spec_change(&b, &c("SAS", Some(30)), &c("SAS", Some(30))).unwrap_err().code, ErrorCode::InvalidParameter);
    }

    #[test]
    fn spec_change_is_pro_rata() {
        let b = book();
        let from = vm("1", "s6.small.1.linux", 1);
        let to = SpecChoice { resource_spec: "s6.large.2.linux".into(), resource_size: None };
        let month = |days: i64| [TermSpan { start: 0, end: days * DAY_MS, period_type: PERIOD_MONTH }];
        // (133.00 − 32.20) × 10 / 30 = 33.60
        let q = quote_spec_change(&b, &from, &to, &month(10), 0, &[discount("a", "0.9", &[])]).unwrap();
        assert_eq!(q.official_amount, d("33.60"));
        assert_eq!(q.amount, d("30.24"));
        // A started day counts whole: 9 days and 1 ms left are 10 days.
        assert_eq!(quote_spec_change(&b, &from, &to, &month(10), DAY_MS - 1, &[]).unwrap().official_amount, d("33.60"));
        assert!(quote_spec_change(&b, &from, &to, &month(10), 10 * DAY_MS, &[]).is_err(), "nothing left");
        assert!(quote_spec_change(&b, &from, &to, &[], 0, &[]).is_err());
        let cheaper = disk("2", "SSD", 30, 1);
        let e = quote_spec_change(&b, &cheaper, &SpecChoice { resource_spec: "SATA".into(), resource_size: Some(30) }, &month(1), 0, &[])
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::SpecScaleDownRefused);
    }

    #[test]
    fn spec_change_prices_every_paid_term_left() {
        let b = book();
        let from = PeriodProduct { period_type: PERIOD_YEAR, ..vm("1", "s6.small.1.linux", 1) };
        let to = SpecChoice { resource_spec: "c6.2xlarge.4.linux".into(), resource_size: None };
        let year_of = |p: &PeriodProduct| period_official(&b, &PeriodProduct { period_num: 1, ..p.clone() }).unwrap().0;
        let target = PeriodProduct { resource_spec: to.resource_spec.clone(), ..from.clone() };
        let yearly_diff = year_of(&target) - year_of(&from);
        // Three years bought up front: three yearly differences, not one month of it.
        let three_years = [TermSpan { start: 0, end: 3 * 365 * DAY_MS, period_type: PERIOD_YEAR }];
        let q = quote_spec_change(&b, &from, &to, &three_years, 0, &[]).unwrap();
        assert_eq!(q.official_amount, round_price(yearly_diff * Decimal::from(3), MONEY_SCALE));
        assert!(q.official_amount > d("30000"), "{}", q.official_amount);
        // A purchase and a monthly renewal after it: each priced by its own unit; a term over
        // counts nothing.
        let month_diff = period_official(&b, &PeriodProduct { period_type: PERIOD_MONTH, period_num: 1, ..target.clone() }).unwrap().0
            - period_official(&b, &PeriodProduct { period_type: PERIOD_MONTH, period_num: 1, ..from.clone() }).unwrap().0;
        let terms = [
            TermSpan { start: -400 * DAY_MS, end: -35 * DAY_MS, period_type: PERIOD_YEAR },
            TermSpan { start: -35 * DAY_MS, end: 100 * DAY_MS, period_type: PERIOD_YEAR },
            TermSpan { start: 100 * DAY_MS, end: 130 * DAY_MS, period_type: PERIOD_MONTH },
        ];
        let q = quote_spec_change(&b, &from, &to, &terms, 0, &[]).unwrap();
        let expected = yearly_diff * Decimal::from(100) / Decimal::from(365) + month_diff;
        assert_eq!(q.official_amount, round_price(expected, MONEY_SCALE));
    }

    proptest! {
        #[test]
        fn spec_change_grows_with_the_time_left(days in 1i64..2_000, more in 1i64..400) {
            let b = book();
            let from = vm("1", "s6.small.1.linux", 1);
            let to = SpecChoice { resource_spec: "s6.large.2.linux".into(), resource_size: None };
            let q = |n: i64| quote_spec_change(&b, &from, &to, &[TermSpan { start: 0, end: n * DAY_MS, period_type: PERIOD_MONTH }], 0, &[])
                .unwrap()
                .official_amount;
            prop_assert!(q(days + more) >= q(days));
            // Exactly the monthly difference for each whole 30 days.
            prop_assert_eq!(q(30 * more), round_price(d("100.80") * Decimal::from(more), MONEY_SCALE));
        }
    }

    #[test]
    fn discounts_only_for_own_customers() {
        use crate::funds::CustomerStanding;
        use crate::tenancy::{AssociationType, CustomerScope, PartnerContext, PartnerKind};
        use crate::DomainId;
        let me =
            PartnerContext { partner_id: DomainId::generate(), kind: PartnerKind::SolutionProvider, scope: CustomerScope::AllOfPartner };
        let mine = CustomerStanding { partner_id: me.partner_id.clone(), association: AssociationType::Consultative, managers: vec![] };
        assert!(check_discount_customer(&me, Some(&mine)).is_ok());
        let theirs = CustomerStanding { partner_id: DomainId::generate(), ..mine.clone() };
        assert_eq!(check_discount_customer(&me, Some(&theirs)).unwrap_err().code, ErrorCode::NotYourCustomer);
        assert_eq!(check_discount_customer(&me, None).unwrap_err().code, ErrorCode::NotYourCustomer);
        let member = PartnerContext { scope: CustomerScope::ManagedBy("m1".into()), ..me.clone() };
        assert_eq!(check_discount_customer(&member, Some(&mine)).unwrap_err().code, ErrorCode::NotYourCustomer);
    }

    #[test]
    fn period_lengths() {
        assert_eq!(period_length_ms(PERIOD_MONTH, 2).unwrap(), 60 * 86_400_000);
        assert_eq!(period_length_ms(PERIOD_YEAR, 1).unwrap(), 365 * 86_400_000);
        assert!(period_length_ms(PERIOD_MONTH, 12).is_err());
    }

    #[test]
    fn discount_rates() {
        assert_eq!(parse_discount_rate("0.85").unwrap(), d("0.85"));
        for bad in ["0", "1", "1.2", "-0.5", "0.12345", "x"] {
            assert!(parse_discount_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_price(d("2.625"), 2), d("2.63"));
        assert_eq!(round_price(d("2.624999"), 2), d("2.62"));
        assert_eq!(round_price(d("0.0000005"), 6), d("0.000001"));
    }

    proptest! {
        #[test]
        fn period_amounts_are_exact_and_consistent(months in 1i64..=11, gb in 10i64..=2000, subs in 1i64..=20, rate in 1u32..=9999) {
            let b = book();
            let p = PeriodProduct { subscription_num: subs, ..disk("1", "SSD", gb, months) };
            let rate = Decimal::new(rate as i64, 4);
            let q = quote_period(&b, &p, &[CustomerDiscount { discount_id: "r".into(), name: "r".into(), rate, service_types: vec![] }]).unwrap();
            prop_assert!(q.official_amount.scale() <= 2 && q.amount.scale() <= 2);
            prop_assert_eq!(q.official_amount, Decimal::from(gb * months * subs));
            prop_assert_eq!(q.amount + q.discount_amount, q.official_amount);
            prop_assert!(q.amount > Decimal::ZERO && q.amount <= q.official_amount);
        }

        #[test]
        fn more_months_never_cost_less(months in 1i64..=10) {
            let b = book();
            let a = quote_period(&b, &vm("1", "s6.large.2.linux", months), &[]).unwrap();
            let n = quote_period(&b, &vm("1", "s6.large.2.linux", months + 1), &[]).unwrap();
            prop_assert!(n.official_amount > a.official_amount);
        }

        #[test]
        fn on_demand_amounts_keep_their_scale(hours in 0u32..100_000, precision in 0i64..=1) {
            let scale = on_demand_scale(Some(precision)).unwrap();
            let p = DemandProduct {
                id: "1".into(), cloud_service_type: "hws.service.type.ec2".into(), resource_type: "hws.resource.type.vm".into(),
                resource_spec: "s6.small.1.linux".into(), region: "cn-south-1".into(), available_zone: None, resource_size: None,
                size_measure_id: None, usage_factor: "Duration".into(), usage_value: Decimal::new(hours as i64, 2), usage_measure_id: 4, subscription_num: 1,
            };
            let q = quote_on_demand(&book(), &p, scale, &[]).unwrap();
            prop_assert!(q.official_amount.scale() <= scale);
            prop_assert_eq!(q.official_amount, round_price(d("0.09") * Decimal::new(hours as i64, 2), scale));
        }
    }
}
