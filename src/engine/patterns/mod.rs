//! The caching patterns, one file each: the pattern's `update_price` as steps on the lab's
//! stores, and the same function as a listing in the seed's Python and in Rust whose lines the
//! steps point at by [`Mark`](super::listing::Mark).
//!
//! | file | pattern |
//! |---|---|
//! | [`write_through`] | write-through, database first (the default) |
//! | [`write_through_cache_first`] | write-through, cache first (the seed tutorial's order) |
//! | [`cache_aside`] | cache-aside: write the database, delete the cached field |
//! | [`write_behind`] | write-behind: write the cache, queue the database write |
//!
//! How to add a pattern: see the module documentation of [`crate::engine`].

pub mod cache_aside;
pub mod write_behind;
pub mod write_through;
pub mod write_through_cache_first;

use super::lab::Lab;
use super::listing::{Listing, Mark};
use super::pattern::Pattern;
use super::recorder::Recorder;
use super::trace::CodeRef;
use crate::db::Database;

/// A pattern's code: its listing, and the validation line every pattern starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PatternCode {
    pub listing: Listing,
    /// The `check(product, new_price)` line (validation, and rejection).
    pub check: CodeRef,
}

impl PatternCode {
    /// The code of a pattern whose listing is `listing`; fails the build if it has no
    /// [`Mark::Check`] line.
    pub const fn new(listing: Listing) -> PatternCode {
        PatternCode {
            listing,
            check: listing.at(Mark::Check),
        }
    }
}

/// The code of `update_price` under `pattern`.
pub fn code(pattern: Pattern) -> &'static PatternCode {
    match pattern {
        Pattern::WriteThrough => &write_through::CODE,
        Pattern::WriteThroughCacheFirst => &write_through_cache_first::CODE,
        Pattern::CacheAside => &cache_aside::CODE,
        Pattern::WriteBehind => &write_behind::CODE,
    }
}

/// A step of `update_price` as a writer takes it in a race ([`crate::engine::race`]): each
/// pattern's file lists its own, in its order, next to its listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RaceStep {
    /// Write the new price to the database.
    WriteDatabase,
    /// Write the new price to the cache.
    WriteCache,
    /// Delete the cached price.
    Invalidate,
    /// A reader misses the cache and reads the database (cache-aside's reader).
    ReadDatabase,
    /// The reader puts what it read into the cache.
    FillCache,
}

/// What a writer does in a race under `pattern`, in order; `reader` for the second client of
/// a pattern that races a reader against the writer (cache-aside).
pub fn race_steps(pattern: Pattern, reader: bool) -> &'static [RaceStep] {
    match pattern {
        Pattern::WriteThrough => &write_through::RACE,
        Pattern::WriteThroughCacheFirst => &write_through_cache_first::RACE,
        Pattern::CacheAside if reader => &cache_aside::RACE_READER,
        Pattern::CacheAside => &cache_aside::RACE,
        Pattern::WriteBehind => &write_behind::RACE,
    }
}

/// The listing of `update_price` under `pattern`.
pub fn listing(pattern: Pattern) -> Listing {
    code(pattern).listing
}

/// Runs `pattern`'s writes of a validated `price` for `product`, recording them in `rec`.
pub(super) async fn update<D: Database>(
    lab: &Lab<D>,
    rec: &mut Recorder,
    pattern: Pattern,
    product: &str,
    price: &str,
) {
    match pattern {
        Pattern::WriteThrough => write_through::update(lab, rec, product, price).await,
        Pattern::WriteThroughCacheFirst => {
            write_through_cache_first::update(lab, rec, product, price).await
        }
        Pattern::CacheAside => cache_aside::update(lab, rec, product, price).await,
        Pattern::WriteBehind => write_behind::update(lab, rec, product, price).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_has_both_listings_and_checks_on_the_same_line_in_both() {
        for pattern in Pattern::ALL {
            let code = code(pattern);
            assert!(code.listing.python[0]
                .text
                .starts_with("def update_price(product, new_price):"));
            assert!(code.listing.rust[0]
                .text
                .starts_with("async fn update_price"));
            assert_eq!(code.check, CodeRef { python: 2, rust: 2 });
        }
    }
}
