//! Where the learner is in the challenges (part of the page's one state, which the page keeps
//! in the browser's storage between visits): which they solved, which is open, its hints, its
//! failed checks, what its last check said, and the learner's code for each. No I/O: the page
//! stores it (`ui::state`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{find, CHALLENGES};

/// What a check of the open challenge said.
#[derive(Clone, Debug, PartialEq)]
pub struct ChallengeVerdict {
    pub passed: bool,
    pub message: String,
    pub schedules: u64,
    pub faults: u64,
    /// The failing schedule is on the stage.
    pub counterexample: bool,
}

/// How many failed checks of a challenge before "Show a solution" is offered.
pub const FAILURES_BEFORE_SOLUTION: u32 = 3;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChallengeState {
    /// The ids of the challenges solved in this browser profile.
    pub solved: Vec<String>,
    /// The Challenges panel is shown in the lesson's place.
    pub listed: bool,
    /// The challenge open in the panel.
    pub open: Option<String>,
    /// How many of the open challenge's hints are shown (0 to 3).
    pub hints: usize,
    /// The open challenge's failed checks since it was opened.
    pub failures: u32,
    /// The learner asked to see the open challenge's solution.
    pub solution: bool,
    /// The learner's code for each challenge they opened, as last edited.
    pub sources: BTreeMap<String, String>,
    /// A check is running.
    #[serde(skip)]
    pub checking: bool,
    /// What the last check of the open challenge said.
    #[serde(skip)]
    pub verdict: Option<ChallengeVerdict>,
}

impl ChallengeState {
    /// Keeps `id` as solved.
    pub fn mark_solved(&mut self, id: &str) {
        if !self.solved.iter().any(|s| s == id) {
            self.solved.push(id.to_owned());
        }
    }

    /// How many of the challenges are solved.
    pub fn solved_count(&self) -> usize {
        CHALLENGES
            .iter()
            .filter(|c| self.solved.iter().any(|s| s == c.id))
            .count()
    }

    pub fn is_solved(&self, id: &str) -> bool {
        self.solved.iter().any(|s| s == id)
    }

    /// What the editor shows when challenge `id` is opened: the learner's code for it, or its
    /// starter.
    pub fn source_for(&self, id: &str) -> Option<String> {
        let challenge = find(id)?;
        Some(
            self.sources
                .get(id)
                .cloned()
                .unwrap_or_else(|| challenge.starter.to_owned()),
        )
    }

    /// Opens challenge `id` (or closes the open one): its hints hidden, no check yet. Opening
    /// the challenge that is open already (a reload, a link to it) keeps where the learner was:
    /// the hints shown, the failed checks, the solution offered.
    pub fn open(&mut self, id: Option<&str>) {
        let id = id.filter(|id| find(id).is_some()).map(str::to_owned);
        self.listed = true;
        if id.is_some() && id == self.open {
            return;
        }
        self.open = id;
        self.hints = 0;
        self.failures = 0;
        self.solution = false;
        self.verdict = None;
    }

    /// The editor's text changed while a challenge is open: it is the learner's code for it.
    pub fn edited(&mut self, source: &str) {
        if let Some(id) = &self.open {
            self.sources.insert(id.clone(), source.to_owned());
        }
    }

    /// Shows the next hint.
    pub fn hint(&mut self) {
        self.hints = (self.hints + 1).min(3);
    }

    /// A check of `id` started: the panel says so if it is the open challenge.
    pub fn checking_started(&mut self, id: &str) {
        if self.open.as_deref() == Some(id) {
            self.checking = true;
            self.verdict = None;
        }
    }

    /// A check of `id` ended. A check of another challenge than the open one (from the
    /// console) only counts if it passed.
    pub fn checked(&mut self, id: &str, verdict: ChallengeVerdict) {
        if verdict.passed {
            self.mark_solved(id);
        }
        if self.open.as_deref() == Some(id) {
            self.checking = false;
            if !verdict.passed {
                self.failures += 1;
            }
            self.verdict = Some(verdict);
        }
    }

    /// "Show a solution" is offered after three failed checks.
    pub fn solution_offered(&self) -> bool {
        self.failures >= FAILURES_BEFORE_SOLUTION
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_the_open_challenge_again_keeps_its_hints_and_failed_checks() {
        let mut state = ChallengeState::default();
        state.open(Some("two-writers"));
        state.hint();
        state.checked("two-writers", failed());
        let saved = serde_json::to_string(&state).unwrap();
        // A reload: the saved state, then the address's ?challenge=two-writers.
        let mut again: ChallengeState = serde_json::from_str(&saved).unwrap();
        again.open(Some("two-writers"));
        assert_eq!((again.hints, again.failures), (1, 1));
        // Another challenge starts afresh.
        again.open(Some("read-path"));
        assert_eq!((again.hints, again.failures), (0, 0));
    }

    fn failed() -> ChallengeVerdict {
        ChallengeVerdict {
            passed: false,
            message: "broken".into(),
            schedules: 6,
            faults: 0,
            counterexample: true,
        }
    }

    #[test]
    fn a_solution_is_offered_after_three_failed_checks_of_the_open_challenge() {
        let mut state = ChallengeState::default();
        state.open(Some("two-writers"));
        for _ in 0..2 {
            state.checked("two-writers", failed());
        }
        assert!(!state.solution_offered());
        // A check of another challenge (from the console) does not count.
        state.checked("redis-full", failed());
        assert!(!state.solution_offered());
        state.checked("two-writers", failed());
        assert!(state.solution_offered());
        // Reopening it from the list starts again.
        state.open(None);
        state.open(Some("two-writers"));
        assert!(!state.solution_offered());
        assert_eq!(state.verdict, None);
    }

    #[test]
    fn a_pass_is_kept_as_solved_once_and_unknown_ids_do_not_open() {
        let mut state = ChallengeState::default();
        let passed = ChallengeVerdict {
            passed: true,
            ..failed()
        };
        state.checked("redis-full", passed.clone());
        state.checked("redis-full", passed);
        assert_eq!(state.solved, vec!["redis-full".to_owned()]);
        assert_eq!(state.solved_count(), 1);
        state.open(Some("nope"));
        assert_eq!(state.open, None);
    }

    #[test]
    fn a_link_names_a_challenge_among_other_parameters() {
        use super::super::from_query;
        assert_eq!(
            from_query("?challenge=two-writers").map(|c| c.id),
            Some("two-writers")
        );
        assert_eq!(
            from_query("?x=1&challenge=redis-full").map(|c| c.id),
            Some("redis-full")
        );
        assert!(from_query("?challenge=nope").is_none());
        assert!(from_query("").is_none());
    }

    #[test]
    fn the_editor_keeps_the_learners_code_per_challenge() {
        let mut state = ChallengeState::default();
        let starter = find("two-writers").map(|c| c.starter.to_owned());
        assert_eq!(state.source_for("two-writers"), starter);
        state.open(Some("two-writers"));
        state.edited("mine");
        state.open(Some("redis-full"));
        assert_eq!(state.source_for("two-writers").as_deref(), Some("mine"));
        state.open(None);
        state.edited("lesson code");
        assert_eq!(state.sources.len(), 1);
        state.hint();
        state.hint();
        state.hint();
        state.hint();
        assert_eq!(state.hints, 3);
    }
}
