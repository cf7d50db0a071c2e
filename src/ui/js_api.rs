//! `window.lab`: the lab scripted from the browser console (and by the end-to-end tests).
//!
//! | call | returns |
//! |---|---|
//! | `lab.execute_command(line)` | the reply printed exactly as redis-cli prints it (a string) |
//! | `lab.update_price(product, new_price)` | a Promise of the trace (a JSON-compatible object), resolved once the pattern's writes are done; rejected with an `Error` whose message is the validation or failure message |
//! | `lab.cache()` | the hash `product_prices` as a plain `{field: value}` object |
//! | `lab.database()` | a Promise of the database rows as `{product: price}` |
//! | `lab.reset()` | a Promise; both stores back to the seed |
//! | `lab.set_pattern(id)` | `write_through`, `write_through_cache_first`, `cache_aside` or `write_behind` |
//! | `lab.set_faults({database_write, cache_write, crash_between})` | switches faults on or off |
//! | `lab.restart()` | a Promise of the recovery trace (after a crash) |
//! | `lab.flush()` | a Promise of write-behind's flush trace |
//! | `lab.bench_emulator(ops)` | for the benchmarks: ns per operation of `execute_command("HSET ...")` on a fresh emulator and of a raw `HashMap` insert of the same data, measured here in WebAssembly, interleaved in blocks (`{emulator_ns, hashmap_ns}`) |
//! | `lab.seed_catalog(n)` | a Promise of `{products, ms}`: both stores replaced by a generated catalog of `n` products (`product0` …, at most 100,000), and how long it took |
//! | `lab.memory()` | `{wasm_memory_bytes, rust_heap_bytes, rust_heap_occupied_bytes}`: the page's WebAssembly linear memory, and what Rust holds in it (as asked for, and as the allocator lays it out) |
//! | `lab.bench_hash_memory(n)` | for the benchmarks: `{requested_bytes, occupied_bytes}` that the emulator's hash of a generated catalog of `n` products holds (measured on a fresh emulator) |
//! | `lab.race({pattern, per_key_ordering, a_price, b_price, interleaving})` | the trace of two writers on `product1`, their steps taken in the order `interleaving` lists them (`["A", "B", "B", "A"]`); runs on its own small stores |

use std::rc::Rc;

use js_sys::{Object, Promise, Reflect};
use serde::Serialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::future_to_promise;

use crate::catalog::MAX_CATALOG;
use crate::db::app::AppDb;
use crate::engine::race::{race, RaceSetup, Writer};
use crate::engine::trace::table_json_into;
use crate::engine::{Faults, Lab, Outcome, Pattern, Table, Trace};

/// What the page does after a call changed the stores (re-render, show the trace).
pub type OnChange = Rc<dyn Fn(Option<Trace>)>;

/// What the page does after a call replaced every row (re-render, and tell the other tabs).
pub type OnReplaced = Rc<dyn Fn()>;

fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// A trace as a plain object. Steps share a store's table until it changes, and so do their
/// JavaScript arrays: each distinct table is converted once (at 100,000 products that is the
/// difference between a few and dozens of 100,000-element arrays).
fn trace_to_js(trace: &Trace) -> JsValue {
    // The steps without their tables, then each distinct table once, in one JSON text and one
    // native parse: a boundary crossing per value would cost far more (300,000 values at
    // 100,000 products).
    let empty = Table::default();
    let mut light = trace.clone();
    let mut tables: Vec<Table> = Vec::new();
    let mut refs: Vec<[usize; 3]> = Vec::new();
    for (step, slim) in trace.steps.iter().zip(light.steps.iter_mut()) {
        let mut place = |table: &Table| {
            tables
                .iter()
                .position(|t| Rc::ptr_eq(t, table) || (t.is_empty() && table.is_empty()))
                .unwrap_or_else(|| {
                    tables.push(Rc::clone(table));
                    tables.len() - 1
                })
        };
        refs.push([
            place(&step.cache),
            place(&step.database),
            place(&step.queue),
        ]);
        slim.cache = Rc::clone(&empty);
        slim.database = Rc::clone(&empty);
        slim.queue = Rc::clone(&empty);
    }
    let Some(object) = serde_json::to_string(&light)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
    else {
        return JsValue::NULL;
    };
    // Each table as its own JSON text, in one reused buffer: at 100,000 products a table is
    // about 2.4 MB of text, and WebAssembly memory, once grown, never shrinks.
    let mut text = String::new();
    let tables: Vec<JsValue> = tables
        .iter()
        .map(|table| {
            text.clear();
            table_json_into(&mut text, table);
            js_sys::JSON::parse(&text).unwrap_or_else(|_| js_sys::Array::new().into())
        })
        .collect();
    let steps = js_sys::Array::from(
        &Reflect::get(&object, &JsValue::from_str("steps")).unwrap_or(JsValue::UNDEFINED),
    );
    let names = ["cache", "database", "queue"].map(JsValue::from_str);
    for (i, at) in refs.iter().enumerate() {
        let step = steps.get(i as u32);
        for (name, index) in names.iter().zip(at) {
            let _ = Reflect::set(&step, name, &tables[*index]);
        }
    }
    object
}

