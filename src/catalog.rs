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

/// The most products a generated catalog has.
pub const MAX_CATALOG: usize = 100_000;

/// A generated catalog of `n` products, `product0` … `product{n-1}`, each with a three-digit
/// price (the seed's prices for `product1` … `product3`, so the lesson's examples read the
/// same). It is what the scale demonstration loads into both stores.
pub fn generated(n: usize) -> impl Iterator<Item = (String, String)> {
    (0..n).map(|i| {
        let price = match SEED.get(i.wrapping_sub(1)) {
            Some(seed) => seed.price.to_owned(),
            None => (100 + (i * 389) % 900).to_string(),
        };
        (format!("product{i}"), price)
    })
}

/// Up to `limit` ids of `rows` (ordered by id) that start with `prefix`, in order: the
/// suggestions a product field offers when the catalog is too long for a drop-down list.
pub fn ids_starting_with<'a>(
    rows: &'a [(String, String)],
    prefix: &'a str,
    limit: usize,
) -> impl Iterator<Item = &'a str> + 'a {
    let from = rows.partition_point(|(id, _)| id.as_str() < prefix);
    rows[from..]
        .iter()
        .map(|(id, _)| id.as_str())
        .take_while(move |id| id.starts_with(prefix))
        .take(limit)
}

/// `(key, value)` pairs as owned strings (a table, as the engine holds them).
pub fn owned_pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The seed catalog as `(id, price)` pairs.
pub fn seed_pairs() -> Vec<(String, String)> {
    SEED.iter()
        .map(|p| (p.id.to_owned(), p.price.to_owned()))
        .collect()
}

/// `HMSET product_prices field value ...` for `pairs`, each argument quoted as redis-cli
/// needs it so that it splits back to the same bytes.
pub fn hmset_line<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut line = format!("HMSET {PRICES_KEY}");
    for (field, value) in pairs {
        line.push(' ');
        line.push_str(&crate::emulator::quote_arg(field.as_bytes()));
        line.push(' ');
        line.push_str(&crate::emulator::quote_arg(value.as_bytes()));
    }
    line
}

/// The command a learner types to create the cached hash from the seed, as the tutorial's
/// first step hints (`HMSET` with every field and value).
pub fn seed_hmset_command() -> String {
    hmset_line(SEED.iter().map(|p| (p.id, p.price)))
}

/// The most digits a price may have before and after the decimal point.
pub const MAX_INTEGER_DIGITS: usize = 12;
/// The most digits after the decimal point.
pub const MAX_FRACTION_DIGITS: usize = 4;

/// Why a typed price was refused; the message is shown next to the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PriceError {
    Empty,
    Negative,
    NotADecimal,
    LeadingZero,
    TooManyFractionDigits,
    TooLarge,
}

impl std::fmt::Display for PriceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PriceError::Empty => f.write_str("Enter a price, like 150 or 19.99."),
            PriceError::Negative => f.write_str("A price cannot be negative."),
            PriceError::NotADecimal => f.write_str(
                "A price is a plain decimal number, like 150 or 19.99 (digits, at most one point).",
            ),
            PriceError::LeadingZero => {
                f.write_str("Write the price without leading zeros, like 7 rather than 007.")
            }
            PriceError::TooManyFractionDigits => {
                write!(
                    f,
                    "Use at most {MAX_FRACTION_DIGITS} digits after the decimal point."
                )
            }
            PriceError::TooLarge => write!(
                f,
                "Use at most {MAX_INTEGER_DIGITS} digits before the decimal point."
            ),
        }
    }
}

impl std::error::Error for PriceError {}

/// Checks a typed price: a non-negative decimal such as `150`, `0` or `19.99`, without sign,
/// exponent or leading zeros, of a sensible size. Surrounding spaces are ignored. Returns the
/// price as it will be stored in both stores.
pub fn validate_price(input: &str) -> Result<String, PriceError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(PriceError::Empty);
    }
    if text.starts_with('-') {
        return Err(PriceError::Negative);
    }
    let (integer, fraction) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(integer) || fraction.is_some_and(|f| !digits(f)) {
        return Err(PriceError::NotADecimal);
    }
    if integer.len() > 1 && integer.starts_with('0') {
        return Err(PriceError::LeadingZero);
    }
    if integer.len() > MAX_INTEGER_DIGITS {
        return Err(PriceError::TooLarge);
    }
    if fraction.is_some_and(|f| f.len() > MAX_FRACTION_DIGITS) {
        return Err(PriceError::TooManyFractionDigits);
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_catalog_has_distinct_ids_and_three_digit_prices() {
        let rows: Vec<_> = generated(MAX_CATALOG).collect();
        assert_eq!(rows.len(), MAX_CATALOG);
        assert_eq!(rows[0].0, "product0");
        assert_eq!(rows[99_999].0, "product99999");
        assert_eq!(
            &rows[1..4],
            &[
                ("product1".into(), "100".into()),
                ("product2".into(), "200".into()),
                ("product3".into(), "300".into())
            ]
        );
        assert!(rows
            .iter()
            .all(|(_, p)| p.len() == 3 && validate_price(p).is_ok()));
        let ids: std::collections::HashSet<_> = rows.iter().map(|(id, _)| id).collect();
        assert_eq!(ids.len(), MAX_CATALOG);
    }

    #[test]
    fn suggestions_are_the_ids_with_the_typed_prefix_in_order() {
        let mut rows: Vec<_> = generated(1_000).collect();
        rows.sort();
        let ids = |prefix, limit| ids_starting_with(&rows, prefix, limit).collect::<Vec<_>>();
        assert_eq!(
            ids("product99", 3),
            ["product99", "product990", "product991"]
        );
        assert_eq!(ids("product999", 5), ["product999"]);
        assert_eq!(ids("nope", 5), Vec::<&str>::new());
        assert_eq!(ids("", 2), ["product0", "product1"]);
        assert_eq!(ids("product1", 100).len(), 100);
    }

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

    #[test]
    fn prices_are_plain_non_negative_decimals() {
        for ok in ["0", "150", "19.99", "0.5", " 42 ", "999999999999.9999"] {
            assert_eq!(validate_price(ok), Ok(ok.trim().to_owned()), "{ok:?}");
        }
        let cases = [
            ("", PriceError::Empty),
            ("   ", PriceError::Empty),
            ("-5", PriceError::Negative),
            ("abc", PriceError::NotADecimal),
            ("1e3", PriceError::NotADecimal),
            ("+5", PriceError::NotADecimal),
            ("1.", PriceError::NotADecimal),
            (".5", PriceError::NotADecimal),
            ("1.2.3", PriceError::NotADecimal),
            ("1 000", PriceError::NotADecimal),
            ("007", PriceError::LeadingZero),
            ("1.23456", PriceError::TooManyFractionDigits),
            ("1234567890123", PriceError::TooLarge),
        ];
        for (input, error) in cases {
            assert_eq!(validate_price(input), Err(error), "{input:?}");
        }
        assert!(PriceError::Negative.to_string().contains("negative"));
    }
}
