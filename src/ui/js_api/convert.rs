//! Values between Rust and JavaScript for `window.lab`: traces, tables, prices and errors.

use std::rc::Rc;

use js_sys::{Object, Reflect};
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::engine::trace::table_json_into;
use crate::engine::{Outcome, Table, Trace};

/// A serializable value as a plain JavaScript object (`null` if it cannot be).
pub fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// A trace as a plain object. Steps share a store's table until it changes, and so do their
/// JavaScript arrays: each distinct table is converted once (at 100,000 products that is the
/// difference between a few and dozens of 100,000-element arrays).
pub fn trace_to_js(trace: &Trace) -> JsValue {
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

pub fn error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

pub fn pairs_object(pairs: &[(String, String)]) -> JsValue {
    let object = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    object.into()
}

/// A price from JavaScript: a string as typed, or a number written the way JavaScript writes it.
pub fn price_text(value: &JsValue) -> Result<String, JsValue> {
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
pub fn settle(trace: &Trace) -> Result<JsValue, JsValue> {
    match &trace.outcome {
        Outcome::Completed => Ok(trace_to_js(trace)),
        Outcome::Rejected(message) | Outcome::Failed(message) => Err(error(message)),
        Outcome::Crashed => Err(error(
            "The application crashed between the two writes (a fault you switched on); call lab.restart() to recover.",
        )),
    }
}

/// `{name: number, ...}`.
pub fn numbers(fields: &[(&str, f64)]) -> JsValue {
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