fn error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

fn pairs_object(pairs: &[(String, String)]) -> JsValue {
    let object = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    object.into()
}

/// A price from JavaScript: a string as typed, or a number written the way JavaScript writes it.
fn price_text(value: &JsValue) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    if value.as_f64().is_some() {
        // `Number.prototype.toString`: 150 → "150", 19.99 → "19.99", as JavaScript writes them.
        if let Ok(text) = js_sys::Number::from(value.clone()).to_string_with_radix(10) {
            return Ok(text.into());
        }
    }
    Err(error(
        "new_price must be a number or a string, like 150 or \"19.99\"",
    ))
}

/// Resolves with the trace when the update did what the pattern promises; rejects otherwise.
fn settle(trace: &Trace) -> Result<JsValue, JsValue> {
    match &trace.outcome {
        Outcome::Completed => Ok(trace_to_js(trace)),
        Outcome::Rejected(message) | Outcome::Failed(message) => Err(error(message)),
        Outcome::Crashed => Err(error(
            "The application crashed between the two writes (a fault you switched on); call lab.restart() to recover.",
        )),
    }
}

/// `{name: number, ...}`.
fn numbers(fields: &[(&str, f64)]) -> JsValue {
    let object = Object::new();
    for (name, value) in fields {
        let _ = Reflect::set(
            &object,
            &JsValue::from_str(name),
            &JsValue::from_f64(*value),
        );
    }
    object.into()
}

fn set(object: &Object, name: &str, function: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(name), function);
}

