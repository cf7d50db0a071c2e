//! The page's state: one reducer, no I/O (the app does the I/O and dispatches).

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use yew::Reducible;

use crate::challenges::progress::{ChallengeState, ChallengeVerdict};
use crate::lesson::Line;

use crate::engine::trace::OperationKind;
use crate::engine::Trace;
use crate::scenario::Scenario;

/// Where the database stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum DbStatus {
    /// Opening IndexedDB.
    #[default]
    Opening,
    /// IndexedDB is open: writes survive a reload.
    Persistent,
    /// IndexedDB could not be used: the rows live in memory only.
    InMemory,
}

/// A trace that ran on copies of the stores (a race, or a shared link), shown on the stage
/// instead of the lab's own until "Back to live".
#[derive(Clone, Debug, PartialEq)]
pub struct Replay {
    pub trace: Rc<Trace>,
    pub scenario: Scenario,
}

/// The panel beside the stage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    /// The lesson, the update form, the console, the pattern and faults.
    #[default]
    Playground,
    Race,
    Compare,
    Scale,
}

impl Tab {
    /// Every tab, in the order shown.
    pub const ALL: [Tab; 4] = [Tab::Playground, Tab::Race, Tab::Compare, Tab::Scale];

    /// The tab's label.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Playground => "Playground",
            Tab::Race => "Two writers",
            Tab::Compare => "Compare",
            Tab::Scale => "At scale",
        }
    }

    /// Its id in the page (`tab-…`, `panel-…`).
    pub fn id(self) -> &'static str {
        match self {
            Tab::Playground => "playground",
            Tab::Race => "race",
            Tab::Compare => "compare",
            Tab::Scale => "scale",
        }
    }
}

/// What the Application card shows: the pattern's listing, or the learner's own Python.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CodeView {
    #[default]
    Pattern,
    Editor,
}

/// Where the interpreter's worker stands (it loads on first use of the editor).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum PythonPhase {
    #[default]
    NotLoaded,
    /// Downloading: bytes so far, and of how many (0 if unknown).
    Loading {
        loaded: f64,
        total: f64,
    },
    Ready,
    Failed(String),
}

/// The learner's Python: the editor's text, and the last run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PythonState {
    /// The editor's text.
    pub source: Rc<str>,
    /// The text of the last run (what the trace's lines refer to).
    pub ran: Option<Rc<str>>,
    /// What the last run printed, its traceback, what the lab says about it.
    pub output: Option<Rc<str>>,
    /// The last run's error (its traceback's last line, or why it was stopped), if it had one.
    pub error: Option<Rc<str>>,
    /// A run is in flight.
    pub running: bool,
    pub phase: PythonPhase,
}

/// What an earlier visit in this browser profile kept under `key` (JSON), if anything.
fn load<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    let storage = web_sys::window()?.local_storage().ok()??;
    serde_json::from_str(&storage.get_item(key).ok()??).ok()
}

/// Keeps `value` under `key` for the next visit (quietly, if storage is refused).
fn keep<T: Serialize>(key: &str, value: &T) {
    if let (Some(Ok(Some(storage))), Ok(text)) = (
        web_sys::window().map(|w| w.local_storage()),
        serde_json::to_string(value),
    ) {
        let _ = storage.set_item(key, &text);
    }
}

/// Where the challenges' progress is kept between visits.
const CHALLENGES_KEY: &str = "write-through-lab.challenges";

/// The challenges' progress kept by an earlier visit in this browser profile, if any.
pub fn saved_challenges() -> Option<ChallengeState> {
    load(CHALLENGES_KEY)
}

/// Keeps the challenges' progress for the next visit.
pub fn save_challenges(state: &ChallengeState) {
    keep(CHALLENGES_KEY, state);
}

/// Keeps challenge `id` as solved in the browser's storage at once, so that `lab.challenges()`
/// says so as soon as `lab.check_challenge` resolves, before the page renders.
pub fn save_solved(id: &str) {
    let mut saved = saved_challenges().unwrap_or_default();
    saved.mark_solved(id);
    save_challenges(&saved);
}

/// What the learner submits for checking.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// Step 1: the hash typed in the console is checked as it stands.
    Hash,
    /// Step 2: the Python dictionary.
    Database(String),
    /// Steps 3 and 4: the body of update_price, picked from given lines ("Pick the lines
    /// instead").
    Function { step: usize, lines: Vec<Line> },
    /// Steps 3 and 4 (`step` 2 or 3): the learner's own Python, from the editor.
    Python { step: usize, source: String },
}

