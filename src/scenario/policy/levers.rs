//! The vocabulary of what an instrument can change: for its participants ([`Effect`]), for
//! everyone in a step where it is active ([`StepLevers`]), and in the geography ([`GeoEdit`]).
//! Instruments write these through [`super::Instrument`]; the stages read them through
//! [`crate::policy::Levers`]. Plain data: nothing here knows about workers or the world.

use crate::scenario::policy::kinds::JobRetention;
use crate::scenario::RecognitionRule;

/// What being a participant of a set of active policies changes for one worker. Neutral
/// values (`Effect::NONE`) change nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Effect {
    /// On-the-job search probability (the higher of this and the scenario's applies).
    pub on_the_job_search: f64,
    /// Search probability of the unemployed (the higher of this and the scenario's applies).
    pub search_probability: f64,
    pub extra_applications: u32,
    /// Multiplies the weight of every sector other than the worker's own.
    pub sector_weight: f64,
    /// Sector plan: from these sectors to those, the mobility weight is multiplied.
    pub plan_from: u32,
    pub plan_to: u32,
    pub plan_weight: f64,
    /// Multiplies the employer's preference weight.
    pub employer_weight: f64,
    /// Training take-up per step offered to the participant (0: the scenario's).
    pub training_takeup: f64,
    /// Share of the course cost the policy pays, which policy pays it, and the most it pays
    /// for one course in EUR per person (its reserve; infinite when it reserves nothing).
    pub training_share: f64,
    pub training_payer: u8,
    pub training_cap: f64,
    /// Awareness of vacancies across the border (the higher of this and the scenario's).
    pub awareness: f64,
}

impl Effect {
    pub const NONE: Effect = Effect {
        on_the_job_search: 0.0,
        search_probability: 0.0,
        extra_applications: 0,
        sector_weight: 1.0,
        plan_from: 0,
        plan_to: 0,
        plan_weight: 1.0,
        employer_weight: 1.0,
        training_takeup: 0.0,
        training_share: 0.0,
        training_payer: u8::MAX,
        training_cap: f64::INFINITY,
        awareness: 0.0,
    };

    /// Policy `p` pays `share` of a participant's course, at most `reserve` EUR when it
    /// reserves one (`reserve` > 0), if that share is more than any other does.
    pub fn take_training_share(&mut self, p: usize, share: f64, reserve: f64) {
        if share > self.training_share {
            self.training_share = share;
            self.training_payer = p as u8;
            self.training_cap = if reserve > 0.0 {
                reserve
            } else {
                f64::INFINITY
            };
        }
    }
}

/// What the instruments active in one step change for everyone. Reset each step to the
/// scenario's values, then written by each active instrument in the order they are listed.
#[derive(Clone, Debug, Default)]
pub struct StepLevers {
    /// Number of countries: the tables below are `[a * countries + b]`.
    pub countries: usize,
    /// `[diploma country * C + job country]`: regulated sectors needing no recognition.
    pub recognition_free: Vec<u32>,
    /// Recognition rules in force (the scenario's, or a policy's).
    pub recognition: Vec<Option<RecognitionRule>>,
    /// Sectors whose training funds are opened to training into other sectors (bit set).
    pub open_funds: u32,
    /// Active fund openers: (policy, sectors whose funds it opens).
    pub fund_openers: Vec<(usize, u32)>,
    /// Active training subsidies: (policy, most EUR per course, share of the cost).
    pub subsidies: Vec<(usize, f64, f64)>,
    /// Active language courses: (policy, language bit, chance per step of learning it).
    pub courses: Vec<(usize, u8, f64)>,
    /// Active dual qualifications: (policy, by country of residence the countries where a
    /// course completed there is recognised too, as a bit set).
    pub dual: Vec<(usize, Vec<u8>)>,
    /// Active job-retention schemes: (policy, its terms).
    pub retention: Vec<(usize, JobRetention)>,
    /// Active offers of learning beside work (a subsidy or an opened fund): (policy, take-up
    /// per step of a part-time course by a targeted worker whose work is not at risk, the
    /// sectors whose workers it offers it to, whether only employees: a fund pays no
    /// self-employed worker).
    pub learning: Vec<(usize, f64, u32, bool)>,
}

impl StepLevers {
    /// The levers of a step with no instrument active.
    pub fn reset(&mut self, countries: usize, recognition: &[Option<RecognitionRule>]) {
        self.countries = countries;
        self.recognition_free.clear();
        self.recognition_free.resize(countries * countries, 0);
        self.recognition.clear();
        self.recognition.extend_from_slice(recognition);
        self.open_funds = 0;
        self.fund_openers.clear();
        self.subsidies.clear();
        self.courses.clear();
        self.dual.clear();
        self.retention.clear();
        self.learning.clear();
    }
}

/// The geography an instrument may change: travel minutes `[from * R + to]` by car and by
/// public transport, and administrative friction and awareness `[from * C + to]` between
/// countries. Starts as the scenario's; the runtime builds the model's geography from it.
#[derive(Clone, Debug)]
pub struct GeoEdit {
    pub regions: usize,
    pub countries: usize,
    pub car: Vec<f64>,
    pub public_transport: Vec<f64>,
    pub admin_friction: Vec<f64>,
    pub awareness: Vec<f64>,
}
