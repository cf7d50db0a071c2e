//! Starting the page and what lives as long as it: opening the database, starting the lab,
//! installing `window.lab`, the channel to other tabs, write-behind's timer, and the batching of
//! scripted calls to one render per frame.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::js_api;
use super::state::{LabAction, LabState};
use crate::db::app::AppDb;
use crate::db::tabs::{TabChannel, TabMessage};
use crate::db::DbError;
use crate::emulator::Emulator;
use crate::engine::{Lab, Trace};
use crate::scenario::Shared;

/// The lab as the page runs it: over IndexedDB.
pub type AppLab = Lab<AppDb>;

/// Things that live as long as the page: the tab channel, the write-behind timer, and the
/// calls from `window.lab` waiting for the next frame.
#[derive(Default)]
pub struct Background {
    channel: Option<TabChannel>,
    frames: Option<Rc<FrameBatch>>,
    timer: Option<(i32, Closure<dyn FnMut()>)>,
}

/// Shows `trace` now. A trace from `window.lab` still waiting for the next frame is older, so
/// it must not replace this one when the frame comes.
pub fn show_trace(
    background: &Rc<RefCell<Background>>,
    dispatch: &UseReducerDispatcher<LabState>,
    trace: Trace,
) {
    if let Some(frames) = background.borrow().frames.as_ref() {
        frames.forget_trace();
    }
    dispatch.dispatch(LabAction::Traced(trace));
}

pub fn post(background: &Rc<RefCell<Background>>, message: &TabMessage) {
    if let Some(channel) = background.borrow().channel.as_ref() {
        channel.post(message);
    }
}

/// Opens the database, starts the lab, installs `window.lab`, and listens to other tabs.
pub async fn boot(
    dispatch: UseReducerDispatcher<LabState>,
    lab_slot: UseStateHandle<Option<Rc<AppLab>>>,
    background: Rc<RefCell<Background>>,
) {
    let updated = dispatch.clone();
    super::offline::register(Rc::new(move || updated.dispatch(LabAction::UpdateReady)));
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
            for product in trace.database_writes() {
                post(&bg, &TabMessage::RowChanged(product.to_owned()));
            }
            // Offered to open, never replacing the trace the learner is stepping through.
            dispatch.dispatch(LabAction::TimedFlush(trace));
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
    let frame = FrameBatch::new(api_dispatch);
    background.borrow_mut().frames = Some(Rc::clone(&frame));
    let (replaced_frame, replaced_bg) = (Rc::clone(&frame), Rc::clone(&background));
    js_api::install(
        Rc::clone(&lab),
        Rc::new(move |trace| {
            if let Some(trace) = &trace {
                for product in trace.database_writes() {
                    post(&api_bg, &TabMessage::RowChanged(product.to_owned()));
                }
            }
            frame.push(trace);
        }),
        Rc::new(move || {
            post(&replaced_bg, &TabMessage::TableReplaced);
            replaced_frame.push(None);
        }),
    );
    lab_slot.set(Some(lab));

    // A shared link reopens its scenario at its step (replayed on copies of the seed stores).
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    if let Some(shared) = Shared::from_query(&search) {
        if let Some(trace) = shared.scenario.run() {
            dispatch.dispatch(LabAction::Replay {
                trace,
                scenario: shared.scenario,
                seek: Some(shared.step),
            });
        }
    }
}

/// Calls from `window.lab` are shown at the display's pace: what they changed is kept until the
/// next animation frame, then rendered once (the latest trace, if any). A script making a
/// thousand calls gets a thousand answers and the page renders a few frames, not a thousand.
struct FrameBatch {
    dispatch: UseReducerDispatcher<LabState>,
    /// `Some` once something changed since the last frame; `Some(Some(trace))` if a call
    /// produced a trace.
    pending: RefCell<Option<Option<Trace>>>,
    on_frame: RefCell<Option<Closure<dyn FnMut()>>>,
}

impl FrameBatch {
    fn new(dispatch: UseReducerDispatcher<LabState>) -> Rc<Self> {
        let batch = Rc::new(FrameBatch {
            dispatch,
            pending: RefCell::new(None),
            on_frame: RefCell::new(None),
        });
        let weak = Rc::downgrade(&batch);
        *batch.on_frame.borrow_mut() = Some(Closure::new(move || {
            if let Some(batch) = weak.upgrade() {
                batch.flush();
            }
        }));
        batch
    }

    fn push(self: &Rc<Self>, trace: Option<Trace>) {
        let first = {
            let mut pending = self.pending.borrow_mut();
            let first = pending.is_none();
            let latest = pending.take().flatten();
            *pending = Some(trace.or(latest));
            first
        };
        if !first {
            return;
        }
        let requested = web_sys::window().and_then(|w| {
            self.on_frame
                .borrow()
                .as_ref()
                .and_then(|f| w.request_animation_frame(f.as_ref().unchecked_ref()).ok())
        });
        if requested.is_none() {
            self.flush();
        }
    }

    /// Keeps the news that something changed, but not the trace (a newer one is being shown).
    fn forget_trace(&self) {
        let mut pending = self.pending.borrow_mut();
        if pending.is_some() {
            *pending = Some(None);
        }
    }

    fn flush(&self) {
        match self.pending.borrow_mut().take() {
            Some(Some(trace)) => self.dispatch.dispatch(LabAction::Traced(trace)),
            Some(None) => self.dispatch.dispatch(LabAction::Changed),
            None => {}
        }
    }
}

/// Runs `op`, which replaces what the stores hold (a reset, a generated catalog), and tells the
/// other tabs; a failure is shown by the database panel.
pub fn replace_stores<F>(
    lab: &UseStateHandle<Option<Rc<AppLab>>>,
    dispatch: &UseReducerDispatcher<LabState>,
    background: &Rc<RefCell<Background>>,
    op: impl FnOnce(Rc<AppLab>) -> F + 'static,
) where
    F: std::future::Future<Output = Result<(), crate::engine::EngineError>> + 'static,
{
    let Some(lab) = (**lab).clone() else { return };
    let (dispatch, background) = (dispatch.clone(), Rc::clone(background));
    dispatch.dispatch(LabAction::Busy);
    wasm_bindgen_futures::spawn_local(async move {
        match op(lab).await {
            Ok(()) => {
                post(&background, &TabMessage::TableReplaced);
                dispatch.dispatch(LabAction::Changed);
            }
            Err(e) => dispatch.dispatch(LabAction::Failed(e.to_string())),
        }
    });
}

/// Milliseconds since the page started (`performance.now()`), or 0 where there is none.
pub(crate) fn performance_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Runs an async lab operation that ends in a trace, then shows the trace.
pub fn run_traced<F>(
    lab: &UseStateHandle<Option<Rc<AppLab>>>,
    dispatch: &UseReducerDispatcher<LabState>,
    background: &Rc<RefCell<Background>>,
    op: impl FnOnce(Rc<AppLab>) -> F + 'static,
) where
    F: std::future::Future<Output = Trace> + 'static,
{
    let Some(lab) = (**lab).clone() else { return };
    let (dispatch, background) = (dispatch.clone(), Rc::clone(background));
    dispatch.dispatch(LabAction::Busy);
    wasm_bindgen_futures::spawn_local(async move {
        let trace = op(lab).await;
        for product in trace.database_writes() {
            post(&background, &TabMessage::RowChanged(product.to_owned()));
        }
        show_trace(&background, &dispatch, trace);
    });
}