/// Where the learner is in the lesson (kept in the browser's storage between visits).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LessonState {
    /// "Start the lesson" emptied both stores.
    pub started: bool,
    /// Steps done (0 to 4).
    pub done: usize,
    /// The verdict on the last check, and the step (0-based) it was about.
    pub feedback: Option<(usize, Result<String, String>)>,
    /// What each passed step was told, kept under that step.
    pub passed: Vec<(usize, String)>,
    /// The learner's `update_price`, once step 4 passed: what "Update price" runs when
    /// `run_mine` is on.
    pub function: Option<Vec<Line>>,
    pub run_mine: bool,
}

/// Where the lesson's progress is kept between visits.
const LESSON_KEY: &str = "write-through-lab.lesson";

impl LessonState {
    /// The progress kept by an earlier visit in this browser profile, if any.
    pub fn saved() -> Option<LessonState> {
        load(LESSON_KEY)
    }

    /// Keeps the progress for the next visit.
    pub fn save(&self) {
        keep(LESSON_KEY, self);
    }

    /// "Start the lesson" emptied both stores: the first step, told what to do.
    fn started() -> LessonState {
        LessonState {
            started: true,
            feedback: Some((
                0,
                Ok("Both stores are empty. Create the hash in the Redis console.".to_owned()),
            )),
            ..LessonState::default()
        }
    }

    /// A check of `step` (0-based) gave `verdict`; `function` is the learner's `update_price`
    /// when that step built one from given lines.
    fn checked(
        &mut self,
        step: usize,
        verdict: Result<String, String>,
        function: Option<Vec<Line>>,
    ) {
        if let Ok(message) = &verdict {
            self.done = self.done.max(step + 1);
            self.passed.retain(|(s, _)| *s != step);
            self.passed.push((step, message.clone()));
            if function.is_some() {
                // From now on "Update price" runs the learner's own function.
                self.function = function;
                self.run_mine = true;
            }
        }
        self.feedback = Some((step, verdict));
    }
}

impl PythonState {
    /// A run of `source` ended (or a link to one was opened) with its output and error.
    fn ran(&mut self, source: Rc<str>, output: Rc<str>, error: Option<Rc<str>>) {
        self.ran = Some(source);
        self.output = Some(output);
        self.error = error;
    }
}

/// What the page knows. The stores themselves live in the lab; `version` changes whenever
/// they may have, so that the cards read them again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabState {
    pub status: DbStatus,
    /// Bumped after every change to either store.
    pub version: u64,
    /// A write or reset is in flight.
    pub busy: bool,
    /// The last database failure, until the next success.
    pub error: Option<String>,
    /// Something the learner should know (fallback to memory, another tab, a blocked upgrade).
    pub notice: Option<String>,
    /// The lab's own last operation.
    pub last_trace: Option<Rc<Trace>>,
    /// Where that operation came from, if it can be replayed from a link.
    pub scenario: Option<Scenario>,
    /// A race or a shared link, shown instead of the lab's own trace.
    pub replay: Option<Replay>,
    /// Show this step of the next trace shown instead of playing it from the start
    /// (`usize::MAX`: its last step).
    pub seek: Option<usize>,
    /// Write-behind flushes that ran on their timer, newest last: each can be opened, none
    /// replaces the trace being stepped through.
    pub timed_flushes: Vec<Rc<Trace>>,
    /// The panel beside the stage.
    pub tab: Tab,
    /// Bumped by "Back to live" (and a console command): the stage goes to the last step.
    pub live_token: u64,
    /// A new version of the lab is installed and waits for a reload.
    pub update_ready: bool,
    /// Redis started empty and this tab warmed it: the warm-up, said in the cache's card and
    /// there to open, until opened, dismissed, or the stores are replaced.
    pub warm_up: Option<Rc<Trace>>,
    pub code_view: CodeView,
    pub python: PythonState,
    pub lesson: LessonState,
    pub challenges: ChallengeState,
    /// What the large-catalog panel last said.
    pub scale_message: Option<String>,
    /// The learner's predictions ("Predict, then see") on the trace on the stage: step →
    /// choice. They belong to that trace: another trace on the stage starts with none.
    pub answers: Rc<BTreeMap<usize, String>>,
    /// The same update under two patterns, on copies of the stores (the Compare panel).
    pub compare: Option<Rc<(Trace, Trace)>>,
    /// The last "Link to this step", for the trace on the stage.
    pub link: Option<String>,
}

