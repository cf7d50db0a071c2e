//! Starting the page and what lives as long as it: opening the database, starting the lab,
//! installing `window.lab`, the channel to other tabs, write-behind's timer, and the batching of
//! scripted calls to one render per frame.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::js_api;
use super::leader_redis::LeaderRedis;
use super::shared_redis::{self, SharedRedis};
use super::state::{LabAction, LabState};
use crate::db::app::AppDb;
use crate::db::tabs::{TabChannel, TabMessage};
use crate::db::DbError;
use crate::emulator::Emulator;
use crate::engine::cache_link::CacheLink;
use crate::engine::{Lab, Trace};
use crate::hub::shared::SharedCache;
use crate::scenario::Shared;

/// The lab as the page runs it: over IndexedDB.
pub type AppLab = Lab<AppDb>;

/// Things that live as long as the page: the tab channel, the write-behind timer, and the
/// calls from `window.lab` waiting for the next frame.
#[derive(Default)]
pub struct Background {
    channel: Option<TabChannel>,
    /// The connection to the Redis every tab shares, in a SharedWorker.
    shared: Option<Rc<SharedRedis>>,
    /// Or, without SharedWorker: the Redis a leader tab runs for the others.
    leader: Option<Rc<LeaderRedis>>,
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

/// How long a tab waits for the shared Redis to answer its hello before it runs a Redis of
/// its own (the worker's script failed to load, say).
const CONNECT_TIMEOUT_MS: i32 = 8_000;

/// Without SharedWorker: joins the leader election and connects to the leader's Redis (this
/// tab's, if it leads). `None` (a Redis of this tab's own) without Web Locks, or if no leader
/// answers.
async fn join_leader_redis() -> Option<Rc<LeaderRedis>> {
    let leader = LeaderRedis::join().await?;
    connect_within(&leader.cache).await.then_some(leader)
}

/// Joins the Redis every tab shares and waits for its keyspace: the lab's cache. `None` (a
/// Redis of this tab's own) if the browser has no `SharedWorker`, or the worker does not
/// answer.
async fn join_shared_redis() -> Option<Rc<SharedRedis>> {
    let shared = shared_redis::join()?;
    connect_within(&shared.cache).await.then_some(shared)
}

/// Says hello to the shared Redis and waits for its keyspace, for at most
/// [`CONNECT_TIMEOUT_MS`]; whether it answered.
async fn connect_within(cache: &Rc<SharedCache>) -> bool {
    let waiting = Rc::clone(cache);
    let give_up = Closure::once(move || waiting.give_up());
    let timer = web_sys::window().and_then(|w| {
        w.set_timeout_with_callback_and_timeout_and_arguments_0(
            give_up.as_ref().unchecked_ref(),
            CONNECT_TIMEOUT_MS,
        )
        .ok()
    });
    let connected = cache.connect().await;
    if let (Some(id), Some(w)) = (timer, web_sys::window()) {
        w.clear_timeout_with_handle(id);
    }
    drop(give_up);
    connected.is_ok()
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
    let (lab, redis) = connect(db, &dispatch, &background).await;
    let warm_up = match lab.start().await {
        Ok(warm_up) => warm_up,
        Err(e) => {
            dispatch.dispatch(LabAction::Failed(e.to_string()));
            None
        }
    };
    // Starting the lab and showing it are two tasks: one would be long enough to keep a phone
    // from answering a tap.
    super::next_task().await;
    let cold = lab
        .stores()
        .cache_link()
        .connected()
        .is_some_and(|c| c.cold);
    // Before the stores are shown: the cache's card shows its table and the warm-up's note in
    // one paint, so the note moves nothing.
    if let Some(trace) = warm_up.filter(|_| cold) {
        dispatch.dispatch(LabAction::WarmedUp(trace));
    }
    dispatch.dispatch(LabAction::Opened {
        persistent,
        notice: notice.map(|e| e.to_string()).or_else(|| redis.notice()),
    });
    follow_other_tabs(&lab, &dispatch, &background);
    flush_by_age(&lab, &dispatch, &background);
    install_api(&lab, &dispatch, &background);
    lab_slot.set(Some(lab));
    open_shared_link(dispatch).await;
}

/// Which Redis this tab reached.
enum RedisKind {
    /// The SharedWorker's, shared by every tab.
    Shared,
    /// One tab's, elected with Web Locks, shared over a BroadcastChannel.
    Leader,
    /// Its own: this browser can share none.
    Own,
}

impl RedisKind {
    /// What the learner is told about it, if anything.
    fn notice(&self) -> Option<String> {
        match self {
            RedisKind::Shared => None,
            RedisKind::Leader => Some("This browser has no SharedWorker: one tab, elected with Web Locks, runs the Redis all tabs share (over a BroadcastChannel).".to_owned()),
            RedisKind::Own => Some("This browser cannot share one Redis between tabs (no SharedWorker, no Web Locks): this tab has a Redis of its own.".to_owned()),
        }
    }
}

/// The lab over the Redis every tab shares (the SharedWorker's, or an elected tab's), or over a
/// Redis of its own where the browser can share none; told when that Redis restarts or moves.
async fn connect(
    db: AppDb,
    dispatch: &UseReducerDispatcher<LabState>,
    background: &Rc<RefCell<Background>>,
) -> (Rc<AppLab>, RedisKind) {
    let shared = join_shared_redis().await;
    let leader = match shared {
        Some(_) => None,
        None => join_leader_redis().await,
    };
    let shared_cache = shared
        .as_ref()
        .map(|s| Rc::clone(&s.cache))
        .or_else(|| leader.as_ref().map(|l| Rc::clone(&l.cache)));
    let lab = Rc::new(match shared_cache {
        Some(cache) => Lab::shared(cache, db, Box::new(js_sys::Date::now)),
        None => {
            let seed = (js_sys::Math::random() * 1e15) as u64;
            let redis = Emulator::new(Box::new(|| js_sys::Date::now() as i64), seed);
            Lab::new(redis, db, Box::new(js_sys::Date::now))
        }
    });
    if let Some(locks) = super::web_locks::WebLocks::get() {
        lab.set_key_locks(locks);
    }
    let kind = match (&shared, &leader) {
        (Some(_), _) => RedisKind::Shared,
        (None, Some(_)) => RedisKind::Leader,
        (None, None) => RedisKind::Own,
    };
    // When the shared Redis changes hands or restarts, the stage reads it again and says why.
    let changed_because = |why: &'static str| -> Rc<dyn Fn()> {
        let dispatch = dispatch.clone();
        Rc::new(move || {
            dispatch.dispatch(LabAction::Changed);
            dispatch.dispatch(LabAction::Notice(why.to_owned()));
        })
    };
    if let Some(leader) = &leader {
        leader.on_new_leader(changed_because(
            "The tab that ran the shared Redis closed; another tab took over with its copy of the keys.",
        ));
    }
    background.borrow_mut().leader = leader;
    if let Some(shared) = &shared {
        shared.watch(changed_because(
            "Redis restarted (its worker ended): the cache is empty now, as a Redis without persistence would be.",
        ));
    }
    background.borrow_mut().shared = shared;
    (lab, kind)
}

