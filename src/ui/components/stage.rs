//! The stage: the actors of the lesson side by side — the application (or, in a race, one card
//! per writer, each with its own code), the Redis cache, the database and, for write-behind,
//! the queue — showing the stores at one step of the trace or live, and saying honestly which.
//! Messages travel between the cards in a layer on top (see `use_travel`).

use std::rc::Rc;

use yew::prelude::*;

use super::actor_card::{ActorCard, ActorStatus};
use super::code_pane::CodePane;
use super::db_panel::DbPanel;
use super::editor::Editor;
use super::price_table::{Notes, PriceTable};
use crate::catalog::PRICES_KEY;
use crate::engine::diagram::{Diagram, Lifeline};
use crate::engine::listing::Listing;
use crate::engine::trace::{Actor, CodeRef, OperationKind, Step, Store};
use crate::engine::{patterns, recovery, Consistency, Pattern, StepKind, Table, Trace, Writer};
use crate::python::colour::Marks;
use crate::ui::actions::LabHandle;
use crate::ui::context::{use_lab_handle, use_shown, LiveStores, Shown};
use crate::ui::state::{CodeView, DbStatus, LabAction};

/// What the stage shows, and how honestly to say it.
#[derive(Clone, Debug, PartialEq)]
pub enum StageMode {
    /// The lab's own stores, as they are now.
    Live,
    /// A step of the lab's own last operation, as the stores were then.
    Step { cursor: usize, len: usize },
    /// A race between two writers, on copies of the stores.
    Race,
    /// A shared link, replayed on copies of the stores.
    Link,
    /// A challenge's failing schedule: the checker's clients, on copies of the stores (never
    /// the live stores, even at its last step).
    Checker,
}