/// How many timed flushes are kept to open.
pub const MAX_TIMED_FLUSHES: usize = 5;

impl LabState {
    /// An open challenge is beside the stage (the playground's panel shows it): the editor is
    /// in its panel, not in the Application card, and the panel is wider.
    pub fn challenge_beside_stage(&self) -> bool {
        self.challenges.open.is_some() && self.tab == Tab::Playground
    }

    /// The trace on the stage: a replay if there is one, else the lab's own last operation.
    pub fn shown_trace(&self) -> Option<&Rc<Trace>> {
        self.replay
            .as_ref()
            .map(|r| &r.trace)
            .or(self.last_trace.as_ref())
    }

    /// The scenario behind the trace on the stage (for "Link to this step").
    pub fn shown_scenario(&self) -> Option<&Scenario> {
        match &self.replay {
            Some(r) => Some(&r.scenario),
            None => self.scenario.as_ref(),
        }
    }
}

/// What happened.
#[derive(Clone, Debug, PartialEq)]
pub enum LabAction {
    Opened {
        persistent: bool,
        notice: Option<String>,
    },
    /// The learner closed the notice.
    DismissNotice,
    /// The learner closed the warm-up's note.
    DismissWarmUp,
    /// Both stores were replaced (reset to the seed, a generated catalog): as `Changed`, and
    /// the warm-up is no longer what they hold.
    StoresReplaced,
    Changed,
    Traced(Trace),
    /// A trace replayed from a scenario (a race, or a shared link), shown at `seek` if given.
    Replay {
        trace: Trace,
        scenario: Scenario,
        seek: Option<usize>,
    },
    /// A write-behind flush ran on its timer.
    TimedFlush(Trace),
    /// Show the timed flush at this index of `timed_flushes`.
    OpenTimedFlush(usize),
    /// Show the lab's own stores as they are now (leave a replay, go to the last step).
    BackToLive,
    Busy,
    Failed(String),
    Notice(String),
    Tab(Tab),
    /// A new version of the lab is installed and waits for a reload.
    UpdateReady,
    /// Redis started with an empty cache and this tab filled it from the database.
    WarmedUp(Trace),
    /// Show the warm-up on the stage.
    OpenWarmUp,
    CodeView(CodeView),
    /// The editor's text changed (typed, or a pattern's listing opened in it).
    PythonEdit(Rc<str>),
    PythonRunning,
    /// A run ended: its source, its output, and its error if it had one (its trace, if any,
    /// comes as `Traced`).
    PythonRan {
        source: Rc<str>,
        output: Rc<str>,
        error: Option<Rc<str>>,
    },
    PythonPhase(PythonPhase),
    /// "Start the lesson" emptied both stores.
    LessonStarted,
    /// Starting the lesson failed.
    LessonFailed(String),
    /// The Challenges panel (`true`) or the lesson is shown.
    ChallengesShown(bool),
    /// A challenge was opened in the Challenges panel (`None`: back to the list).
    ChallengeOpen(Option<String>),
    /// The open challenge's next hint.
    ChallengeHint,
    /// "Show a solution".
    ChallengeSolution,
    /// A check of challenge `id` started.
    ChallengeChecking(String),
    /// A check of challenge `id` ended (from the panel or `lab.check_challenge`).
    ChallengeChecked {
        id: String,
        verdict: ChallengeVerdict,
    },
    /// A lesson step (0-based) was checked; `function` is the learner's `update_price` when
    /// that step built one from given lines.
    LessonChecked {
        step: usize,
        verdict: Result<String, String>,
        function: Option<Vec<Line>>,
    },
    /// Whether "Update price" runs the learner's own function.
    RunMine(bool),
    ScaleMessage(Option<String>),
    /// The learner answered the question at `step` of the trace on the stage.
    Predicted {
        step: usize,
        choice: String,
    },
    Compared(Trace, Trace),
    Linked(String),
    /// A shared link to a run of the learner's Python was opened: its program (shown as the
    /// editor's text) and what it printed (its trace comes as `Replay`).
    OpenedLink {
        source: Rc<str>,
        output: Rc<str>,
        error: Option<Rc<str>>,
    },
}

impl Reducible for LabState {
    type Action = LabAction;

