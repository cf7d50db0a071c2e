//! Whether the cache and the database agree: every field the cache holds has the database's
//! price for that product. A field missing from the cache is a miss, not a disagreement (the next
//! read loads it); a cached price that differs from the database, or a cached product the
//! database does not have, is a divergence: a read would serve a stale price.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// A product whose cached price is not the database's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Divergence {
    pub product: String,
    pub cache: String,
    /// `None`: the database has no such product.
    pub database: Option<String>,
}

/// Whether the two stores agree after a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consistency {
    pub in_step: bool,
    pub diverged: Vec<Divergence>,
}

impl Default for Consistency {
    /// Two empty stores agree.
    fn default() -> Self {
        Consistency {
            in_step: true,
            diverged: Vec::new(),
        }
    }
}

impl Consistency {
    /// Compares the cached fields with the database rows.
    pub fn of(cache: &[(String, String)], database: &[(String, String)]) -> Consistency {
        // The lab's table is ordered by id, and a cache warmed from it is too: then one merge
        // pass, or a binary search per cached field, finds the rows without building a map (at
        // 100,000 products a map is megabytes, per step).
        let by_id = |pairs: &[(String, String)]| pairs.is_sorted_by(|a, b| a.0 < b.0);
        let diverged: Vec<Divergence> = if by_id(database) && by_id(cache) {
            let mut rows = database.iter().peekable();
            cache
                .iter()
                .filter_map(|(product, cached)| {
                    while rows.next_if(|(id, _)| id < product).is_some() {}
                    let stored = rows
                        .peek()
                        .filter(|(id, _)| id == product)
                        .map(|(_, price)| price.as_str());
                    divergence(product, cached, stored)
                })
                .collect()
        } else if by_id(database) {
            cache
                .iter()
                .filter_map(|(product, cached)| {
                    let stored = database
                        .binary_search_by(|(id, _)| id.as_str().cmp(product))
                        .ok()
                        .map(|i| database[i].1.as_str());
                    divergence(product, cached, stored)
                })
                .collect()
        } else {
            let stored = index(database);
            cache
                .iter()
                .filter_map(|(product, cached)| {
                    divergence(product, cached, stored.get(product.as_str()).copied())
                })
                .collect()
        };
        Consistency {
            in_step: diverged.is_empty(),
            diverged,
        }
    }
}

impl std::fmt::Display for Consistency {
    /// As the stage's badge says it: `In step: …`, or `Diverged: product1 (cache 100,
    /// database 150)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.in_step {
            return f.write_str("In step: every cached price is the database's.");
        }
        f.write_str("Diverged: ")?;
        for (i, d) in self.diverged.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(
                f,
                "{} (cache {}, database {})",
                d.product,
                d.cache,
                d.database.as_deref().unwrap_or("none")
            )?;
        }
        Ok(())
    }
}

/// A cached price that is not the database's (`stored`), as a divergence.
fn divergence(product: &str, cached: &str, stored: Option<&str>) -> Option<Divergence> {
    (stored != Some(cached)).then(|| Divergence {
        product: product.to_owned(),
        cache: cached.to_owned(),
        database: stored.map(str::to_owned),
    })
}

/// `pairs` as a map from key to value (the last value wins, as in a store).
pub(super) fn index(pairs: &[(String, String)]) -> FxHashMap<&str, &str> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::catalog::owned_pairs as pairs;

    #[test]
    fn a_cache_miss_is_not_a_divergence_but_a_stale_price_is() {
        let db = pairs(&[("product1", "150"), ("product2", "200")]);
        assert!(Consistency::of(&pairs(&[("product2", "200")]), &db).in_step);
        let stale = Consistency::of(&pairs(&[("product1", "100"), ("product2", "200")]), &db);
        assert!(!stale.in_step);
        assert_eq!(
            stale.diverged,
            vec![Divergence {
                product: "product1".into(),
                cache: "100".into(),
                database: Some("150".into())
            }]
        );
        let orphan = Consistency::of(&pairs(&[("product9", "1")]), &db);
        assert_eq!(orphan.diverged[0].database, None);
        // A database table in any order gives the same answer as one ordered by id.
        let shuffled = pairs(&[("product2", "200"), ("product1", "150")]);
        let cache = pairs(&[("product1", "100"), ("product2", "200"), ("product9", "1")]);
        // (Both ordered: one merge pass; only the database: binary search; neither: a map.)
        let merged = Consistency::of(&cache, &db);
        assert_eq!(merged.diverged.len(), 2);
        assert_eq!(Consistency::of(&cache, &shuffled), merged);
        let unordered = pairs(&[("product9", "1"), ("product1", "100"), ("product2", "200")]);
        let mut searched = Consistency::of(&unordered, &db);
        searched.diverged.sort_by(|a, b| a.product.cmp(&b.product));
        assert_eq!(searched, merged);
    }
}
