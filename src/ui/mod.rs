//! The Yew interface: the lesson's three actors — the application, the Redis cache and the
//! database — side by side, over one [`Lab`](crate::engine::Lab). Browser only.

pub mod components;
mod js_api;
mod state;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::catalog::PRICES_KEY;
use crate::db::app::AppDb;
use crate::db::tabs::{TabChannel, TabMessage};
use crate::db::DbError;
use crate::emulator::Emulator;
use crate::engine::code;
use crate::engine::trace::Consistency;
use crate::engine::Lab;
use components::actor_card::{ActorCard, ActorStatus};
use components::db_panel::DbPanel;
use components::price_table::{PriceRow, PriceTable};
use state::{DbStatus, LabAction, LabState};

type AppLab = Lab<AppDb>;

/// Things that live as long as the page: the tab channel and the write-behind timer.
#[derive(Default)]
struct Background {
    channel: Option<TabChannel>,
    timer: Option<(i32, Closure<dyn FnMut()>)>,
}

fn post(background: &Rc<RefCell<Background>>, message: &TabMessage) {
    if let Some(channel) = background.borrow().channel.as_ref() {
        channel.post(message);
    }
}

/// Opens the database, starts the lab, installs `window.lab`, and listens to other tabs.
async fn boot(
    dispatch: UseReducerDispatcher<LabState>,
    lab_slot: UseStateHandle<Option<Rc<AppLab>>>,
    background: Rc<RefCell<Background>>,
) {
    let blocked = dispatch.clone();
    let (db, notice) = AppDb::open(js_sys::Date::now(), move || {
        blocked.dispatch(LabAction::Notice(DbError::UpgradeBlocked.to_string()));
    })
    .await;
    let persistent = db.is_persistent();
    let seed = (js_sys::Math::random() * 1e15) as u64;
    let redis = Emulator::new(Box::new(|| js_sys::Date::now() as i64), seed);
    let lab = Rc::new(Lab::new(redis, db, Box::new(js_sys::Date::now)));
    if let Err(e) = lab.start().await {
        dispatch.dispatch(LabAction::Failed(e.to_string()));
    }
    dispatch.dispatch(LabAction::Opened {
        persistent,
        notice: notice.map(|e| e.to_string()),
    });

    // Other tabs' writes: reread the table.
    let (tab_lab, tab_dispatch) = (Rc::clone(&lab), dispatch.clone());
    background.borrow_mut().channel = TabChannel::join(move |message| {
        let (lab, dispatch) = (Rc::clone(&tab_lab), tab_dispatch.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match lab.refresh().await {
                Ok(()) => dispatch.dispatch(LabAction::Changed),
                Err(e) => dispatch.dispatch(LabAction::Failed(e.to_string())),
            }
            let what = match message {
                TabMessage::RowChanged(id) => {
                    format!("Another tab wrote {id}; the table was reread.")
                }
                TabMessage::TableReplaced => {
                    "Another tab reset the table; it was reread.".to_owned()
                }
            };
            dispatch.dispatch(LabAction::Notice(what));
        });
    });

    // Write-behind flushes by age too: look once a second.
    let (timer_lab, timer_dispatch, timer_bg) =
        (Rc::clone(&lab), dispatch.clone(), Rc::clone(&background));
    let tick = Closure::<dyn FnMut()>::new(move || {
        if !timer_lab.flush_due() {
            return;
        }
        let (lab, dispatch, bg) = (
            Rc::clone(&timer_lab),
            timer_dispatch.clone(),
            Rc::clone(&timer_bg),
        );
        wasm_bindgen_futures::spawn_local(async move {
            let trace = lab.flush().await;
            for step in &trace.steps {
                if step.ok && step.kind == crate::engine::StepKind::Flush {
                    post(&bg, &TabMessage::RowChanged(trace_product(&step.action)));
                }
            }
            dispatch.dispatch(LabAction::Traced(trace));
        });
    });
    if let Some(window) = web_sys::window() {
        if let Ok(id) = window.set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            1000,
        ) {
            background.borrow_mut().timer = Some((id, tick));
        }
    }

    let (api_dispatch, api_bg) = (dispatch.clone(), Rc::clone(&background));
    js_api::install(
        Rc::clone(&lab),
        Rc::new(move |trace| {
            if let Some(trace) = &trace {
                if trace
                    .steps
                    .iter()
                    .any(|s| s.ok && matches!(s.actor, crate::engine::trace::Actor::Database))
                {
                    post(&api_bg, &TabMessage::RowChanged(trace.product.clone()));
                }
            }
            match trace {
                Some(t) => api_dispatch.dispatch(LabAction::Traced(t)),
                None => api_dispatch.dispatch(LabAction::Changed),
            }
        }),
    );
    lab_slot.set(Some(lab));
}