/// The other tabs' database writes reach this tab's stage, and this tab's reach theirs.
fn follow_other_tabs(
    lab: &Rc<AppLab>,
    dispatch: &UseReducerDispatcher<LabState>,
    background: &Rc<RefCell<Background>>,
) {
    // Every row this tab commits goes to the other tabs at once (before this tab writes the
    // cache, for write-through database first), so that their stages follow the writes in
    // order.
    let committed_bg = Rc::clone(background);
    lab.stores().set_on_commit(Box::new(move |record| {
        post(&committed_bg, &TabMessage::RowWritten(record.clone()));
    }));
    // A row the learner's Python deleted: the other tabs read the table again.
    let deleted_bg = Rc::clone(background);
    lab.stores().set_on_delete(Box::new(move |_| {
        post(&deleted_bg, &TabMessage::TableReplaced);
    }));
    // Other tabs' database writes: the row as they committed it (or, after a reset, the whole
    // table read again).
    let (tab_lab, tab_dispatch) = (Rc::clone(lab), dispatch.clone());
    background.borrow_mut().channel = TabChannel::join(move |message| {
        let (lab, dispatch) = (Rc::clone(&tab_lab), tab_dispatch.clone());
        match message {
            TabMessage::RowWritten(record) => {
                // The stage may be showing a step of an earlier operation: say where the write is.
                let what = format!(
                    "Another tab wrote {} = {} to the database. The live stores have it; a step being replayed shows the stores as they were then.",
                    record.id, record.price
                );
                lab.other_tab_wrote(record);
                dispatch.dispatch(LabAction::Changed);
                dispatch.dispatch(LabAction::Notice(what));
            }
            TabMessage::TableReplaced => {
                wasm_bindgen_futures::spawn_local(async move {
                    match lab.refresh().await {
                        Ok(()) => dispatch.dispatch(LabAction::Changed),
                        Err(e) => dispatch.dispatch(LabAction::Failed(e.to_string())),
                    }
                    dispatch.dispatch(LabAction::Notice(
                        "Another tab reset the stores; the table was reread.".to_owned(),
                    ));
                });
            }
        }
    });
}

