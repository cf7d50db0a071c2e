//! The Yew interface: the lesson's three actors — the application, the Redis cache and the
//! database — side by side. Browser only.

pub mod components;
mod state;

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::catalog::{PRICES_KEY, SEED};
use crate::db::app::AppDb;
use crate::db::tabs::{TabChannel, TabMessage};
use crate::db::{Database, PriceWrite};
use components::actor_card::{ActorCard, ActorStatus};
use components::db_panel::DbPanel;
use components::price_table::{PriceRow, PriceTable};
use state::{DbAction, DbState, DbStatus};

/// The seed's `update_price`, in the tutorial's language, as the application's code.
const UPDATE_PRICE_PY: &str = "def update_price(product, new_price):
    redis_command = f\"HSET product_prices {product} {new_price}\"
    redis_client.execute_command(redis_command)
    database[product] = new_price";

/// Reads every row and hands them to the reducer (or the failure).
async fn refresh(db: &AppDb, dispatch: &UseReducerDispatcher<DbState>) {
    match db.all().await {
        Ok(rows) => dispatch.dispatch(DbAction::Rows(rows)),
        Err(e) => dispatch.dispatch(DbAction::Failed(e.to_string())),
    }
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let db_state = use_reducer(DbState::default);
    let db = use_state(|| None::<Rc<AppDb>>);
    let channel = use_mut_ref(|| None::<TabChannel>);

    {
        let (dispatch, db, channel) = (db_state.dispatcher(), db.clone(), channel.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let blocked = dispatch.clone();
                let (opened, notice) = AppDb::open(js_sys::Date::now(), move || {
                    blocked.dispatch(DbAction::Notice(
                        crate::db::DbError::UpgradeBlocked.to_string(),
                    ));
                })
                .await;
                let opened = Rc::new(opened);
                dispatch.dispatch(DbAction::Opened {
                    persistent: opened.is_persistent(),
                    notice: notice.map(|e| e.to_string()),
                });
                refresh(&opened, &dispatch).await;
                // Other tabs' writes refresh this tab's view.
                let (for_tabs, tab_dispatch) = (Rc::clone(&opened), dispatch.clone());
                *channel.borrow_mut() = TabChannel::join(move |message| {
                    let (db, dispatch) = (Rc::clone(&for_tabs), tab_dispatch.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        refresh(&db, &dispatch).await;
                        let what = match message {
                            TabMessage::RowChanged(id) => {
                                format!("Another tab wrote {id}; the table was reread.")
                            }
                            TabMessage::TableReplaced => {
                                "Another tab reset the table; it was reread.".to_owned()
                            }
                        };
                        dispatch.dispatch(DbAction::Notice(what));
                    });
                });
                db.set(Some(opened));
            });
        });
    }

    let on_write = {
        let (db, dispatch, channel) = (db.clone(), db_state.dispatcher(), channel.clone());
        Callback::from(move |(id, price): (String, String)| {
            let Some(db) = (*db).clone() else { return };
            let (dispatch, channel) = (dispatch.clone(), Rc::clone(&channel));
            dispatch.dispatch(DbAction::Busy);
            wasm_bindgen_futures::spawn_local(async move {
                let write = PriceWrite {
                    id: id.clone(),
                    price,
                    at_ms: js_sys::Date::now(),
                    by: "edit".to_owned(),
                };
                match db.put_price(write).await {
                    Ok(_) => {
                        post(&channel, &TabMessage::RowChanged(id));
                        refresh(&db, &dispatch).await;
                    }
                    Err(e) => dispatch.dispatch(DbAction::Failed(e.to_string())),
                }
            });
        })
    };
    let on_reset = {
        let (db, dispatch, channel) = (db.clone(), db_state.dispatcher(), channel.clone());
        Callback::from(move |()| {
            let Some(db) = (*db).clone() else { return };
            let (dispatch, channel) = (dispatch.clone(), Rc::clone(&channel));
            dispatch.dispatch(DbAction::Busy);
            wasm_bindgen_futures::spawn_local(async move {
                match db.reset(js_sys::Date::now()).await {
                    Ok(()) => {
                        post(&channel, &TabMessage::TableReplaced);
                        refresh(&db, &dispatch).await;
                    }
                    Err(e) => dispatch.dispatch(DbAction::Failed(e.to_string())),
                }
            });
        })
    };

    let cache_rows: Vec<PriceRow> = SEED
        .iter()
        .map(|p| PriceRow {
            key: p.id.to_owned(),
            value: p.price.to_owned(),
        })
        .collect();

    let state = &*db_state;
    let db_status = match &state.status {
        DbStatus::Opening => ActorStatus::Pending("Opening IndexedDB…".to_owned()),
        DbStatus::Persistent => ActorStatus::Live("Live — IndexedDB in this browser".to_owned()),
        DbStatus::InMemory => ActorStatus::Failed("Not persistent — kept in memory".to_owned()),
    };
    let db_body = match &state.status {
        DbStatus::Opening => {
            html! { <p class="actor-card__note">{ "Reading the products table…" }</p> }
        }
        _ => html! {
            <DbPanel
                rows={state.rows.clone()}
                busy={state.busy}
                error={state.error.clone().map(AttrValue::from)}
                on_write={on_write}
                on_reset={on_reset}
            />
        },
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
                    role_line="Runs update_price(product, new_price)"
                    status={ActorStatus::Planned("Preview — not live yet".to_owned())}
                >
                    <pre class="code"><code>{ UPDATE_PRICE_PY }</code></pre>
                </ActorCard>
                <ActorCard
                    title="Redis cache"
                    role_line={format!("Hash {PRICES_KEY}")}
                    status={ActorStatus::Planned("Seed values — emulator not connected yet".to_owned())}
                >
                    <PriceTable
                        caption={format!("Hash {PRICES_KEY}")}
                        key_heading="field"
                        value_heading="value"
                        rows={cache_rows}
                    />
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

fn post(channel: &Rc<RefCell<Option<TabChannel>>>, message: &TabMessage) {
    if let Some(channel) = channel.borrow().as_ref() {
        channel.post(message);
    }
}
