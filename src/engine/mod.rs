//! The write-through engine: turns `update_price(product, new_price)` into a trace of steps
//! over the cache and the database. Pure Rust, no web crates.
