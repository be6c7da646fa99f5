//! `[contracts]` and `[ages]`: how each contract type separates, is chosen for downsizing and
//! how much notice it gets, and the share and employer weight of each age group.

use super::{R, V};
use crate::scenario::raw::{RawAge, RawAges, RawContract, RawContracts};
use crate::scenario::{AgeParams, ContractParams};

/// The three contract types, in the order of [`crate::scenario::Contract`].
pub(super) fn contracts(v: &V, c: RawContracts, step_months: u32) -> R<[ContractParams; 3]> {
    let contract = |name: &str,
                    x: Option<RawContract>,
                    sep: f64,
                    down: f64,
                    notice: i64|
     -> R<ContractParams> {
        let x = x.unwrap_or_default();
        Ok(ContractParams {
            separation_multiplier: v.nonneg(
                &format!("contracts.{name}.separation_multiplier"),
                x.separation_multiplier,
                sep,
            )?,
            downsizing_weight: v.positive(
                &format!("contracts.{name}.downsizing_weight"),
                x.downsizing_weight,
                down,
            )?,
            notice_steps: super::months_to_steps_or_none(
                v.int(
                    &format!("contracts.{name}.notice_months"),
                    x.notice_months,
                    notice,
                    0,
                    60,
                )?,
                step_months,
            ),
        })
    };
    // Notice before an economic dismissal takes effect (docs/DATA.md): a permanent Dutch
    // contract about 2 months (the UWV procedure, about 4 weeks, then at least 1 month of
    // notice, BW 7:672), a flexible one about 1 (it ends with its term or assignment), the
    // self-employed none.
    Ok([
        contract("permanent", c.permanent, 1.0, 1.0, 2)?,
        contract("flexible", c.flexible, 1.0, 1.0, 1)?,
        contract("self_employed", c.self_employed, 1.0, 1.0, 0)?,
    ])
}

/// The three age groups, in the order of [`crate::scenario::AgeGroup`]; their shares sum to 1.
pub(super) fn ages(v: &V, a: RawAges) -> R<[AgeParams; 3]> {
    let age = |name: &str, x: Option<RawAge>, share: f64| -> R<AgeParams> {
        let x = x.unwrap_or_default();
        Ok(AgeParams {
            share: v.prob(&format!("ages.{name}.share"), x.share, share)?,
            employer_weight: v.positive(
                &format!("ages.{name}.employer_weight"),
                x.employer_weight,
                1.0,
            )?,
        })
    };
    let ages = [
        age("under_27", a.under_27, 0.2)?,
        age("age_27_49", a.age_27_49, 0.5)?,
        age("age_50_plus", a.age_50_plus, 0.3)?,
    ];
    let age_total: f64 = ages.iter().map(|a| a.share).sum();
    if (age_total - 1.0).abs() > 1e-6 {
        return Err(v.err(
            "ages.under_27.share",
            ages[0].share,
            format!("the three age shares must sum to 1 (they sum to {age_total})"),
        ));
    }
    Ok(ages)
}
