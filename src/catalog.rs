//! The lesson's product catalog: the seed rows that both stores start with.

/// The Redis key of the hash that caches the prices.
pub const PRICES_KEY: &str = "product_prices";

/// One product of the catalog and its price, exactly as the seed tutorial lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedProduct {
    /// The product id, which is both the hash field and the database key.
    pub id: &'static str,
    /// The price, as the decimal text stored in both stores.
    pub price: &'static str,
}

/// The seed catalog, in the order the tutorial lists it (and the order `HMSET` creates it in).
pub const SEED: [SeedProduct; 3] = [
    SeedProduct {
        id: "product1",
        price: "100",
    },
    SeedProduct {
        id: "product2",
        price: "200",
    },
    SeedProduct {
        id: "product3",
        price: "300",
    },
];

/// The command a learner types to create the cached hash from the seed, as the tutorial's
/// first step hints (`HMSET` with every field and value).
pub fn seed_hmset_command() -> String {
    let mut line = format!("HMSET {PRICES_KEY}");
    for product in SEED {
        line.push(' ');
        line.push_str(product.id);
        line.push(' ');
        line.push_str(product.price);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_matches_the_tutorial() {
        let rows: Vec<(&str, &str)> = SEED.iter().map(|p| (p.id, p.price)).collect();
        assert_eq!(
            rows,
            [
                ("product1", "100"),
                ("product2", "200"),
                ("product3", "300")
            ]
        );
    }

    #[test]
    fn seed_command_lists_every_field_in_order() {
        assert_eq!(
            seed_hmset_command(),
            "HMSET product_prices product1 100 product2 200 product3 300"
        );
    }
}
