//! Which schedules and faults are tried, and which failure is shown.
//!
//! - Two clients: every schedule of their operations, enumerated depth first (each decision
//!   point's choices in turn, the run replayed from the start for each), for each fault set of
//!   the plan.
//! - Three or more: seeded random schedules (the same seed tries the same ones).
//! - Shrinking: of the failing runs found, the one shown has the fewest faults, then the fewest
//!   switches between clients, then the fewest operations; a failure of three clients is shown
//!   with two if two of them fail alone.

use super::{replay, Fault, Memo, Process, Run};
use crate::emulator::rng::Rng;
use crate::engine::copies::Copies;

/// What a check needs: fresh clients and fresh stores for each run, and the invariant.
pub struct Check<'a> {
    /// The clients, made again for each run (a process may keep state between resumes).
    pub clients: &'a dyn Fn() -> Vec<Box<dyn Process>>,
    /// The stores each run starts from.
    pub stores: &'a dyn Fn() -> Copies,
    /// The fault sets to try (the empty set: no fault).
    pub faults: &'a [Vec<Fault>],
    /// What must hold after a run: `Err` says what broke.
    pub invariant: &'a dyn Fn(&Run) -> Result<(), String>,
}

/// A run that broke the invariant, and why.
pub struct Failure {
    pub run: Run,
    pub faults: Vec<Fault>,
    pub why: String,
}

impl Failure {
    /// Switches from one client to another along the run.
    pub fn switches(&self) -> usize {
        self.run
            .events
            .windows(2)
            .filter(|w| w[0].client != w[1].client)
            .count()
    }

    /// Smaller is shown first: fewer faults, fewer switches, fewer operations.
    fn size(&self) -> (usize, usize, usize) {
        (self.faults.len(), self.switches(), self.run.events.len())
    }
}

/// What a check tried and found.
pub struct Report {
    /// Schedules run (each fault set's runs counted).
    pub schedules: usize,
    /// Faults injected, over all runs.
    pub faults: usize,
    /// Runs of the clients' processes (the rest were remembered).
    pub process_runs: usize,
    /// The smallest failure found.
    pub failure: Option<Failure>,
}

impl Report {
    fn new() -> Self {
        Report {
            schedules: 0,
            faults: 0,
            process_runs: 0,
            failure: None,
        }
    }

    fn saw(&mut self, run: Run, faults: &[Fault], check: &Check<'_>) {
        self.schedules += 1;
        self.faults += run.events.iter().filter(|e| e.fault.is_some()).count()
            + run
                .ended
                .iter()
                .filter(|e| matches!(e, super::Ended::Crashed))
                .count();
        if let Err(why) = (check.invariant)(&run) {
            let found = Failure {
                run,
                faults: faults.to_vec(),
                why,
            };
            if self
                .failure
                .as_ref()
                .is_none_or(|f| found.size() < f.size())
            {
                self.failure = Some(found);
            }
        }
    }
}

/// Every schedule of the clients, under each fault set, up to `limit` schedules in all.
pub fn exhaustive(check: &Check<'_>, limit: usize) -> Report {
    let mut report = Report::new();
    for faults in check.faults {
        let mut clients = (check.clients)();
        let mut memo = Memo::default();
        // The choices made at each decision point of the last run, and how many there were.
        let mut path: Vec<(usize, usize)> = Vec::new();
        loop {
            let mut depth = 0;
            let mut taken: Vec<(usize, usize)> = Vec::new();
            let run = replay(&mut clients, &mut memo, (check.stores)(), faults, |ready| {
                let choice = path.get(depth).map_or(0, |&(c, _)| c);
                taken.push((choice, ready.len()));
                depth += 1;
                choice
            });
            report.saw(run, faults, check);
            // The next schedule: the deepest decision with a choice left, taken next.
            path = taken;
            while let Some(&(choice, options)) = path.last() {
                if choice + 1 < options {
                    let last = path.len() - 1;
                    path[last].0 += 1;
                    break;
                }
                path.pop();
            }
            if path.is_empty() || report.schedules >= limit {
                break;
            }
        }
        report.process_runs += memo.runs;
        if report.schedules >= limit {
            break;
        }
    }
    report
}

/// `count` random schedules under each fault set, from `seed`.
pub fn random(check: &Check<'_>, count: usize, seed: u64) -> Report {
    let mut report = Report::new();
    let mut rng = Rng::seeded(seed);
    for faults in check.faults {
        let mut clients = (check.clients)();
        let mut memo = Memo::default();
        for _ in 0..count {
            let run = replay(&mut clients, &mut memo, (check.stores)(), faults, |ready| {
                rng.below(ready.len())
            });
            report.saw(run, faults, check);
        }
        report.process_runs += memo.runs;
    }
    report
}
