//! The default catalogue, model `bri-cultural-v1` (docs/spec.md §2): 18 indicators, six per
//! connotation, each tied to the mechanism of Bian & Liu (2023) that it measures.
//!
//! Everything here is `const`: the default model lives in flash and costs no RAM or
//! allocation. Its validity and fingerprint are checked by the unit tests below.

use super::connotation::{Aggregation, Connotation::*, Direction::*, Transform::*};
use super::{Indicator, Indicators, Model, ModelName, ModelParams};

/// Name of the default model.
pub const DEFAULT_MODEL_NAME: &str = "bri-cultural-v1";

/// Cultural 0 — people trained or exchanged per year (log, 0–10 000).
/// Paper §3: *talent cultivation*, the humanistic connotation's first mechanism.
pub const TALENT_EXCHANGE: Indicator =
    Indicator::new("talent_exchange", Cultural, Benefit, Log, 0.0, 10000.0);
/// Cultural 1 — heritage items protected or transmitted (log, 0–40).
/// Paper §3: *inheritance of science-and-technology heritage*; the Silk Road World Heritage corridor.
pub const HERITAGE_ITEMS: Indicator =
    Indicator::new("heritage_items", Cultural, Benefit, Log, 0.0, 40.0);
/// Cultural 2 — think-tank outputs, exhibitions and events per year (log, 0–500).
/// Paper §3: *dissemination of experience* through think tanks.
pub const DISSEMINATION_EVENTS: Indicator =
    Indicator::new("dissemination_events", Cultural, Benefit, Log, 0.0, 500.0);
/// Cultural 3 — copyrights, trademarks and patents registered per year (log, 0–200).
/// Paper §3: *intellectual and technological innovation*; §4.5 intellectual property.
pub const IP_REGISTRATIONS: Indicator =
    Indicator::new("ip_registrations", Cultural, Benefit, Log, 0.0, 200.0);
/// Cultural 4 — % of offerings delivered digitally: Internet+, VR/AR (lin, 0–100).
/// Paper §4.3 and §4.6: digital dissemination of culture.
pub const DIGITAL_SHARE: Indicator =
    Indicator::new("digital_share", Cultural, Benefit, Lin, 0.0, 100.0);
/// Cultural 5 — % of participants from partner countries (lin, 0–100).
/// Paper §3: *people-to-people* exchange, the core of the humanistic connotation.
pub const PARTNER_PARTICIPATION: Indicator =
    Indicator::new("partner_participation", Cultural, Benefit, Lin, 0.0, 100.0);
/// Economic 6 — value added in the host region, USD million per year (log, 0–500).
/// Paper §3: a cultural *product system* that serves the regional economy.
pub const REGIONAL_VALUE_ADDED: Indicator =
    Indicator::new("regional_value_added", Economic, Benefit, Log, 0.0, 500.0);
/// Economic 7 — visitors per year (log, 0–5 000 000).
/// Paper §3: cultural tourism products; §4.4 tourism.
pub const TOURISM_VISITORS: Indicator =
    Indicator::new("tourism_visitors", Economic, Benefit, Log, 0.0, 5_000_000.0);
/// Economic 8 — registered cultural brands in use (log, 0–100).
/// Paper §3: cultural *brands* that open markets.
pub const CULTURAL_BRANDS: Indicator =
    Indicator::new("cultural_brands", Economic, Benefit, Log, 0.0, 100.0);
/// Economic 9 — % of jobs held by the local workforce (lin, 0–100).
/// Paper §3: cultural services that employ local labour.
pub const LOCAL_EMPLOYMENT_SHARE: Indicator =
    Indicator::new("local_employment_share", Economic, Benefit, Lin, 0.0, 100.0);
/// Economic 10 — % of revenue from cultural services (lin, 0–100).
/// Paper §3: cultural *service trade*.
pub const SERVICE_TRADE_SHARE: Indicator =
    Indicator::new("service_trade_share", Economic, Benefit, Lin, 0.0, 100.0);
/// Economic 11 — construction cost per annual visitor, USD (cost, log, 0–2000).
/// Paper §3: cultural services that *control cost*.
pub const COST_PER_VISITOR: Indicator =
    Indicator::new("cost_per_visitor", Economic, Cost, Log, 0.0, 2000.0);
/// Security 12 — direct jobs created (log, 0–20 000).
/// Paper §3: industrial clusters create employment and so keep social stability.
pub const JOBS_CREATED: Indicator =
    Indicator::new("jobs_created", Security, Benefit, Log, 0.0, 20000.0);
