//! The Yew interface: the lesson's three actors — the application, the Redis cache and the
//! database — side by side. Browser only.

pub mod components;

use yew::prelude::*;

use crate::catalog::{PRICES_KEY, SEED};
use crate::db::indexeddb::{IndexedDb, APP_DATABASE};
use crate::db::ProductRecord;
use components::actor_card::{ActorCard, ActorStatus};
use components::price_table::{PriceRow, PriceTable};

/// What the database panel knows about IndexedDB.
#[derive(Clone, Debug, PartialEq)]
enum DbView {
    Opening,
    Ready(Vec<ProductRecord>),
    Failed(String),
}

/// The seed's `update_price`, in the tutorial's language, as the application's code.
const UPDATE_PRICE_PY: &str = "def update_price(product, new_price):
    redis_command = f\"HSET product_prices {product} {new_price}\"
    redis_client.execute_command(redis_command)
    database[product] = new_price";

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let db_view = use_state(|| DbView::Opening);
    {
        let db_view = db_view.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                db_view.set(load_database().await);
            });
        });
    }

    let cache_rows: Vec<PriceRow> = SEED
        .iter()
        .map(|p| PriceRow {
            key: p.id.to_owned(),
            value: p.price.to_owned(),
        })
        .collect();

    let (db_status, db_body) = match &*db_view {
        DbView::Opening => (
            ActorStatus::Pending("Opening IndexedDB…".to_owned()),
            html! { <p class="actor-card__note">{ "Reading the products table…" }</p> },
        ),
        DbView::Ready(rows) => (
            ActorStatus::Live("Live — IndexedDB in this browser".to_owned()),
            html! {
                <PriceTable
                    caption="Table products"
                    key_heading="id"
                    value_heading="price"
                    rows={rows.iter().map(|r| PriceRow { key: r.id.clone(), value: r.price.clone() }).collect::<Vec<_>>()}
                />
            },
        ),
        DbView::Failed(message) => (
            ActorStatus::Failed("IndexedDB unavailable".to_owned()),
            html! { <p class="actor-card__error" role="alert">{ message.clone() }</p> },
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

/// Opens the app's IndexedDB database, seeds it on first use, and reads the products table.
async fn load_database() -> DbView {
    let db = match IndexedDb::open(APP_DATABASE).await {
        Ok(db) => db,
        Err(e) => return DbView::Failed(e.to_string()),
    };
    match db.seed_if_empty(js_sys::Date::now()).await {
        Ok(rows) => DbView::Ready(rows),
        Err(e) => DbView::Failed(e.to_string()),
    }
}