/// Write-behind flushes by age too: look once a second.
fn flush_by_age(
    lab: &Rc<AppLab>,
    dispatch: &UseReducerDispatcher<LabState>,
    background: &Rc<RefCell<Background>>,
) {
    let (timer_lab, timer_dispatch) = (Rc::clone(lab), dispatch.clone());
    let tick = Closure::<dyn FnMut()>::new(move || {
        if !timer_lab.flush_due() {
            return;
        }
        let (lab, dispatch) = (Rc::clone(&timer_lab), timer_dispatch.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let trace = lab.flush().await;
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
}

/// `window.lab`, with the page told of every trace (batched per frame), of a replaced table
/// and of a finished Python run.
fn install_api(
    lab: &Rc<AppLab>,
    dispatch: &UseReducerDispatcher<LabState>,
    background: &Rc<RefCell<Background>>,
) {
    let frame = FrameBatch::new(dispatch.clone());
    background.borrow_mut().frames = Some(Rc::clone(&frame));
    let (replaced_frame, replaced_bg, replaced_dispatch) =
        (Rc::clone(&frame), Rc::clone(background), dispatch.clone());
    // Other tabs' commands on the shared Redis: the live stage shows them at the next frame.
    if let CacheLink::Shared(cache) = lab.stores().cache_link() {
        let other_frame = Rc::clone(&frame);
        cache.on_other_write(Box::new(move || other_frame.push(None)));
    }
    js_api::install(
        Rc::clone(lab),
        Rc::new(move |trace| frame.push(trace)),
        Rc::new(move || {
            post(&replaced_bg, &TabMessage::TableReplaced);
            replaced_dispatch.dispatch(LabAction::StoresReplaced);
            replaced_frame.push(None);
        }),
        {
            let dispatch = dispatch.clone();
            Rc::new(move |source, output: String, error| {
                dispatch.dispatch(LabAction::PythonRan {
                    source: Rc::clone(&source),
                    output: Rc::from(output.as_str()),
                    error,
                });
                // The editor shows what ran.
                super::python::set_source(&dispatch, source);
            })
        },
        dispatch,
    );
}

/// A shared link reopens its scenario at its step (replayed on copies of the seed stores).
async fn open_shared_link(dispatch: UseReducerDispatcher<LabState>) {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    if let Some(Shared {
        scenario: crate::scenario::Scenario::Challenge { id, source },
        step,
    }) = Shared::from_query(&search)
    {
        // A link to a counterexample: the challenge open with the linked code, checked again,
        // its failing schedule shown at the linked step.
        dispatch.dispatch(LabAction::ChallengeOpen(Some(id.clone())));
        super::python::set_source(&dispatch, Rc::from(source.as_str()));
        dispatch.dispatch(LabAction::ChallengeChecking(id.clone()));
        let _ = super::python::run_challenge(&dispatch, &id, &source, Some(step)).await;
        return;
    }
    if let Some(challenge) = crate::challenges::from_query(&search) {
        // `?challenge=two-writers`: that challenge, open, with its code in the editor.
        let progress = super::state::saved_challenges().unwrap_or_default();
        super::challenge_actions::open_challenge(&dispatch, &progress, Some(challenge.id));
        return;
    }
    if let Some(shared) = Shared::from_query(&search) {
        if let crate::scenario::Scenario::YourRace { source, order } = &shared.scenario {
            super::python::set_source(&dispatch, Rc::from(source.as_str()));
            let _ = super::python::race_yours(&dispatch, source, order, Some(shared.step)).await;
        } else if matches!(shared.scenario, crate::scenario::Scenario::Python { .. }) {
            super::python::open_link(dispatch, shared).await;
        } else if let Some(trace) = shared.scenario.run_on(AppDb::in_memory) {
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
    run_busy(
        lab,
        dispatch,
        background,
        op,
        |background, dispatch, done| match done {
            Ok(()) => {
                post(background, &TabMessage::TableReplaced);
                dispatch.dispatch(LabAction::StoresReplaced);
            }
            Err(e) => dispatch.dispatch(LabAction::Failed(e.to_string())),
        },
    );
}

/// Runs an async lab operation with the page marked busy, then hands what it gave to `then`.
fn run_busy<T: 'static, F>(
    lab: &UseStateHandle<Option<Rc<AppLab>>>,
    dispatch: &UseReducerDispatcher<LabState>,
    background: &Rc<RefCell<Background>>,
    op: impl FnOnce(Rc<AppLab>) -> F + 'static,
    then: impl FnOnce(&Rc<RefCell<Background>>, &UseReducerDispatcher<LabState>, T) + 'static,
) where
    F: std::future::Future<Output = T> + 'static,
{
    let Some(lab) = (**lab).clone() else { return };
    let (dispatch, background) = (dispatch.clone(), Rc::clone(background));
    dispatch.dispatch(LabAction::Busy);
    wasm_bindgen_futures::spawn_local(async move {
        let done = op(lab).await;
        then(&background, &dispatch, done);
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
    run_busy(lab, dispatch, background, op, show_trace);
}