    fn reduce(self: Rc<Self>, action: LabAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        next.link_python_run();
        // Predictions and the link belong to the trace on the stage.
        if next.shown_trace().map(Rc::as_ptr) != self.shown_trace().map(Rc::as_ptr) {
            next.answers = Rc::default();
            next.link = None;
        }
        Rc::new(next)
    }
}

impl LabState {
    /// What `action` changes: the stores and the traces here, the rest in
    /// [`LabState::apply_to_page`].
    fn apply(&mut self, action: LabAction) {
        let next = self;
        match action {
            LabAction::Opened { persistent, notice } => {
                next.status = if persistent {
                    DbStatus::Persistent
                } else {
                    DbStatus::InMemory
                };
                next.notice = notice;
                next.version += 1;
            }
            LabAction::Changed => {
                next.version += 1;
                next.busy = false;
                next.error = None;
            }
            LabAction::StoresReplaced => {
                next.version += 1;
                next.busy = false;
                next.error = None;
                next.warm_up = None;
            }
            LabAction::Traced(trace) => {
                next.version += 1;
                next.busy = false;
                next.error = None;
                let scenario = Scenario::of_trace(&trace);
                next.open(Rc::new(trace));
                next.scenario = scenario;
            }
            LabAction::Replay {
                trace,
                scenario,
                seek,
            } => {
                next.version += 1;
                next.seek = seek;
                if scenario.is_race() {
                    next.tab = Tab::Race;
                }
                next.replay = Some(Replay {
                    trace: Rc::new(trace),
                    scenario,
                });
            }
            LabAction::TimedFlush(trace) => next.timed_flush(trace),
            LabAction::OpenTimedFlush(i) => {
                if i < next.timed_flushes.len() {
                    let trace = next.timed_flushes.remove(i);
                    next.open(trace);
                }
            }
            LabAction::BackToLive => {
                next.version += 1;
                next.replay = None;
                next.seek = Some(usize::MAX);
                next.live_token += 1;
            }
            LabAction::Busy => next.busy = true,
            LabAction::Failed(message) => {
                next.busy = false;
                next.error = Some(message);
            }
            LabAction::Notice(message) => next.notice = Some(message),
            LabAction::DismissNotice => next.notice = None,
            LabAction::DismissWarmUp => next.warm_up = None,
            LabAction::Tab(tab) => next.tab = tab,
            LabAction::UpdateReady => next.update_ready = true,
            LabAction::WarmedUp(trace) => next.warmed_up(trace),
            other => next.apply_to_page(other),
        }
    }

    /// What an action about the editor, the lesson or a panel changes.
    fn apply_to_page(&mut self, action: LabAction) {
        match action {
            LabAction::CodeView(_)
            | LabAction::PythonEdit(_)
            | LabAction::PythonRunning
            | LabAction::PythonRan { .. }
            | LabAction::PythonPhase(_)
            | LabAction::OpenedLink { .. } => self.apply_to_code(action),
            LabAction::LessonStarted
            | LabAction::LessonFailed(_)
            | LabAction::LessonChecked { .. }
            | LabAction::RunMine(_)
            | LabAction::ChallengeOpen(_)
            | LabAction::ChallengesShown(_)
            | LabAction::ChallengeHint
            | LabAction::ChallengeSolution
            | LabAction::ChallengeChecking(_)
            | LabAction::ChallengeChecked { .. } => self.apply_to_lesson(action),
            LabAction::OpenWarmUp => {
                if let Some(trace) = self.warm_up.take() {
                    self.open(trace);
                }
            }
            LabAction::ScaleMessage(message) => self.scale_message = message,
            LabAction::Predicted { step, choice } => {
                Rc::make_mut(&mut self.answers).insert(step, choice);
            }
            LabAction::Compared(a, b) => self.compare = Some(Rc::new((a, b))),
            LabAction::Linked(url) => self.link = Some(url),
            // Handled in `apply`; listed so that a new action cannot be forgotten.
            LabAction::Opened { .. }
            | LabAction::Changed
            | LabAction::Traced(_)
            | LabAction::Replay { .. }
            | LabAction::TimedFlush(_)
            | LabAction::OpenTimedFlush(_)
            | LabAction::BackToLive
            | LabAction::Busy
            | LabAction::Failed(_)
            | LabAction::Notice(_)
            | LabAction::DismissNotice
            | LabAction::DismissWarmUp
            | LabAction::StoresReplaced
            | LabAction::Tab(_)
            | LabAction::UpdateReady
            | LabAction::WarmedUp(_) => {}
        }
    }

