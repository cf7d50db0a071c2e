//! How much memory the page's Rust code holds: a global allocator that counts what it hands
//! out (for `lab.memory()` and the 100,000-product benchmark). The counting is two additions per
//! allocation; the allocation itself is the standard one (dlmalloc in WebAssembly).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;

/// Bytes asked for and not yet freed.
static REQUESTED: AtomicUsize = AtomicUsize::new(0);
/// The same allocations as dlmalloc lays them out on wasm32: a 4-byte header, rounded up to
/// 8 bytes, at least 16 (what each one really occupies in linear memory).
static CHUNKS: AtomicUsize = AtomicUsize::new(0);

fn chunk(size: usize) -> usize {
    (size + 4).div_ceil(8).max(2) * 8
}

fn counted(size: usize) {
    REQUESTED.fetch_add(size, Relaxed);
    CHUNKS.fetch_add(chunk(size), Relaxed);
}

fn uncounted(size: usize) {
    REQUESTED.fetch_sub(size, Relaxed);
    CHUNKS.fetch_sub(chunk(size), Relaxed);
}

// SAFETY: every call is passed straight to `System`, which upholds the contract; the counters
// are only read for reporting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            counted(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            counted(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        uncounted(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            uncounted(layout.size());
            counted(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// `(requested, occupied)`: the bytes Rust holds now, as asked for and as laid out.
pub fn held() -> (usize, usize) {
    (REQUESTED.load(Relaxed), CHUNKS.load(Relaxed))
}

/// The size of the page's WebAssembly linear memory, in bytes.
pub fn linear_memory() -> f64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map_or(0.0, |m| {
            m.buffer()
                .dyn_into::<js_sys::ArrayBuffer>()
                .map_or(0.0, |b| f64::from(b.byte_length()))
        })
}

#[cfg(feature = "bench-hooks")]
/// What the emulator's hash `product_prices` of a generated catalog of `n` products costs, as
/// `(requested, occupied)` bytes: what `DEL product_prices` gives back after the fields were
/// `HMSET` into a fresh emulator (so the emulator's own buffers are not counted).
pub fn hash_of(n: usize) -> (usize, usize) {
    let mut redis = crate::emulator::Emulator::new(Box::new(|| 0), 1);
    let pairs: Vec<(String, String)> = crate::catalog::generated(n).collect();
    for batch in pairs.chunks(1_000) {
        let line = crate::catalog::hmset_line(batch.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let _ = redis.execute_command(line);
    }
    let with_hash = held();
    let _ = redis.execute_command("DEL product_prices");
    let without = held();
    (
        with_hash.0.saturating_sub(without.0),
        with_hash.1.saturating_sub(without.1),
    )
}