/// Installs `window.lab` over `lab`; `on_change` runs after every call that changed something.
pub fn install(lab: Rc<Lab<AppDb>>, on_change: OnChange, on_replaced: OnReplaced) {
    let api = Object::new();

    let l = Rc::clone(&lab);
    let changed = Rc::clone(&on_change);
    let execute = Closure::<dyn Fn(JsValue) -> JsValue>::new(move |line: JsValue| {
        let Some(line) = line.as_string() else {
            return JsValue::from_str("");
        };
        let printed = l.execute_command(&line);
        changed(None);
        JsValue::from_str(&printed)
    });
    set(&api, "execute_command", execute.as_ref());
    execute.forget();

    let l = Rc::clone(&lab);
    let changed = Rc::clone(&on_change);
    let update = Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(
        move |product: JsValue, price: JsValue| {
            let (lab, changed) = (Rc::clone(&l), Rc::clone(&changed));
            future_to_promise(async move {
                let product = product
                    .as_string()
                    .ok_or_else(|| error("product must be a string, like \"product1\""))?;
                let price = price_text(&price)?;
                let trace = lab.update_price(&product, &price).await;
                changed(Some(trace.clone()));
                settle(&trace)
            })
        },
    );
    set(&api, "update_price", update.as_ref());
    update.forget();

    let l = Rc::clone(&lab);
    let cache = Closure::<dyn Fn() -> JsValue>::new(move || pairs_object(&l.cache()));
    set(&api, "cache", cache.as_ref());
    cache.forget();

    let l = Rc::clone(&lab);
    let database = Closure::<dyn Fn() -> Promise>::new(move || {
        let lab = Rc::clone(&l);
        future_to_promise(async move {
            lab.refresh().await.map_err(|e| error(&e.to_string()))?;
            Ok(pairs_object(&lab.database_prices()))
        })
    });
    set(&api, "database", database.as_ref());
    database.forget();

    let l = Rc::clone(&lab);
    let replaced = Rc::clone(&on_replaced);
    let reset = Closure::<dyn Fn() -> Promise>::new(move || {
        let (lab, replaced) = (Rc::clone(&l), Rc::clone(&replaced));
        future_to_promise(async move {
            lab.reset().await.map_err(|e| error(&e.to_string()))?;
            replaced();
            Ok(JsValue::UNDEFINED)
        })
    });
    set(&api, "reset", reset.as_ref());
    reset.forget();

    let l = Rc::clone(&lab);
    let changed = Rc::clone(&on_change);
    let set_pattern =
        Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(move |id: JsValue| {
            let id = id.as_string().unwrap_or_default();
            let pattern = Pattern::from_id(&id).ok_or_else(|| {
                let ids: Vec<&str> = Pattern::ALL.iter().map(|p| p.id()).collect();
                error(&format!(
                    "unknown pattern {id:?}; use one of {}",
                    ids.join(", ")
                ))
            })?;
            l.set_pattern(pattern);
            changed(None);
            Ok(JsValue::from_str(pattern.id()))
        });
    set(&api, "set_pattern", set_pattern.as_ref());
    set_pattern.forget();

    let l = Rc::clone(&lab);
    let changed = Rc::clone(&on_change);
    let set_faults = Closure::<dyn Fn(JsValue) -> JsValue>::new(move |options: JsValue| {
        let flag = |name: &str| {
            Reflect::get(&options, &JsValue::from_str(name))
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false)
        };
        let faults = Faults {
            database_write: flag("database_write"),
            cache_write: flag("cache_write"),
            crash_between: flag("crash_between"),
        };
        l.set_faults(faults);
        changed(None);
        to_js(&faults)
    });
    set(&api, "set_faults", set_faults.as_ref());
    set_faults.forget();

    for (name, restart) in [("restart", true), ("flush", false)] {
        let (l, changed) = (Rc::clone(&lab), Rc::clone(&on_change));
        let call = Closure::<dyn Fn() -> Promise>::new(move || {
            let (lab, changed) = (Rc::clone(&l), Rc::clone(&changed));
            future_to_promise(async move {
                let trace = if restart {
                    lab.restart().await
                } else {
                    lab.flush().await
                };
                changed(Some(trace.clone()));
                Ok(trace_to_js(&trace))
            })
        });
        set(&api, name, call.as_ref());
        call.forget();
    }

    let race =
        Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(move |options: JsValue| {
            let get = |name: &str| {
                Reflect::get(&options, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
            };
            let pattern_id = get("pattern")
                .as_string()
                .unwrap_or_else(|| "write_through".to_owned());
            let pattern = Pattern::from_id(&pattern_id)
                .ok_or_else(|| error(&format!("unknown pattern {pattern_id:?}")))?;
            let interleaving: Vec<Writer> = js_sys::Array::from(&get("interleaving"))
                .iter()
                .map(|w| match w.as_string().as_deref() {
                    Some("A") => Ok(Writer::A),
                    Some("B") => Ok(Writer::B),
                    _ => Err(error("interleaving lists writers as \"A\" or \"B\"")),
                })
                .collect::<Result<_, _>>()?;
            let setup = RaceSetup {
                pattern,
                per_key_ordering: get("per_key_ordering").as_bool().unwrap_or(false),
                a_price: price_text(&get("a_price")).unwrap_or_else(|_| "150".to_owned()),
                b_price: price_text(&get("b_price")).unwrap_or_else(|_| "175".to_owned()),
            };
            Ok(trace_to_js(&race(&setup, &interleaving)))
        });
    set(&api, "race", race.as_ref());
    race.forget();

    let bench = Closure::<dyn Fn(JsValue) -> JsValue>::new(move |ops: JsValue| {
        let ops = ops
            .as_f64()
            .map_or(20_000, |n| n.clamp(100.0, 1e7) as usize);
        let (emulator_ns, hashmap_ns) = bench_emulator(ops);
        numbers(&[("emulator_ns", emulator_ns), ("hashmap_ns", hashmap_ns)])
    });
    set(&api, "bench_emulator", bench.as_ref());
    bench.forget();

    let l = Rc::clone(&lab);
    let changed = Rc::clone(&on_change);
    let replaced = Rc::clone(&on_replaced);
    let seed = Closure::<dyn Fn(JsValue) -> Promise>::new(move |n: JsValue| {
        let (lab, changed, replaced) = (Rc::clone(&l), Rc::clone(&changed), Rc::clone(&replaced));
        future_to_promise(async move {
            let n = n
                .as_f64()
                .filter(|n| n.fract() == 0.0 && (1.0..=MAX_CATALOG as f64).contains(n))
                .ok_or_else(|| {
                    error(&format!(
                        "n must be a whole number of products from 1 to {MAX_CATALOG}"
                    ))
                })? as usize;
            let started = super::performance_now();
            if let Err(e) = lab.seed_catalog(n).await {
                // Nothing was replaced, but the lab read its rows again.
                changed(None);
                return Err(error(&e.to_string()));
            }
            let ms = super::performance_now() - started;
            replaced();
            Ok(numbers(&[("products", n as f64), ("ms", ms)]))
        })
    });
    set(&api, "seed_catalog", seed.as_ref());
    seed.forget();

    let memory = Closure::<dyn Fn() -> JsValue>::new(move || {
        let (requested, occupied) = super::memory::held();
        numbers(&[
            ("wasm_memory_bytes", super::memory::linear_memory()),
            ("rust_heap_bytes", requested as f64),
            ("rust_heap_occupied_bytes", occupied as f64),
        ])
    });
    set(&api, "memory", memory.as_ref());
    memory.forget();

    let hash_memory = Closure::<dyn Fn(JsValue) -> JsValue>::new(move |n: JsValue| {
        let n = n
            .as_f64()
            .map_or(MAX_CATALOG, |n| n.clamp(1.0, MAX_CATALOG as f64) as usize);
        let (requested, occupied) = super::memory::hash_of(n);
        numbers(&[
            ("fields", n as f64),
            ("requested_bytes", requested as f64),
            ("occupied_bytes", occupied as f64),
        ])
    });
    set(&api, "bench_hash_memory", hash_memory.as_ref());
    hash_memory.forget();

    if let Some(window) = web_sys::window() {
        let _ = Reflect::set(&window, &JsValue::from_str("lab"), &api);
        // When the lab could first serve calls, with the table read from IndexedDB (for the
        // load benchmark): milliseconds since navigation started.
        if let Some(performance) = window.performance() {
            let _ = Reflect::set(
                &window,
                &JsValue::from_str("labReadyMs"),
                &JsValue::from_f64(performance.now()),
            );
        }
        // Let scripts wait for the lab instead of polling for it.
        if let Ok(event) = web_sys::Event::new("lab-ready") {
            let _ = window.dispatch_event(&event);
        }
    }
}