/// The product a `database["product1"] = "150"` action is about.
fn trace_product(action: &str) -> String {
    action.split('"').nth(1).unwrap_or_default().to_owned()
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(LabState::default);
    let lab = use_state(|| None::<Rc<AppLab>>);
    let background = use_mut_ref(Background::default);

    {
        let (dispatch, lab, background) = (state.dispatcher(), lab.clone(), background.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(boot(dispatch, lab, background));
        });
    }

    let on_write = {
        let (lab, dispatch, background) = (lab.clone(), state.dispatcher(), background.clone());
        Callback::from(move |(id, price): (String, String)| {
            let Some(lab) = (*lab).clone() else { return };
            let (dispatch, background) = (dispatch.clone(), Rc::clone(&background));
            dispatch.dispatch(LabAction::Busy);
            wasm_bindgen_futures::spawn_local(async move {
                match lab.edit_database(&id, &price).await {
                    Ok(_) => {
                        post(&background, &TabMessage::RowChanged(id));
                        dispatch.dispatch(LabAction::Changed);
                    }
                    Err(e) => dispatch.dispatch(LabAction::Failed(e.to_string())),
                }
            });
        })
    };
    let on_reset = {
        let (lab, dispatch, background) = (lab.clone(), state.dispatcher(), background.clone());
        Callback::from(move |()| {
            let Some(lab) = (*lab).clone() else { return };
            let (dispatch, background) = (dispatch.clone(), Rc::clone(&background));
            dispatch.dispatch(LabAction::Busy);
            wasm_bindgen_futures::spawn_local(async move {
                match lab.reset().await {
                    Ok(()) => {
                        post(&background, &TabMessage::TableReplaced);
                        dispatch.dispatch(LabAction::Changed);
                    }
                    Err(e) => dispatch.dispatch(LabAction::Failed(e.to_string())),
                }
            });
        })
    };

    let (cache_rows, db_rows, consistency, pattern) = match &*lab {
        Some(lab) => (
            lab.cache(),
            lab.database(),
            lab.consistency(),
            lab.pattern(),
        ),
        None => (
            Vec::new(),
            Vec::new(),
            Consistency::of(&[], &[]),
            Default::default(),
        ),
    };
    let stale: Vec<String> = consistency
        .diverged
        .iter()
        .map(|d| d.product.clone())
        .collect();

    let db_status = match &state.status {
        DbStatus::Opening => ActorStatus::Pending("Opening IndexedDB…".to_owned()),
        DbStatus::Persistent => ActorStatus::Live("Live — IndexedDB in this browser".to_owned()),
        DbStatus::InMemory => ActorStatus::Failed("Not persistent — kept in memory".to_owned()),
    };
    let cache_status = match &state.status {
        DbStatus::Opening => ActorStatus::Pending("Starting…".to_owned()),
        _ => ActorStatus::Live("Live — embedded Redis emulator".to_owned()),
    };
    let listing = code::update_price(pattern);
    let (db_body, cache_body) = match &state.status {
        DbStatus::Opening => (
            html! { <p class="actor-card__note">{ "Reading the products table…" }</p> },
            html! { <p class="actor-card__note">{ "Warming the cache from the database…" }</p> },
        ),
        _ => (
            html! {
                <DbPanel
                    rows={db_rows}
                    busy={state.busy}
                    error={state.error.clone().map(AttrValue::from)}
                    on_write={on_write}
                    on_reset={on_reset}
                />
            },
            html! {
                <>
                    <PriceTable
                        caption={format!("Hash {PRICES_KEY}")}
                        key_heading="field"
                        value_heading="value"
                        rows={cache_rows.iter().map(|(k, v)| PriceRow { key: k.clone(), value: v.clone() }).collect::<Vec<_>>()}
                        stale={stale.clone()}
                    />
                    <p class={classes!("consistency", if consistency.in_step { "consistency--in-step" } else { "consistency--diverged" })} role="status" aria-label="Consistency">
                        { if consistency.in_step {
                            "In step: every cached price is the database's.".to_owned()
                        } else {
                            let list: Vec<String> = consistency.diverged.iter().map(|d| format!(
                                "{} (cache {}, database {})", d.product, d.cache, d.database.as_deref().unwrap_or("none")
                            )).collect();
                            format!("Diverged: {}", list.join(", "))
                        } }
                    </p>
                </>
            },
        ),
    };

    html! {
        <div class="lab">
            <header class="lab__header">
                <h1 class="lab__title">{ "Write-Through Lab" }</h1>
                <p class="lab__tagline">
                    { "Every price lives in two places: a Redis cache and a database. " }
                    { "Write-through keeps them in step by writing both on every update." }
                </p>
            </header>
            if let Some(notice) = &state.notice {
                <p class="lab__notice" role="status">{ notice.clone() }</p>
            }
            <main class="stage" aria-label="The three actors of the lesson">
                <ActorCard
                    title="Application"
                    role_line={format!("Runs update_price(product, new_price) — {}", pattern.title())}
                    status={ActorStatus::Planned("Scriptable from the console: window.lab".to_owned())}
                >
                    <pre class="code"><code>{ listing.python.join("\n") }</code></pre>
                    { last_trace_view(state.last_trace.as_deref()) }
                </ActorCard>
                <ActorCard title="Redis cache" role_line={format!("Hash {PRICES_KEY}")} status={cache_status}>
                    { cache_body }
                </ActorCard>
                <ActorCard title="Database" role_line="Table products (the source of truth)" status={db_status}>
                    { db_body }
                </ActorCard>
            </main>
            <footer class="lab__footer">
                { "Runs entirely in your browser: the cache is an embedded Redis emulator, the database is IndexedDB." }
            </footer>
        </div>
    }
}

