//! A scenario the learner can share: an update (pattern, faults, product, price) or a race of
//! two writers (pattern, ordering, interleaving), and the step shown, written into the page's
//! URL query so that a link reopens the same trace at the same step. Scenarios run on copies of
//! the seed stores, so opening a link never changes the learner's own data.

use crate::catalog::seed_pairs;
use crate::engine::race::{race, RaceSetup, Writer};
use crate::engine::sandbox::{run_update_on, Start};
use crate::engine::{Faults, Pattern, Trace};

/// What to replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scenario {
    Update {
        pattern: Pattern,
        faults: Faults,
        product: String,
        price: String,
    },
    Race {
        pattern: Pattern,
        per_key_ordering: bool,
        order: Vec<Writer>,
    },
    /// A run of the learner's Python (the editor's program), under `faults`; replayed on the
    /// seed stores by running it again in the interpreter's worker (so not by [`Scenario::run`]).
    Python {
        pattern: Pattern,
        faults: Faults,
        source: String,
    },
    /// A challenge checked on the learner's code: its failing schedule, found again by checking
    /// the code again in the interpreter's worker (the check is deterministic).
    Challenge { id: String, source: String },
    /// The race panel's race of the learner's own `update_price` (the editor's program), its
    /// store operations in `order`; run again in the interpreter's worker.
    YourRace { source: String, order: Vec<Writer> },
}

/// A scenario and the step to show (0-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shared {
    pub scenario: Scenario,
    pub step: usize,
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

impl Shared {
    /// The URL query (without `?`).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        match &self.scenario {
            Scenario::Update {
                pattern,
                faults,
                product,
                price,
            } => {
                parts.push("scenario=update".to_owned());
                parts.push(format!("pattern={}", pattern.id()));
                let f = faults.names();
                if !f.is_empty() {
                    parts.push(format!("faults={}", f.join(".")));
                }
                parts.push(format!("product={}", encode(product)));
                parts.push(format!("price={}", encode(price)));
            }
            Scenario::Python {
                pattern,
                faults,
                source,
            } => {
                parts.push("scenario=python".to_owned());
                parts.push(format!("pattern={}", pattern.id()));
                let f = faults.names();
                if !f.is_empty() {
                    parts.push(format!("faults={}", f.join(".")));
                }
                parts.push(format!("source={}", encode(source)));
            }
            Scenario::YourRace { source, order } => {
                parts.push("scenario=your-race".to_owned());
                parts.push(format!("order={}", order_text(order)));
                parts.push(format!("source={}", encode(source)));
            }
            Scenario::Challenge { id, source } => {
                parts.push("scenario=challenge".to_owned());
                parts.push(format!("challenge={}", encode(id)));
                parts.push(format!("source={}", encode(source)));
            }
            Scenario::Race {
                pattern,
                per_key_ordering,
                order,
            } => {
                parts.push("scenario=race".to_owned());
                parts.push(format!("pattern={}", pattern.id()));
                parts.push(format!("ordered={}", u8::from(*per_key_ordering)));
                parts.push(format!("order={}", order_text(order)));
            }
        }
        parts.push(format!("step={}", self.step + 1));
        parts.join("&")
    }

    /// Reads a query (with or without `?`); `None` if it names no valid scenario.
    pub fn from_query(query: &str) -> Option<Shared> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let get = |key: &str| {
            query.split('&').find_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                (k == key).then(|| decode(v)).flatten()
            })
        };
        let step = get("step")
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(1)
            .saturating_sub(1);
        if get("scenario")? == "your-race" {
            let scenario = Scenario::YourRace {
                source: get("source")?,
                order: order_of(&get("order")?)?,
            };
            return Some(Shared { scenario, step });
        }
        if get("scenario")? == "challenge" {
            let id = get("challenge").filter(|id| crate::challenges::find(id).is_some())?;
            let scenario = Scenario::Challenge {
                id,
                source: get("source")?,
            };
            return Some(Shared { scenario, step });
        }
        let pattern = Pattern::from_id(&get("pattern")?)?;
        let faults_text = get("faults").unwrap_or_default();
        let faults = Faults::from_names(|name: &str| faults_text.split('.').any(|f| f == name));
        let scenario = match get("scenario")?.as_str() {
            "update" => Scenario::Update {
                pattern,
                faults,
                product: get("product")?,
                price: get("price")?,
            },
            "python" => Scenario::Python {
                pattern,
                faults,
                source: get("source")?,
            },
            "race" => Scenario::Race {
                pattern,
                per_key_ordering: get("ordered").as_deref() == Some("1"),
                order: order_of(&get("order")?)?,
            },
            _ => return None,
        };
        Some(Shared { scenario, step })
    }
}

/// A race's moves as a link writes them (`ABBA`).
fn order_text(order: &[Writer]) -> String {
    order
        .iter()
        .map(|w| if *w == Writer::A { 'A' } else { 'B' })
        .collect()
}

/// [`order_text`] read back; `None` if a move is not A or B.
fn order_of(text: &str) -> Option<Vec<Writer>> {
    text.chars()
        .map(|c| match c {
            'A' => Some(Writer::A),
            'B' => Some(Writer::B),
            _ => None,
        })
        .collect()
}

impl Scenario {
    /// Whether this is a race between two writers.
    pub fn is_race(&self) -> bool {
        matches!(self, Scenario::Race { .. } | Scenario::YourRace { .. })
    }

    /// The scenario an update's trace came from (`None` for other operations).
    pub fn of_trace(trace: &Trace) -> Option<Scenario> {
        (trace.operation == crate::engine::trace::OperationKind::UpdatePrice).then(|| {
            Scenario::Update {
                pattern: trace.pattern,
                faults: trace.faults,
                product: trace.product.clone(),
                price: trace.new_price.clone(),
            }
        })
    }