impl StageMode {
    fn label(&self) -> String {
        match self {
            StageMode::Live => "Live".to_owned(),
            StageMode::Step { cursor, len } => {
                format!(
                    "Replay · step {} of {}: the stores as they were then",
                    cursor + 1,
                    len
                )
            }
            StageMode::Race => "Race · two writers on copies of the stores".to_owned(),
            StageMode::Link => "Shared link · replayed on copies of the stores".to_owned(),
            StageMode::Checker => {
                "Checker · its failing schedule, on copies of the stores".to_owned()
            }
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct StageProps {
    pub mode: StageMode,
    /// The step whose stores are shown (behind the cursor while a message travels).
    pub shown: usize,
    /// An empty layer spanning the stage, in which messages travel.
    pub travel_layer: NodeRef,
}

/// What the cards show, worked out once per render: the trace on the stage at the cursor, and
/// the stores at the shown step (or live).
struct View<'a> {
    lab: &'a LabHandle,
    live: LiveStores,
    live_mode: bool,
    trace: Option<&'a Trace>,
    diagram: &'a Option<Diagram>,
    cursor: usize,
    shown: usize,
    /// The step at the cursor, and the one whose stores are shown.
    step: Option<&'a Step>,
    shown_step: Option<&'a Step>,
    cache: Table,
    database: Table,
    queue: Table,
    consistency: Consistency,
    pattern: Pattern,
}

impl<'a> View<'a> {
    fn new(lab: &'a LabHandle, shown: &'a Shown, mode: &StageMode, at: usize) -> View<'a> {
        let live = lab.live();
        let live_mode = *mode == StageMode::Live;
        let trace = shown.trace.as_deref();
        let step_at =
            |i: usize| trace.and_then(|t| t.steps.get(i.min(t.steps.len().saturating_sub(1))));
        let (step, shown_step) = (step_at(shown.cursor()), step_at(at));
        let (cache, database, queue, consistency) = match shown_step {
            Some(s) if !live_mode => (
                Rc::clone(&s.cache),
                Rc::clone(&s.database),
                Rc::clone(&s.queue),
                s.consistency.clone(),
            ),
            _ => (
                Rc::clone(&live.cache),
                Rc::clone(&live.database),
                Rc::clone(&live.queue),
                live.consistency.clone(),
            ),
        };
        let pattern = trace.map_or(live.pattern, |t| t.pattern);
        View {
            lab,
            live_mode,
            trace,
            diagram: &shown.diagram,
            cursor: shown.cursor(),
            shown: at,
            step,
            shown_step,
            cache,
            database,
            queue,
            consistency,
            pattern,
            live,
        }
    }

    /// The keys of `store` the shown step changed (highlighted).
    fn changed(&self, store: Store) -> Rc<Vec<String>> {
        Rc::new(
            self.shown_step
                .map(|s| {
                    s.changes
                        .iter()
                        .filter(|c| c.store == store)
                        .map(|c| c.key.clone())
                        .collect()
                })
                .unwrap_or_default(),
        )
    }

    fn active(&self, actor: Actor) -> bool {
        self.step.is_some_and(|s| s.actor == actor)
    }

    fn is(&self, operation: OperationKind) -> bool {
        self.trace.is_some_and(|t| t.operation == operation)
    }

    fn opening(&self) -> bool {
        self.lab.state.status == DbStatus::Opening
    }

    /// The product the trace is about, scrolled into view in long tables.
    fn reveal(&self) -> (Option<AttrValue>, usize) {
        let product = self
            .trace
            .map(|t| t.product.clone())
            .filter(|p| !p.is_empty());
        (
            product.map(AttrValue::from),
            self.trace.map_or(0, |t| t as *const Trace as usize),
        )
    }

    fn listing(&self) -> Listing {
        match self.trace {
            Some(t)
                if matches!(
                    t.operation,
                    OperationKind::Recovery | OperationKind::RemoveStrays
                ) =>
            {
                recovery::LISTING
            }
            Some(t) if t.operation == OperationKind::Read => crate::engine::read::LISTING,
            _ => patterns::listing(self.pattern),
        }
    }
}

#[function_component(Stage)]
pub fn stage(props: &StageProps) -> Html {
    let (Some(lab), Some(shown)) = (use_lab_handle(), use_shown()) else {
        return Html::default();
    };
    let view = View::new(&lab, &shown, &props.mode, props.shown);
    let race = view.trace.is_some_and(|t| t.operation.has_writers());
    // A counterexample of one client has one writer card: as wide as the Application's.
    let wide = view.trace.is_some_and(|t| t.writers().len() > 1);
    let show_queue = view.pattern == Pattern::WriteBehind || !view.queue.is_empty();
    html! {
        <section class="stage" aria-label="Stage">
            <div class="stage__head">
                <h2 class="stage__title">{ if show_queue || race { "The actors" } else { "The three actors" } }</h2>
                <p class={classes!("stage__mode", view.live_mode.then_some("stage__mode--live"))} role="status" aria-label="Stage mode">
                    { props.mode.label() }
                </p>
                if !view.live_mode {
                    <button type="button" class="playback__button stage__live" onclick={back_to_live(&lab)}>{ "Back to live" }</button>
                }
            </div>
            <div class={classes!("stage__cards", show_queue.then_some("stage__cards--queue"), (race && wide).then_some("stage__cards--race"))}>
                { if race { writers(&view) } else { application(&view) } }
                if show_queue {
                    { queue_card(&view) }
                }
                { cache_card(&view) }
                { database_card(&view) }
            </div>
            <div class="stage__travel" ref={props.travel_layer.clone()} aria-hidden="true"></div>
        </section>
    }
}

fn back_to_live(lab: &LabHandle) -> Callback<MouseEvent> {
    let dispatch = lab.state.dispatcher();
    Callback::from(move |_| dispatch.dispatch(LabAction::BackToLive))
}

/// In a race, one card per writer, each with its own code (in a challenge's counterexample,
/// the learner's code, which is in the editor).
fn writers(view: &View<'_>) -> Html {
    let Some(trace) = view.trace else {
        return Html::default();
    };
    let listing = view.listing();
    // A counterexample, or a race of the learner's own function: each card is a call of it.
    let mine = !trace.clients.is_empty() || trace.operation == OperationKind::Counterexample;
    let checker = trace.operation == OperationKind::Counterexample;
    let writers = trace.writers();
    let client = |w: Writer| -> Option<&String> {
        let i = Writer::ALL.iter().position(|&x| x == w)?;
        trace.clients.get(i)
    };
    html! {
        <div class={classes!("stage__writers", (writers.len() == 1).then_some("stage__writers--one"))} role="region" aria-label="Application">
            { for writers.into_iter().map(|w| {
                let (just_ran, next) = writer_lines(trace, w, view.cursor);
                let lifeline = Lifeline::Writer(w);
                let role = if let Some(call) = client(w).filter(|_| checker) {
                    format!("Runs your {call} — one of the checker's clients")
                } else if let Some(call) = client(w) {
                    format!("Runs your {call} — the editor's code")
                } else if mine {
                    format!("Calls your update_price for {} — one of the checker's clients", trace.product)
                } else {
                    format!("Runs update_price(\"product1\", …) — {}", view.pattern.title())
                };
                html! {
                    <ActorCard title={lifeline.title_in(trace)} role_line={role}
                        status={ActorStatus::Live(trace.role_of(w))} lifeline={lifeline.id()}
                        active={view.step.is_some_and(|s| s.writer == Some(w) && (mine || s.actor == Actor::Application))}>
                        if mine {
                            <p class="stage__mine">{ writer_story(trace, w, view.cursor) }</p>
                        } else {
                            <CodePane listing={listing} current={just_ran} next={next} />
                        }
                    </ActorCard>
                }
            }) }
        </div>
    }
}

/// What a writer of a counterexample has done by the current step, in a sentence.
fn writer_story(trace: &Trace, w: Writer, cursor: usize) -> String {
    let done: Vec<&str> = trace
        .steps
        .iter()
        .take(cursor + 1)
        .filter(|s| s.writer == Some(w))
        .map(|s| s.action.as_str())
        .collect();
    if done.is_empty() {
        "Has not run yet.".to_owned()
    } else {
        format!("So far: {}.", done.join("; "))
    }
}

/// The Application card: the pattern's listing, or the learner's editor.
fn application(view: &View<'_>) -> Html {
    let state = &view.lab.state;
    let editing = state.code_view == CodeView::Editor;
    let status = if view.live.crashed && view.live_mode {
        ActorStatus::Failed("Crashed — restart to recover".to_owned())
    } else if view.is(OperationKind::Program) {
        ActorStatus::Live("Your update_price, from the lesson".to_owned())
    } else if editing {
        ActorStatus::Live("Your Python".to_owned())
    } else {
        ActorStatus::Live(view.pattern.title().to_owned())
    };
    let on_view = view.lab.on_code_view();
    let view_button = |code_view: CodeView, label: &str| {
        let on_view = on_view.clone();
        html! {
            <button type="button" class="code-pane__tab" aria-pressed={(state.code_view == code_view).to_string()}
                onclick={Callback::from(move |_| on_view.emit(code_view))}>{ label.to_owned() }</button>
        }
    };
    html! {
        <ActorCard title="Application" role_line="Runs update_price(product, new_price)" status={status}
            lifeline={Lifeline::Application.id()} active={view.active(Actor::Application)}>
            <div class="code-pane__views" role="group" aria-label="Code">
                { view_button(CodeView::Pattern, "The pattern") }
                { view_button(CodeView::Editor, "Your Python") }
            </div>
            // While a challenge is open beside it, the editor is in the Challenges panel.
            { match (editing, state.challenge_beside_stage()) {
                (true, true) => html! { <p class="stage__mine">{ "Your code for the challenge is in the Challenges panel." }</p> },
                (true, false) => editor(view),
                (false, _) => listing(view),
            } }
        </ActorCard>
    }
}

/// The lines the cursor's step ran, and the next step runs.
fn lines_at(view: &View<'_>) -> (CodeRef, CodeRef) {
    view.trace
        .map_or((CodeRef::NONE, CodeRef::NONE), |t| t.lines_at(view.cursor))
}

/// The learner's editor, its lines marked when the trace is a run of it.
fn editor(view: &View<'_>) -> Html {
    let python_trace = view.is(OperationKind::Python);
    let (current, next) = if python_trace {
        lines_at(view)
    } else {
        (CodeRef::NONE, CodeRef::NONE)
    };
    // The line that raised, once playback has reached it.
    let error_line = view
        .trace
        .filter(|_| python_trace)
        .and_then(|t| {
            t.steps
                .iter()
                .take(view.cursor + 1)
                .find(|s| s.kind == StepKind::Raise)
        })
        .map_or(0, |s| s.code.python);
    html! {
        <Editor marks={Marks { current: current.python, next: next.python, error: error_line }} />
    }
}

/// The pattern's listing (or the learner's function from the lesson), its lines marked.
fn listing(view: &View<'_>) -> Html {
    let (current, next) = if view.is(OperationKind::Python) {
        (CodeRef::NONE, CodeRef::NONE)
    } else {
        lines_at(view)
    };
    let lesson = &view.lab.state.lesson;
    let mine = lesson
        .function
        .as_deref()
        .filter(|_| view.is(OperationKind::Program))
        .map(|l| Rc::new(crate::lesson::listing(l)));
    html! {
        <CodePane listing={view.listing()} current={current} next={next} mine={mine} on_edit={view.lab.on_edit_pattern()} />
    }
}

fn queue_card(view: &View<'_>) -> Html {
    // Live, the queue may have been flushed (on its timer) since the operation whose last step
    // the narration tells: the count says that it is now's.
    let flushed_since = view.live_mode
        && view
            .trace
            .and_then(|t| t.steps.last())
            .is_some_and(|last| last.queue.len() != view.queue.len());
    let status = if flushed_since {
        format!(
            "{} waiting now (the queue changed after this operation)",
            view.queue.len()
        )
    } else {
        format!("{} waiting", view.queue.len())
    };
    html! {
        <ActorCard title="Write-behind queue" role_line="Database writes waiting to be flushed" lifeline={Lifeline::Queue.id()}
            status={ActorStatus::Live(status)} active={view.active(Actor::Queue)}>
            <PriceTable caption="Pending database writes" key_heading="product" value_heading="price"
                rows={Rc::clone(&view.queue)} changed={view.changed(Store::Queue)} />
        </ActorCard>
    }
}

fn cache_card(view: &View<'_>) -> Html {
    let status = match &view.lab.state.status {
        DbStatus::Opening => ActorStatus::Pending("Starting…".to_owned()),
        _ if view.live.faults.cache_write => {
            ActorStatus::Failed("Out of memory — writes refused (fault on)".to_owned())
        }
        _ if view.live.shared => ActorStatus::Live("One Redis for all tabs".to_owned()),
        _ => ActorStatus::Live("This tab's own Redis".to_owned()),
    };
    let consistency = &view.consistency;
    let stale: Rc<Vec<String>> = Rc::new(
        consistency
            .diverged
            .iter()
            .map(|d| d.product.clone())
            .collect(),
    );
    // In a disagreement window, say whether it is the expected, brief one.
    let window_note = view
        .diagram
        .as_ref()
        .and_then(|d| d.window_at(view.shown))
        .filter(|_| !consistency.in_step)
        .map(|w| w.label.clone());
    let (reveal, reveal_token) = view.reveal();
    html! {
        <ActorCard title="Redis cache" role_line={format!("Hash {PRICES_KEY}")} status={status}
            lifeline={Lifeline::Cache.id()} active={view.active(Actor::Cache)}>
            if view.opening() {
                <p class="actor-card__note">{ "Warming the cache from the database…" }</p>
            } else {
                <PriceTable caption={format!("Hash {PRICES_KEY}")} key_heading="field" value_heading="value"
                    rows={Rc::clone(&view.cache)} stale={stale} changed={view.changed(Store::Cache)} reveal={reveal} reveal_token={reveal_token} />
                <p class={classes!("consistency", if consistency.in_step { "consistency--in-step" } else { "consistency--diverged" })} role="status" aria-label="Consistency">
                    { consistency.to_string() }
                </p>
                if let Some(note) = window_note {
                    <p class="consistency__why">{ note }</p>
                }
                { strays(view) }
                { warm_up_note(view) }
            }
        </ActorCard>
    }
}

/// Live, after Redis started empty and this tab filled it: said where it happened, in the
/// cache's card (a banner above the page would push it down after its first paint), with the
/// warm-up to open, until opened, dismissed or the stores are replaced.
fn warm_up_note(view: &View<'_>) -> Html {
    let Some(trace) = view.lab.state.warm_up.as_ref().filter(|_| view.live_mode) else {
        return Html::default();
    };
    let n = trace.steps.last().map_or(0, |s| s.cache.len());
    let send = |action: LabAction| {
        let dispatch = view.lab.state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(action.clone()))
    };
    html! {
        <div class="warm-up" role="status">
            <p class="warm-up__text">
                { format!("Redis started with an empty cache (no tab of the lab was open): this tab filled it from the database ({n} product{}).", if n == 1 { "" } else { "s" }) }
            </p>
            <div class="warm-up__actions">
                <button type="button" class="button button--quiet" onclick={send(LabAction::OpenWarmUp)}>{ "Open the warm-up (Redis started empty)" }</button>
                <button type="button" class="button button--quiet" onclick={send(LabAction::DismissWarmUp)} aria-label="Dismiss the warm-up note">{ "Dismiss" }</button>
            </div>
        </div>
    }
}

