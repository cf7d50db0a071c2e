//! The calls a learner makes from the console: run Redis commands, update prices, read the
//! stores, choose the pattern and faults, restart, flush, race, load a large catalog.

use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use super::convert::{error, numbers, pairs_object, price_text, settle, to_js, trace_to_js};
use super::{Api, OnChange, OnReplaced};
use crate::catalog::MAX_CATALOG;
use crate::db::app::AppDb;
use crate::emulator::printed;
use crate::engine::race::{race, RaceSetup, Writer};
use crate::engine::{Faults, Lab, Pattern};
use crate::ui::boot::performance_now;

type SharedLab = Rc<Lab<AppDb>>;

/// Registers the learner's calls on `api`.
pub fn register(api: &Api, lab: &SharedLab, on_change: &OnChange, on_replaced: &OnReplaced) {
    stores(api, lab, on_change, on_replaced);
    settings(api, lab, on_change);
    operations(api, lab, on_change, on_replaced);
}

/// The stores: `execute_command`, `update_price`, `cache`, `database`, `reset`.
fn stores(api: &Api, lab: &SharedLab, on_change: &OnChange, on_replaced: &OnReplaced) {
    let (l, changed) = (Rc::clone(lab), Rc::clone(on_change));
    api.promise("execute_command", move |line, _| {
        let (lab, changed) = (Rc::clone(&l), Rc::clone(&changed));
        async move {
            let Some(line) = line.as_string() else {
                return Ok(JsValue::from_str(""));
            };
            let text = printed(&lab.execute_command(&line).await);
            changed(None);
            Ok(JsValue::from_str(&text))
        }
    });

    let (l, changed) = (Rc::clone(lab), Rc::clone(on_change));
    api.promise("update_price", move |product, price| {
        let (lab, changed) = (Rc::clone(&l), Rc::clone(&changed));
        async move {
            let product = product
                .as_string()
                .ok_or_else(|| error("product must be a string, like \"product1\""))?;
            let price = price_text(&price)?;
            let trace = lab.update_price(&product, &price).await;
            changed(Some(trace.clone()));
            settle(&trace)
        }
    });

    let l = Rc::clone(lab);
    api.method("cache", move |_, _| Ok(pairs_object(&l.stores().cache())));

    let l = Rc::clone(lab);
    api.promise("database", move |_, _| {
        let lab = Rc::clone(&l);
        async move {
            lab.refresh().await.map_err(|e| error(&e.to_string()))?;
            Ok(pairs_object(&lab.stores().database()))
        }
    });

    let (l, replaced) = (Rc::clone(lab), Rc::clone(on_replaced));
    api.promise("reset", move |_, _| {
        let (lab, replaced) = (Rc::clone(&l), Rc::clone(&replaced));
        async move {
            lab.reset().await.map_err(|e| error(&e.to_string()))?;
            replaced();
            Ok(JsValue::UNDEFINED)
        }
    });
}

/// The pattern, the faults and per-key ordering.
fn settings(api: &Api, lab: &SharedLab, on_change: &OnChange) {
    let (l, changed) = (Rc::clone(lab), Rc::clone(on_change));
    api.method("set_pattern", move |id, _| {
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

    let (l, changed) = (Rc::clone(lab), Rc::clone(on_change));
    api.method("set_faults", move |options, _| {
        let faults = Faults::from_names(|name| {
            Reflect::get(&options, &JsValue::from_str(name))
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false)
        });
        l.set_faults(faults);
        changed(None);
        Ok(to_js(&faults))
    });

    let (l, changed) = (Rc::clone(lab), Rc::clone(on_change));
    api.method("set_per_key_ordering", move |on, _| {
        let on = on
            .as_bool()
            .ok_or_else(|| error("set_per_key_ordering takes true or false"))?;
        l.set_per_key_ordering(on);
        changed(None);
        Ok(JsValue::from_bool(l.per_key_ordering()))
    });
}

/// Operations that end in a trace (`restart`, `flush`, `remove_stray_fields`, `get_price`,
/// `race`), and the catalog at scale.
fn operations(api: &Api, lab: &SharedLab, on_change: &OnChange, on_replaced: &OnReplaced) {
    // Operations that end in a trace: resolve with it.
    for name in ["restart", "flush", "remove_stray_fields"] {
        let (l, changed) = (Rc::clone(lab), Rc::clone(on_change));
        api.promise(name, move |_, _| {
            let (lab, changed) = (Rc::clone(&l), Rc::clone(&changed));
            async move {
                let trace = match name {
                    "flush" => lab.flush().await,
                    "remove_stray_fields" => lab.remove_stray_fields().await,
                    _ => lab.restart().await,
                };
                changed(Some(trace.clone()));
                Ok(trace_to_js(&trace))
            }
        });
    }

    // `get_price(product)`: a read through the cache, resolving with its trace.
    let (l, changed) = (Rc::clone(lab), Rc::clone(on_change));
    api.promise("get_price", move |product, _| {
        let (lab, changed) = (Rc::clone(&l), Rc::clone(&changed));
        async move {
            let product = product
                .as_string()
                .ok_or_else(|| error("product must be a string, such as \"product1\""))?;
            let trace = lab.read_price(&product).await;
            changed(Some(trace.clone()));
            Ok(trace_to_js(&trace))
        }
    });

    api.method("race", |options, _| race_from_js(&options));

    let (l, changed, replaced) = (Rc::clone(lab), Rc::clone(on_change), Rc::clone(on_replaced));
    api.promise("seed_catalog", move |n, _| {
        let (lab, changed, replaced) = (Rc::clone(&l), Rc::clone(&changed), Rc::clone(&replaced));
        async move {
            let n = n
                .as_f64()
                .filter(|n| n.fract() == 0.0 && (1.0..=MAX_CATALOG as f64).contains(n))
                .ok_or_else(|| {
                    error(&format!(
                        "n must be a whole number of products from 1 to {MAX_CATALOG}"
                    ))
                })? as usize;
            let started = performance_now();
            if let Err(e) = lab.seed_catalog(n).await {
                // Nothing was replaced, but the lab read its rows again.
                changed(None);
                return Err(error(&e.to_string()));
            }
            let ms = performance_now() - started;
            replaced();
            Ok(numbers(&[("products", n as f64), ("ms", ms)]))
        }
    });

    api.method("memory", |_, _| {
        let (requested, occupied) = crate::ui::memory::held();
        Ok(numbers(&[
            ("wasm_memory_bytes", crate::ui::memory::linear_memory()),
            ("rust_heap_bytes", requested as f64),
            ("rust_heap_occupied_bytes", occupied as f64),
        ]))
    });
}

/// `lab.race({pattern, interleaving, per_key_ordering, a_price, b_price})`: the race's trace.
fn race_from_js(options: &JsValue) -> Result<JsValue, JsValue> {
    let get =
        |name: &str| Reflect::get(options, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
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
}
