//! The benchmarks' hooks (`make bench` builds the page with the `bench-hooks` feature): the
//! emulator's workload measured in WebAssembly, the memory a large hash holds, and the
//! challenges' solutions (to time their checks).

use wasm_bindgen::JsValue;

use super::convert::numbers;
use super::Api;
use crate::bench_workload::{median, Workload};
use crate::catalog::MAX_CATALOG;

/// Registers the benchmark hooks on `api`.
pub fn register(api: &Api) {
    // `{emulator_ns, hashmap_ns}`: the host benchmark's workload, in WebAssembly.
    api.method("bench_emulator", |ops, _| {
        let ops = ops
            .as_f64()
            .map_or(20_000, |n| n.clamp(100.0, 1e7) as usize);
        let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
            return Ok(numbers(&[
                ("emulator_ns", f64::NAN),
                ("hashmap_ns", f64::NAN),
            ]));
        };
        let timings = Workload::default().run(15, ops, || performance.now());
        Ok(numbers(&[
            ("emulator_ns", median(timings.emulator_hset_ns)),
            ("hashmap_ns", median(timings.hashmap_insert_ns)),
        ]))
    });

    // `{fields, requested_bytes, occupied_bytes}` of the emulator's hash of a generated catalog.
    api.method("bench_hash_memory", |n: JsValue, _| {
        let n = n
            .as_f64()
            .map_or(MAX_CATALOG, |n| n.clamp(1.0, MAX_CATALOG as f64) as usize);
        let (requested, occupied) = crate::ui::memory::hash_of(n);
        Ok(numbers(&[
            ("fields", n as f64),
            ("requested_bytes", requested as f64),
            ("occupied_bytes", occupied as f64),
        ]))
    });

    // `{id: solution}`: each challenge's known solution, for timing the checks
    // (`scripts/bench-challenges.mjs`); the learners' bundle offers them only after three failed
    // checks.
    api.method("bench_challenge_solutions", |_, _| {
        let out = js_sys::Object::new();
        for c in crate::challenges::CHALLENGES {
            let _ = js_sys::Reflect::set(
                &out,
                &JsValue::from_str(c.id),
                &JsValue::from_str(c.solution),
            );
        }
        Ok(out.into())
    });
}
