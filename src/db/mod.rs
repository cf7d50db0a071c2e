//! The database of the lesson: the source of truth that must survive a reload.
//!
//! [`ProductRecord`] is the row both implementations store. In the browser the database is
//! IndexedDB ([`indexeddb`], wasm32 only).

use serde::{Deserialize, Serialize};

#[cfg(target_arch = "wasm32")]
pub mod indexeddb;

/// One row of the `products` table: a product's price, and when and by what it was last written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductRecord {
    /// The product id (the key), e.g. `product1`.
    pub id: String,
    /// The price as decimal text, exactly as written (the same bytes the cache holds).
    pub price: String,
    /// When the row was last written, in milliseconds since the Unix epoch.
    pub written_at_ms: f64,
    /// The operation that last wrote the row, e.g. `seed` or `update_price`.
    pub written_by: String,
}

impl ProductRecord {
    /// The seed catalog as database rows, stamped with the time they were written.
    pub fn seed_rows(written_at_ms: f64) -> Vec<ProductRecord> {
        crate::catalog::SEED
            .iter()
            .map(|p| ProductRecord {
                id: p.id.to_owned(),
                price: p.price.to_owned(),
                written_at_ms,
                written_by: "seed".to_owned(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_rows_carry_the_catalog_and_their_origin() {
        let rows = ProductRecord::seed_rows(1_000.0);
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let prices: Vec<&str> = rows.iter().map(|r| r.price.as_str()).collect();
        assert_eq!(ids, ["product1", "product2", "product3"]);
        assert_eq!(prices, ["100", "200", "300"]);
        assert!(rows
            .iter()
            .all(|r| r.written_by == "seed" && r.written_at_ms == 1_000.0));
    }
}