    /// The code view and the learner's Python (the actions `apply_to_page` sends here).
    fn apply_to_code(&mut self, action: LabAction) {
        let next = self;
        match action {
            LabAction::CodeView(view) => next.code_view = view,
            LabAction::PythonEdit(source) => {
                next.challenges.edited(&source);
                next.python.source = source;
            }
            LabAction::PythonRunning => {
                next.python.running = true;
                next.code_view = CodeView::Editor;
            }
            LabAction::PythonRan {
                source,
                output,
                error,
            } => {
                // Linked again below, with this source.
                if next
                    .last_trace
                    .as_ref()
                    .is_some_and(|t| t.operation == OperationKind::Python)
                {
                    next.scenario = None;
                }
                next.python.running = false;
                next.python.ran(source, output, error);
                next.code_view = CodeView::Editor;
            }
            LabAction::PythonPhase(phase) => next.python.phase = phase,
            LabAction::OpenedLink {
                source,
                output,
                error,
            } => {
                next.python.source = Rc::clone(&source);
                next.python.ran(source, output, error);
                next.code_view = CodeView::Editor;
            }
            _ => {}
        }
    }

    /// The lesson and the challenges (the actions `apply_to_page` sends here).
    fn apply_to_lesson(&mut self, action: LabAction) {
        let next = self;
        match action {
            LabAction::LessonStarted => {
                next.lesson = LessonState::started();
                // The stores were emptied: the warm-up is no longer what they hold.
                next.warm_up = None;
            }
            LabAction::LessonFailed(why) => {
                next.lesson.feedback = Some((next.lesson.done, Err(why)));
            }
            LabAction::LessonChecked {
                step,
                verdict,
                function,
            } => next.lesson.checked(step, verdict, function),
            LabAction::RunMine(on) => next.lesson.run_mine = on,
            LabAction::ChallengeOpen(id) => {
                if id.is_some() {
                    next.code_view = CodeView::Editor;
                }
                next.challenges.open(id.as_deref());
            }
            LabAction::ChallengesShown(shown) => {
                next.challenges.open(None);
                next.challenges.listed = shown;
            }
            LabAction::ChallengeHint => next.challenges.hint(),
            LabAction::ChallengeSolution => next.challenges.solution = true,
            LabAction::ChallengeChecking(id) => next.challenges.checking_started(&id),
            LabAction::ChallengeChecked { id, verdict } => {
                // A pass leaves no failing schedule of an earlier check on the stage (one is
                // always shown as a replay: `python::run_challenge`).
                let counterexample = next
                    .replay
                    .as_ref()
                    .is_some_and(|r| r.trace.operation == OperationKind::Counterexample);
                if verdict.passed && counterexample {
                    next.replay = None;
                }
                next.challenges.checked(&id, verdict);
            }
            _ => {}
        }
    }
}

impl LabState {
    /// Puts `trace` on the stage as the lab's own last operation, from its first step.
    fn open(&mut self, trace: Rc<Trace>) {
        self.scenario = None;
        self.seek = None;
        self.replay = None;
        self.last_trace = Some(trace);
    }

    /// A write-behind flush ran on its timer: kept to open if it wrote anything.
    fn timed_flush(&mut self, trace: Trace) {
        self.version += 1;
        if trace.operation == OperationKind::Flush && !trace.database_writes().is_empty() {
            self.timed_flushes.push(Rc::new(trace));
            let excess = self.timed_flushes.len().saturating_sub(MAX_TIMED_FLUSHES);
            self.timed_flushes.drain(..excess);
        }
    }

    /// Redis started empty and this tab warmed it: said in the cache's card (the stage's
    /// `warm_up` note) until opened, dismissed, or the stores are replaced.
    fn warmed_up(&mut self, trace: Trace) {
        self.version += 1;
        self.warm_up = Some(Rc::new(trace));
    }

    /// The lab's last operation, if it is a run of the learner's Python, gets its scenario (a
    /// shared link reruns the program on the seed stores): its trace and its source may arrive
    /// in either order.
    fn link_python_run(&mut self) {
        if let (None, Some(trace), Some(source)) =
            (&self.scenario, &self.last_trace, &self.python.ran)
        {
            if trace.operation == OperationKind::Python {
                self.scenario = Some(Scenario::Python {
                    pattern: trace.pattern,
                    faults: trace.faults,
                    source: source.to_string(),
                });
            }
        }
    }
}
