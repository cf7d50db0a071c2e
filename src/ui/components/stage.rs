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
use crate::engine::trace::{Actor, CodeRef, OperationKind, Store};
use crate::engine::{patterns, recovery, Consistency, Faults, Pattern, Rows, Table, Trace, Writer};
use crate::ui::state::{CodeView, DbStatus, PythonState};

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
        }
    }
}

/// The lab's stores as they are now.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveStores {
    pub cache: Table,
    pub database: Table,
    pub rows: Rows,
    pub queue: Table,
    pub consistency: Consistency,
    pub pattern: Pattern,
    pub faults: Faults,
    pub crashed: bool,
    /// The cache is the Redis every tab shares (not this tab's own).
    pub shared: bool,
    /// Updates take their product's lock across tabs.
    pub per_key_ordering: bool,
}

#[derive(Properties, PartialEq)]
pub struct StageProps {
    pub mode: StageMode,
    pub trace: Option<Rc<Trace>>,
    /// `trace` as a diagram (made once per trace by the page).
    pub diagram: Rc<Option<Diagram>>,
    /// The step playback is at (the code pane and the active card follow it).
    pub cursor: usize,
    /// The step whose stores are shown (behind `cursor` while a message travels).
    pub shown: usize,
    pub live: LiveStores,
    pub status: DbStatus,
    pub busy: bool,
    pub error: Option<AttrValue>,
    /// An empty layer spanning the stage, in which messages travel.
    pub travel_layer: NodeRef,
    pub on_back_to_live: Callback<()>,
    pub on_write: Callback<(String, String)>,
    pub on_reset: Callback<()>,
    /// The learner's own `update_price` (Python lines), for traces of it.
    #[prop_or_default]
    pub mine: Option<Rc<Vec<&'static str>>>,
    /// What the Application card shows, and the learner's Python.
    pub code_view: CodeView,
    pub python: PythonState,
    pub python_calls: PythonCalls,
}

/// What the Application card's code and editor do.
#[derive(Clone, PartialEq)]
pub struct PythonCalls {
    pub on_view: Callback<CodeView>,
    /// "Edit this code": the pattern's listing, made runnable, into the editor.
    pub on_edit_pattern: Callback<()>,
    pub on_input: Callback<Rc<str>>,
    pub on_run: Callback<()>,
    pub on_load: Callback<()>,
}