/// Live, cached prices of products the database has no row for (a mistyped `HSET` leaves
/// one): said, with a way to remove them, since every later write ends with the stores
/// disagreeing while they stay.
fn strays(view: &View<'_>) -> Html {
    if !view.live_mode {
        return Html::default();
    }
    let names: Vec<&str> = view
        .live
        .consistency
        .diverged
        .iter()
        .filter(|d| d.database.is_none())
        .map(|d| d.product.as_str())
        .collect();
    if names.is_empty() {
        return Html::default();
    }
    let busy = view.lab.busy();
    let onclick = super::unless(busy, view.lab.on_remove_strays().reform(|_: MouseEvent| ()));
    html! {
        <div class="consistency__strays">
            <p>{ format!("The cache holds {}, which the database has no row for: the stores disagree until it is removed.", names.join(", ")) }</p>
            <button type="button" class="button button--quiet" aria-disabled={busy.to_string()} {onclick}>{ "Remove stray fields" }</button>
        </div>
    }
}

fn database_card(view: &View<'_>) -> Html {
    let lab = view.lab;
    let status = match &lab.state.status {
        DbStatus::Opening => ActorStatus::Pending("Opening IndexedDB…".to_owned()),
        DbStatus::Persistent => {
            ActorStatus::Live("IndexedDB in this browser (persistent)".to_owned())
        }
        DbStatus::InMemory => ActorStatus::Failed("Not persistent — kept in memory".to_owned()),
    };
    let (reveal, reveal_token) = view.reveal();
    html! {
        <ActorCard title="Database" role_line="Table products (the source of truth)" status={status}
            lifeline={Lifeline::Database.id()} active={view.active(Actor::Database)}>
            if view.opening() {
                <p class="actor-card__note">{ "Reading the products table…" }</p>
            } else {
                <PriceTable caption="Table products" key_heading="id" value_heading="price" rows={Rc::clone(&view.database)}
                    changed={view.changed(Store::Database)} reveal={reveal} reveal_token={reveal_token}
                    notes={view.live_mode.then(|| Notes(Rc::clone(&view.live.rows)))} notes_heading="last written by" />
                <DbPanel products={Rc::clone(&view.live.database)} busy={lab.state.busy} error={lab.state.error.clone().map(AttrValue::from)}
                    on_write={lab.on_write()} on_reset={lab.on_reset()} />
            }
        </ActorCard>
    }
}

/// In a race, the line `writer` last ran at or before `cursor`, and the line it runs next.
fn writer_lines(trace: &Trace, writer: Writer, cursor: usize) -> (CodeRef, CodeRef) {
    let mine = |s: &&crate::engine::Step| s.writer == Some(writer);
    let just_ran = trace
        .steps
        .iter()
        .take(cursor + 1)
        .rev()
        .find(mine)
        .map_or(CodeRef::NONE, |s| s.code);
    let next = trace
        .steps
        .iter()
        .skip(cursor + 1)
        .find(mine)
        .map_or(CodeRef::NONE, |s| s.code);
    (just_ran, next)
}
