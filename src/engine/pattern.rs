//! The caching patterns the lab runs on the same scenario.

use serde::{Deserialize, Serialize};

/// How `update_price` keeps the cache and the database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    /// Write-through, database first (the default): write the database, then the cache, as
    /// Hazelcast's MapStore, Spring's `@CachePut` and RedisGears' rgsync do. A failed database
    /// write leaves the cache untouched; a failed cache write is retried once, then the field is
    /// invalidated so that no stale price is served.
    #[default]
    WriteThrough,
    /// Write-through, cache first (the seed tutorial's order, and Ehcache 2's): write the cache,
    /// then the database; if the database write fails, the cache's previous value is restored.
    WriteThroughCacheFirst,
    /// Cache-aside: write the database, then delete the cached field; the next read loads it.
    CacheAside,
    /// Write-behind: write the cache now and queue the database write; the queue coalesces
    /// writes per product and is flushed when it holds enough or has waited long enough, and a
    /// failed flush is retried.
    WriteBehind,
}

impl Pattern {
    /// Every pattern, in the order the lab lists them.
    pub const ALL: [Pattern; 4] = [
        Pattern::WriteThrough,
        Pattern::WriteThroughCacheFirst,
        Pattern::CacheAside,
        Pattern::WriteBehind,
    ];

    /// The name the lab shows.
    pub fn title(self) -> &'static str {
        match self {
            Pattern::WriteThrough => "Write-through (database first)",
            Pattern::WriteThroughCacheFirst => "Write-through (cache first)",
            Pattern::CacheAside => "Cache-aside",
            Pattern::WriteBehind => "Write-behind",
        }
    }

    /// The identifier used in URLs and in the JavaScript API.
    pub fn id(self) -> &'static str {
        match self {
            Pattern::WriteThrough => "write_through",
            Pattern::WriteThroughCacheFirst => "write_through_cache_first",
            Pattern::CacheAside => "cache_aside",
            Pattern::WriteBehind => "write_behind",
        }
    }

    /// The pattern with identifier `id`.
    pub fn from_id(id: &str) -> Option<Pattern> {
        Pattern::ALL.into_iter().find(|p| p.id() == id)
    }

    /// One sentence on what the pattern promises.
    pub fn promise(self) -> &'static str {
        match self {
            Pattern::WriteThrough => {
                "Every update reaches the database before the cache, so the cache never holds a price the database does not."
            }
            Pattern::WriteThroughCacheFirst => {
                "Every update reaches the cache and then the database; a failed database write is undone in the cache."
            }
            Pattern::CacheAside => {
                "Updates go to the database and evict the cached price; reads fill the cache on a miss."
            }
            Pattern::WriteBehind => {
                "Updates go to the cache at once and reach the database later, in batches: fast, but a crash loses queued writes."
            }
        }
    }
}