#[function_component(Stage)]
pub fn stage(props: &StageProps) -> Html {
    let live_mode = props.mode == StageMode::Live;
    let trace = props.trace.as_deref();
    let shown_step = trace.and_then(|t| {
        t.steps
            .get(props.shown.min(t.steps.len().saturating_sub(1)))
    });
    let step = trace.and_then(|t| {
        t.steps
            .get(props.cursor.min(t.steps.len().saturating_sub(1)))
    });
    let (cache, database, queue, consistency) = match shown_step {
        Some(s) if !live_mode => (
            Rc::clone(&s.cache),
            Rc::clone(&s.database),
            Rc::clone(&s.queue),
            s.consistency.clone(),
        ),
        _ => (
            Rc::clone(&props.live.cache),
            Rc::clone(&props.live.database),
            Rc::clone(&props.live.queue),
            props.live.consistency.clone(),
        ),
    };
    let changed = |store: Store| -> Rc<Vec<String>> {
        Rc::new(
            shown_step
                .map(|s| {
                    s.changes
                        .iter()
                        .filter(|c| c.store == store)
                        .map(|c| c.key.clone())
                        .collect()
                })
                .unwrap_or_default(),
        )
    };
    let reveal = trace
        .map(|t| t.product.clone())
        .filter(|p| !p.is_empty())
        .map(AttrValue::from);
    let reveal_token = props.trace.as_ref().map_or(0, |t| Rc::as_ptr(t) as usize);
    let stale: Rc<Vec<String>> = Rc::new(
        consistency
            .diverged
            .iter()
            .map(|d| d.product.clone())
            .collect(),
    );
    // In a disagreement window, say whether it is the expected, brief one.
    let window_note = props
        .diagram
        .as_ref()
        .as_ref()
        .and_then(|d| d.window_at(props.shown))
        .filter(|_| !consistency.in_step)
        .map(|w| w.label.clone());

    let pattern = trace.map_or(props.live.pattern, |t| t.pattern);
    let listing = match trace {
        Some(t) if t.operation == OperationKind::Recovery => recovery::LISTING,
        _ => patterns::listing(pattern),
    };
    let active = step.map(|s| s.actor);
    let opening = props.status == DbStatus::Opening;

    let db_status = match &props.status {
        DbStatus::Opening => ActorStatus::Pending("Opening IndexedDB…".to_owned()),
        DbStatus::Persistent => {
            ActorStatus::Live("IndexedDB in this browser (persistent)".to_owned())
        }
        DbStatus::InMemory => ActorStatus::Failed("Not persistent — kept in memory".to_owned()),
    };
    let cache_status = match &props.status {
        DbStatus::Opening => ActorStatus::Pending("Starting…".to_owned()),
        _ if props.live.faults.cache_write => {
            ActorStatus::Failed("Out of memory — writes refused (fault on)".to_owned())
        }
        _ if props.live.shared => ActorStatus::Live("One Redis for all tabs".to_owned()),
        _ => ActorStatus::Live("This tab's own Redis".to_owned()),
    };
    let app_status = if props.live.crashed && live_mode {
        ActorStatus::Failed("Crashed — restart to recover".to_owned())
    } else {
        ActorStatus::Live(pattern.title().to_owned())
    };

    let race = trace.is_some_and(|t| t.operation == OperationKind::Race);
    let application = if race {
        let trace = trace.expect("a race has a trace");
        html! {
            <div class="stage__writers" role="region" aria-label="Application">
                { for [Writer::A, Writer::B].into_iter().map(|w| {
                    let (just_ran, next) = writer_lines(trace, w, props.cursor);
                    let lifeline = Lifeline::Writer(w);
                    html! {
                        <ActorCard title={lifeline.title()} role_line={format!("Runs update_price(\"product1\", …) — {}", pattern.title())}
                            status={ActorStatus::Live(format!("Writer {}", w.label()))} lifeline={lifeline.id()}
                            active={step.is_some_and(|s| s.writer == Some(w) && s.actor == Actor::Application)}>
                            <CodePane listing={listing} current={just_ran} next={next} />
                        </ActorCard>
                    }
                }) }
            </div>
        }
    } else {
        let current = step.map_or(CodeRef::NONE, |s| s.code);
        let next = trace
            .and_then(|t| t.steps.get(props.cursor + 1))
            .map_or(CodeRef::NONE, |s| s.code);
        let python_trace = trace.is_some_and(|t| t.operation == OperationKind::Python);
        let editing = props.code_view == CodeView::Editor;
        let app_status = match (trace, &app_status) {
            (Some(t), ActorStatus::Live(_)) if t.operation == OperationKind::Program => {
                ActorStatus::Live("Your update_price, from the lesson".to_owned())
            }
            (_, ActorStatus::Live(_)) if editing => ActorStatus::Live("Your Python".to_owned()),
            _ => app_status,
        };
        let calls = &props.python_calls;
        let view_button = |view: CodeView, label: String| {
            let on_view = calls.on_view.clone();
            html! {
                <button type="button" class="code-pane__tab" aria-pressed={(props.code_view == view).to_string()}
                    onclick={Callback::from(move |_| on_view.emit(view))}>{ label }</button>
            }
        };
        // The line that raised, once playback has reached it.
        let error_line = trace
            .filter(|_| python_trace)
            .and_then(|t| {
                t.steps
                    .iter()
                    .take(props.cursor + 1)
                    .find(|s| s.kind == crate::engine::StepKind::Raise)
            })
            .map_or(0, |s| s.code.python);
        html! {
            <ActorCard title="Application" role_line="Runs update_price(product, new_price)" status={app_status}
                lifeline={Lifeline::Application.id()} active={active == Some(Actor::Application)}>
                <div class="code-pane__views" role="group" aria-label="Code">
                    { view_button(CodeView::Pattern, "The pattern".to_owned()) }
                    { view_button(CodeView::Editor, "Your Python".to_owned()) }
                </div>
                if editing {
                    <Editor source={Rc::clone(&props.python.source)} ran={props.python.ran.clone()}
                        current={if python_trace { current.python } else { 0 }} next={if python_trace { next.python } else { 0 }}
                        error_line={error_line} output={props.python.output.clone()} error={props.python.error.clone()}
                        running={props.python.running} phase={props.python.phase.clone()} busy={props.busy}
                        on_input={calls.on_input.clone()} on_run={calls.on_run.clone()} on_load={calls.on_load.clone()} />
                } else {
                    <CodePane listing={listing} current={if python_trace { CodeRef::NONE } else { current }} next={if python_trace { CodeRef::NONE } else { next }}
                        mine={trace.filter(|t| t.operation == OperationKind::Program).and(props.mine.clone())}
                        on_edit={calls.on_edit_pattern.clone()} />
                }
            </ActorCard>
        }
    };

    let show_queue = pattern == Pattern::WriteBehind || !queue.is_empty();

    html! {
        <section class="stage" aria-label="Stage">
            <div class="stage__head">
                <h2 class="stage__title">{ if show_queue || race { "The actors" } else { "The three actors" } }</h2>
                <p class={classes!("stage__mode", live_mode.then_some("stage__mode--live"))} role="status" aria-label="Stage mode">
                    { props.mode.label() }
                </p>
                if !live_mode {
                    <button type="button" class="playback__button stage__live" onclick={props.on_back_to_live.reform(|_| ())}>
                        { "Back to live" }
                    </button>
                }
            </div>
            <div class={classes!("stage__cards", show_queue.then_some("stage__cards--queue"), race.then_some("stage__cards--race"))}>
                { application }
                if show_queue {
                    <ActorCard title="Write-behind queue" role_line="Database writes waiting to be flushed" lifeline={Lifeline::Queue.id()}
                        status={ActorStatus::Live(format!("{} waiting", queue.len()))} active={active == Some(Actor::Queue)}>
                        <PriceTable caption="Pending database writes" key_heading="product" value_heading="price"
                            rows={Rc::clone(&queue)} changed={changed(Store::Queue)} />
                    </ActorCard>
                }
                <ActorCard title="Redis cache" role_line={format!("Hash {PRICES_KEY}")} status={cache_status}
                    lifeline={Lifeline::Cache.id()} active={active == Some(Actor::Cache)}>
                    if opening {
                        <p class="actor-card__note">{ "Warming the cache from the database…" }</p>
                    } else {
                        <PriceTable caption={format!("Hash {PRICES_KEY}")} key_heading="field" value_heading="value"
                            rows={cache} stale={stale} changed={changed(Store::Cache)} reveal={reveal.clone()} reveal_token={reveal_token} />
                        <p class={classes!("consistency", if consistency.in_step { "consistency--in-step" } else { "consistency--diverged" })} role="status" aria-label="Consistency">
                            { consistency.to_string() }
                        </p>
                        if let Some(note) = window_note {
                            <p class="consistency__why">{ note }</p>
                        }
                    }
                </ActorCard>
                <ActorCard title="Database" role_line="Table products (the source of truth)" status={db_status}
                    lifeline={Lifeline::Database.id()} active={active == Some(Actor::Database)}>
                    if opening {
                        <p class="actor-card__note">{ "Reading the products table…" }</p>
                    } else {
                        <PriceTable caption="Table products" key_heading="id" value_heading="price" rows={database}
                            changed={changed(Store::Database)} reveal={reveal} reveal_token={reveal_token}
                            notes={live_mode.then(|| Notes(Rc::clone(&props.live.rows)))} notes_heading="last written by" />
                        <DbPanel products={Rc::clone(&props.live.database)} busy={props.busy} error={props.error.clone()}
                            on_write={props.on_write.clone()} on_reset={props.on_reset.clone()} />
                    }
                </ActorCard>
            </div>
            <div class="stage__travel" ref={props.travel_layer.clone()} aria-hidden="true"></div>
        </section>
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
