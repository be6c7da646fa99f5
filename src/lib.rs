//! labsim: an agent-based simulator of labour-market mobility across the Dutch-German and
//! Dutch-Belgian borders. The module list is the program:

/// Status codes and the clock every layer shares.
pub mod agent;
/// Fitting scenarios to published moments, and checking their fit.
pub mod calibrate;
/// Fixed chunks of workers for parallel work, independent of the thread count.
pub mod chunks;
/// Scenarios against a baseline with common random numbers.
pub mod compare;
/// What can go wrong, in words a user can act on.
pub mod error;
/// The memory a run will need, before it allocates.
pub mod estimate;
/// Participants against their counterfactual selves: effect by months since entry,
/// deadweight, displacement, net effect.
pub mod evaluate;
/// Input files read with a size limit, and the rule for names of output directories.
pub mod input;
/// Event-proportional Bernoulli draws: latent uniforms found by geometric skipping.
pub mod ladder;
/// Stocks and flows counted each step.
pub mod metrics;
/// Read-only tables derived from a scenario: nodes, commuting, borders, utilities.
pub mod model;
/// CSV and JSON output, written atomically.
pub mod output;
/// Figures (PNG, SVG) and the HTML report of a run, drawn from its CSV files.
pub mod plot;
/// Policy instruments: `[[policy]]` blocks, the levers of a step, budgets.
pub mod policy;
/// Keyed random streams (seed, replication, step, stage, agent or node).
pub mod rng;
/// Running replications on a thread pool.
pub mod run;
/// Scenario files: raw TOML, `extends`, validation into typed values.
pub mod scenario;
/// The stages of a step, in order, and the random draws each owns.
pub mod stage;
/// The staged step and its reusable buffers.
pub mod step;
/// Sweeps: plans of many runs, shards of them (Slurm array tasks), resuming, merging.
pub mod sweep;
/// The mutable state of one replication: workers as struct-of-arrays, vacancies, demand base.
pub mod world;
