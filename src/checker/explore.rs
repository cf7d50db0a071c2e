//! Which schedules and faults are tried, and which failure is shown.
//!
//! - Two clients: every schedule of their operations, enumerated depth first (each decision
//!   point's choices in turn, the run replayed from the start for each), for each fault set of
//!   the plan.
//! - Three or more: seeded random schedules (the same seed tries the same ones).
//! - Shrinking: of the failing runs found, the one shown has the fewest faults, then the fewest
//!   switches between clients, then the fewest operations. (Trying two clients before three is
//!   the caller's choice: `challenges` does.)

use super::{replay, Fault, Memo, Process, Run};
use crate::emulator::rng::Rng;
use crate::engine::copies::Copies;

/// What a check needs: its clients, fresh stores for each run, the faults, and the invariant.
pub struct Check<'a> {
    /// The clients (made once per check: a process answers from the outcomes it is given).
    pub clients: &'a dyn Fn() -> Vec<Box<dyn Process>>,
    /// The stores each run starts from.
    pub stores: &'a dyn Fn() -> Copies,
    /// The fault sets to try (the empty set: no fault).
    pub faults: &'a [Vec<Fault>],
    /// What must hold after a run: `Err` says what broke.
    pub invariant: &'a dyn Fn(&Run) -> Result<(), String>,
    /// Clients that run after the others have ended, one after another, on the stores they
    /// left (a restarted process's `recover()`), if any.
    pub then: Option<&'a dyn Fn() -> Vec<Box<dyn Process>>>,
}

impl Check<'_> {
    /// The run, followed by the `then` clients, each alone, their events and endings appended.
    fn followed(&self, mut run: Run) -> Run {
        let Some(then) = self.then else {
            return run;
        };
        for client in then() {
            let offset = run.ended.len();
            let mut memo = Memo::default();
            let after = replay(&mut [client], &mut memo, run.stores, &[], |_| 0);
            let events = run.events.len();
            run.crashes.extend(
                after
                    .crashes
                    .iter()
                    .map(|&(c, at, line)| (c + offset, at + events, line)),
            );
            run.events.extend(after.events.into_iter().map(|mut e| {
                e.client += offset;
                e
            }));
            run.ended.extend(after.ended);
            run.stores = after.stores;
        }
        run
    }
}

/// A run that broke the invariant, and why.
pub struct Failure {
    pub run: Run,
    pub faults: Vec<Fault>,
    pub why: String,
    /// What each client was called to do (`update_price('product3', 310)`), client A first,
    /// if the caller said (the stage names each lifeline's call).
    pub calls: Vec<String>,
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
#[derive(Default)]
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
    /// `other`'s counts added to these, and the smaller of the two failures kept.
    pub fn add(&mut self, other: Report) {
        self.schedules += other.schedules;
        self.faults += other.faults;
        self.process_runs += other.process_runs;
        if let Some(found) = other.failure {
            if self
                .failure
                .as_ref()
                .is_none_or(|f| found.size() < f.size())
            {
                self.failure = Some(found);
            }
        }
    }

    fn saw(&mut self, run: Run, faults: &[Fault], check: &Check<'_>) {
        let run = check.followed(run);
        self.schedules += 1;
        self.faults += run.events.iter().filter(|e| e.fault.is_some()).count() + run.crashes.len();
        if let Err(why) = (check.invariant)(&run) {
            self.add(Report {
                failure: Some(Failure {
                    run,
                    faults: faults.to_vec(),
                    why,
                    calls: Vec::new(),
                }),
                ..Report::default()
            });
        }
    }
}

/// Every schedule of the clients, under each fault set, up to `limit` schedules in all.
pub fn exhaustive(check: &Check<'_>, limit: usize) -> Report {
    let mut report = Report::default();
    // A client's answer depends only on the outcomes it got (a fault is one of them): one memo
    // serves every fault set.
    let mut memo = Memo::default();
    let mut clients = (check.clients)();
    for faults in check.faults {
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
        if report.schedules >= limit {
            break;
        }
    }
    report.process_runs += memo.runs;
    report
}

/// `count` random schedules under each fault set, from `seed`.
pub fn random(check: &Check<'_>, count: usize, seed: u64) -> Report {
    let mut report = Report::default();
    let mut rng = Rng::seeded(seed);
    let mut memo = Memo::default();
    let mut clients = (check.clients)();
    for faults in check.faults {
        for _ in 0..count {
            let run = replay(&mut clients, &mut memo, (check.stores)(), faults, |ready| {
                rng.below(ready.len())
            });
            report.saw(run, faults, check);
        }
    }
    report.process_runs += memo.runs;
    report
}