/// The last operation, step by step (the full stage with playback comes with the interface).
fn last_trace_view(trace: Option<&crate::engine::Trace>) -> Html {
    // Always the same element, so that the first trace only fills it in.
    let (title, steps) = match trace {
        Some(trace) => (
            format!(
                "Last operation: {} — {}",
                operation_text(trace),
                outcome_text(&trace.outcome)
            ),
            trace
                .steps
                .iter()
                .map(|s| (s.narration.clone(), s.ok))
                .collect::<Vec<_>>(),
        ),
        None => (
            "No operation yet: call window.lab.update_price(...) from the console.".to_owned(),
            Vec::new(),
        ),
    };
    html! {
        <section class="last-trace" aria-label="Last operation">
            <h3 class="last-trace__title">{ title }</h3>
            <ol class="last-trace__steps">
                { for steps.into_iter().map(|(narration, ok)| html! {
                    <li class={classes!("last-trace__step", (!ok).then_some("last-trace__step--failed"))}>{ narration }</li>
                }) }
            </ol>
        </section>
    }
}

fn operation_text(trace: &crate::engine::Trace) -> String {
    use crate::engine::trace::OperationKind;
    match trace.operation {
        OperationKind::UpdatePrice => {
            format!("update_price({:?}, {:?})", trace.product, trace.new_price)
        }
        OperationKind::Recovery => "restart and recovery".to_owned(),
        OperationKind::Flush => "write-behind flush".to_owned(),
        OperationKind::Race => "two writers".to_owned(),
    }
}

fn outcome_text(outcome: &crate::engine::Outcome) -> String {
    match outcome {
        crate::engine::Outcome::Completed => "completed".to_owned(),
        crate::engine::Outcome::Rejected(m) => format!("rejected: {m}"),
        crate::engine::Outcome::Failed(m) => format!("failed: {m}"),
        crate::engine::Outcome::Crashed => "crashed".to_owned(),
    }
}