    /// Runs the scenario on copies of the seed stores (in memory).
    pub fn run(&self) -> Option<Trace> {
        self.run_on(crate::db::MemoryDb::new)
    }

    /// [`Scenario::run`], with the copy of the database made by `empty_db` (see
    /// [`crate::engine::sandbox::run_update_on`]).
    pub fn run_on<D: crate::db::Database>(&self, empty_db: impl FnOnce() -> D) -> Option<Trace> {
        match self {
            Scenario::Update {
                pattern,
                faults,
                product,
                price,
            } => {
                let seed = seed_pairs();
                let start = Start {
                    pattern: *pattern,
                    faults: *faults,
                    cache: &seed,
                    database: &seed,
                };
                run_update_on(empty_db(), &start, product, price)
            }
            Scenario::Python { .. } | Scenario::Challenge { .. } | Scenario::YourRace { .. } => {
                None
            }
            Scenario::Race {
                pattern,
                per_key_ordering,
                order,
            } => Some(race(
                &RaceSetup {
                    pattern: *pattern,
                    per_key_ordering: *per_key_ordering,
                    a_price: "150".to_owned(),
                    b_price: "175".to_owned(),
                },
                order,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_race_of_the_learners_function_round_trips_through_the_query() {
        let shared = Shared {
            scenario: Scenario::YourRace {
                source: "def update_price(product, new_price):\n    pass\n".to_owned(),
                order: vec![Writer::A, Writer::B, Writer::B, Writer::A],
            },
            step: 3,
        };
        let query = shared.to_query();
        assert!(
            query.starts_with("scenario=your-race&order=ABBA&source="),
            "{query}"
        );
        assert_eq!(Shared::from_query(&query), Some(shared));
        assert!(Shared::from_query("scenario=your-race&order=AXBA&source=x").is_none());
    }

    #[test]
    fn an_update_scenario_round_trips_through_the_query() {
        let shared = Shared {
            scenario: Scenario::Update {
                pattern: Pattern::WriteThroughCacheFirst,
                faults: Faults {
                    database_write: true,
                    crash_between: true,
                    ..Faults::default()
                },
                product: "product 1&é".to_owned(),
                price: "19.99".to_owned(),
            },
            step: 3,
        };
        let query = shared.to_query();
        assert_eq!(
            query,
            "scenario=update&pattern=write_through_cache_first&faults=database_write.crash_between&product=product%201%26%C3%A9&price=19.99&step=4"
        );
        assert_eq!(Shared::from_query(&format!("?{query}")), Some(shared));
    }

    #[test]
    fn a_race_scenario_round_trips_and_replays() {
        let shared = Shared {
            scenario: Scenario::Race {
                pattern: Pattern::WriteThrough,
                per_key_ordering: false,
                order: vec![Writer::A, Writer::B, Writer::B, Writer::A],
            },
            step: 0,
        };
        let back = Shared::from_query(&shared.to_query()).unwrap();
        assert_eq!(back, shared);
        assert!(!back.scenario.run().unwrap().ends_in_step());
    }

    #[test]
    fn a_python_scenario_round_trips_through_the_query() {
        let shared = Shared {
            scenario: Scenario::Python {
                pattern: Pattern::CacheAside,
                faults: Faults {
                    database_write: true,
                    ..Faults::default()
                },
                source: "x = 'a & b'\nprint(x)  # 100%\n".to_owned(),
            },
            step: 3,
        };
        let query = shared.to_query();
        assert!(
            query.starts_with("scenario=python&pattern=cache_aside&faults="),
            "{query}"
        );
        assert_eq!(
            Shared::from_query(&format!("?{query}")),
            Some(shared.clone())
        );
        assert_eq!(shared.scenario.run(), None, "it needs the interpreter");
    }

    #[test]
    fn a_challenge_counterexample_round_trips_and_names_its_challenge() {
        let shared = Shared {
            scenario: Scenario::Challenge {
                id: "two-writers".to_owned(),
                source: "def update_price(p, v):\n    pass  # 100% & more\n".to_owned(),
            },
            step: 2,
        };
        let query = shared.to_query();
        assert!(
            query.starts_with("scenario=challenge&challenge=two-writers&source="),
            "{query}"
        );
        assert_eq!(Shared::from_query(&query), Some(shared.clone()));
        // The plain link to the challenge reads the same address.
        assert_eq!(
            crate::challenges::from_query(&query).map(|c| c.id),
            Some("two-writers")
        );
        assert_eq!(shared.scenario.run(), None, "it needs the interpreter");
        let unknown = query.replace("two-writers", "nope");
        assert_eq!(Shared::from_query(&unknown), None);
    }

    #[test]
    fn bad_queries_name_no_scenario() {
        for q in [
            "",
            "scenario=update",
            "scenario=nope&pattern=write_through",
            "scenario=race&pattern=write_through&order=AXB",
            "scenario=update&pattern=zzz&product=a&price=1",
        ] {
            assert_eq!(Shared::from_query(q), None, "{q}");
        }
    }

    #[test]
    fn an_update_scenario_replays_on_the_seed() {
        let s = Scenario::Update {
            pattern: Pattern::CacheAside,
            faults: Faults::default(),
            product: "product2".into(),
            price: "250".into(),
        };
        let trace = s.run().unwrap();
        assert_eq!(
            trace.last().unwrap().database[1],
            ("product2".to_owned(), "250".to_owned())
        );
    }
}
