//! The embedded mini Redis that plays `redis_client` in the lesson: pure Rust, no web crates,
//! behaving like Redis 7.0 seen through `redis-cli` (see `../shared/redis-cli-contract.md`).