/// Security 13 — foreign capital attracted, USD million (log, 0–1000).
/// Paper §3: clusters absorb foreign capital.
pub const FOREIGN_INVESTMENT: Indicator =
    Indicator::new("foreign_investment", Security, Benefit, Log, 0.0, 1000.0);
/// Security 14 — distinct industries in the park, 1–10 (lin).
/// Paper §3: professional parks and the division of labour.
pub const CLUSTER_INDUSTRIES: Indicator =
    Indicator::new("cluster_industries", Security, Benefit, Lin, 1.0, 10.0);
/// Security 15 — % of the industrial chain under host-country control (lin, 0–100).
/// Paper §3: industrial security as *control power*.
pub const DOMESTIC_CONTROL_SHARE: Indicator =
    Indicator::new("domestic_control_share", Security, Benefit, Lin, 0.0, 100.0);
/// Security 16 — % of value added from branded, high value-chain activity (lin, 0–100).
/// Paper §3: industrial security as *competitiveness*.
pub const VALUE_CHAIN_SHARE: Indicator =
    Indicator::new("value_chain_share", Security, Benefit, Lin, 0.0, 100.0);
/// Security 17 — regional stability risk rating, 0 none – 10 severe (cost, lin).
/// Paper §3: *social stability*.
pub const STABILITY_RISK: Indicator =
    Indicator::new("stability_risk", Security, Cost, Lin, 0.0, 10.0);

/// The 18 indicators of `bri-cultural-v1`, in record order.
pub const CATALOGUE: [Indicator; 18] = [
    TALENT_EXCHANGE,
    HERITAGE_ITEMS,
    DISSEMINATION_EVENTS,
    IP_REGISTRATIONS,
    DIGITAL_SHARE,
    PARTNER_PARTICIPATION,
    REGIONAL_VALUE_ADDED,
    TOURISM_VISITORS,
    CULTURAL_BRANDS,
    LOCAL_EMPLOYMENT_SHARE,
    SERVICE_TRADE_SHARE,
    COST_PER_VISITOR,
    JOBS_CREATED,
    FOREIGN_INVESTMENT,
    CLUSTER_INDUSTRIES,
    DOMESTIC_CONTROL_SHARE,
    VALUE_CHAIN_SHARE,
    STABILITY_RISK,
];

/// Fingerprint of `bri-cultural-v1` (checked against the computed one by a unit test).
const FINGERPRINT: u32 = 0xa5f1_d3eb;

const NAME: ModelName = match ModelName::new(DEFAULT_MODEL_NAME) {
    Some(n) => n,
    None => ModelName::EMPTY,
};

/// The default model `bri-cultural-v1` of docs/spec.md §2, as a `static` built at compile time (it lives in flash): equal weights, arithmetic
/// within, geometric across (the three connotations must be integrated), ε = 0.01,
/// coverage 0.5, grades 80/65/50/35.
///
/// ```
/// use silkscore::{score, Record, BRI_CULTURAL_V1};
/// let mut rec = Record::new(7, BRI_CULTURAL_V1.len());
/// for i in 0..BRI_CULTURAL_V1.len() { rec.set(i, 50.0).unwrap(); }
/// let s = score(&BRI_CULTURAL_V1, &rec).unwrap();
/// assert!(s.composite > 0.0 && s.composite <= 100.0);
/// assert_eq!(s.fingerprint, BRI_CULTURAL_V1.fingerprint());
/// ```
pub static BRI_CULTURAL_V1: Model = Model::trusted(
    NAME,
    ModelParams {
        within: Aggregation::Arithmetic,
        across: Aggregation::Geometric,
        ..ModelParams::DEFAULT
    },
    Indicators::from_array(CATALOGUE),
    FINGERPRINT,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_model_is_valid_and_fingerprint_matches() {
        let built = Model::new(DEFAULT_MODEL_NAME, ModelParams::DEFAULT, &CATALOGUE).unwrap();
        assert_eq!(built, BRI_CULTURAL_V1);
        assert_eq!(
            built.fingerprint(),
            BRI_CULTURAL_V1.fingerprint(),
            "update FINGERPRINT to {:#010x}",
            built.fingerprint()
        );
        assert_eq!(BRI_CULTURAL_V1.len(), 18);
        for c in super::super::Connotation::ALL {
            assert_eq!(
                BRI_CULTURAL_V1
                    .indicators()
                    .iter()
                    .filter(|i| i.connotation == c)
                    .count(),
                6
            );
        }
    }
}