/// The host benchmark's workload (`benches/emulator.rs`), in WebAssembly: median ns per
/// operation over interleaved blocks of `ops`, for the emulator's HSET and a raw `HashMap` insert.
fn bench_emulator(ops: usize) -> (f64, f64) {
    use std::collections::HashMap;
    use std::hint::black_box;

    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return (f64::NAN, f64::NAN);
    };
    let updates: Vec<(String, String)> = (0..1_000)
        .map(|i| {
            (
                format!("product{}", i % 3 + 1),
                format!("{}", 100 + i % 400),
            )
        })
        .collect();
    let lines: Vec<String> = updates
        .iter()
        .map(|(p, v)| format!("HSET product_prices {p} {v}"))
        .collect();
    let mut redis = crate::emulator::Emulator::new(Box::new(|| 0), 1);
    let _ = redis.execute_command("HMSET product_prices product1 100 product2 200 product3 300");
    let mut map: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
    let (mut emulator, mut hashmap) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        let t = performance.now();
        for i in 0..ops {
            let (f, v) = &updates[i % updates.len()];
            black_box(map.insert(
                black_box(f.as_bytes()).to_vec(),
                black_box(v.as_bytes()).to_vec(),
            ));
        }
        hashmap.push((performance.now() - t) * 1e6 / ops as f64);
        let t = performance.now();
        for i in 0..ops {
            let _ = black_box(redis.execute_command(black_box(lines[i % lines.len()].as_str())));
        }
        emulator.push((performance.now() - t) * 1e6 / ops as f64);
    }
    let median = |mut xs: Vec<f64>| {
        xs.sort_by(f64::total_cmp);
        xs[xs.len() / 2]
    };
    (median(emulator), median(hashmap))
}
