//! Two writers at once: the learner picks an interleaving of their steps and sees whether the
//! cache ends up serving a stale price.
//!
//! - Write-through without ordering: A writes the database, B writes the database and the
//!   cache, then A writes the cache: the cache holds A's price, the database B's.
//! - Cache-aside: a reader B misses the cache and reads the database; writer A updates the
//!   database and deletes the cached field; then B fills the cache with the old price it read.
//! - With per-key ordering (what [`super::Lab`] does), a writer that arrives while the other is
//!   mid-update waits for it, so no interleaving can leave the cache stale.
//!
//! The race runs on its own small stores (an emulator and an in-memory table holding the seed),
//! so it never disturbs the lab's.

use serde::{Deserialize, Serialize};

use super::copies::Copies;
use super::faults::Faults;
use super::listing::{Listing, Mark};
use super::pattern::Pattern;
use super::patterns::{self, RaceStep};
use super::recorder::{Recorder, StepText};
use super::steps::{hdel_line, hset_line, run_redis};
use super::trace::{Actor, CodeRef, Consistency, OperationKind, Outcome, StepKind, Trace};

pub use super::trace::Writer;

/// The product both writers touch.
pub const RACE_PRODUCT: &str = "product1";

/// A race to run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaceSetup {
    pub pattern: Pattern,
    /// Whether a writer must wait for the other to finish before it starts (per-key ordering).
    pub per_key_ordering: bool,
    /// A's new price.
    pub a_price: String,
    /// B's new price (ignored when B is cache-aside's reader).
    pub b_price: String,
}

/// What `writer` does, in order, under `pattern` (from the pattern's own file), with its
/// price.
fn program(setup: &RaceSetup, writer: Writer) -> Vec<(RaceStep, String)> {
    // The race panel has two writers; a third (a challenge's) takes B's part.
    let price = match writer {
        Writer::A => &setup.a_price,
        Writer::B | Writer::C => &setup.b_price,
    };
    patterns::race_steps(setup.pattern, writer == Writer::B)
        .iter()
        .map(|step| (*step, price.clone()))
        .collect()
}

/// How many steps each writer takes (two, under every pattern): an interleaving lists each
/// writer this many times.
pub const STEPS_PER_WRITER: usize = 2;

/// The classic interleaving that goes wrong without ordering: A starts, B runs whole, A ends.
pub const STALE_INTERLEAVING: [Writer; 4] = [Writer::A, Writer::B, Writer::B, Writer::A];

/// The one interleaving a cache-aside reader needs to go wrong: B reads, A writes and deletes,
/// B fills the cache.
pub const CACHE_ASIDE_STALE_INTERLEAVING: [Writer; 4] =
    [Writer::B, Writer::A, Writer::A, Writer::B];

/// Runs `line` on the copies' cache: what Redis printed.
fn redis(stores: &mut Copies, line: &str) -> String {
    run_redis(&mut stores.redis, line).1
}

/// Runs `line` on the copies' cache as a step of `kind`, with what Redis printed as its result.
fn cache_step(
    stores: &mut Copies,
    kind: StepKind,
    line: String,
    code: CodeRef,
    narration: String,
) -> StepText {
    let result = redis(stores, &line);
    StepText {
        kind,
        actor: Actor::Cache,
        action: line,
        result,
        ok: true,
        code,
        narration,
    }
}

/// The line of `listing` marked `mark`, or none.
fn listing_line(listing: &Listing, mark: Mark) -> CodeRef {
    listing.find(mark).unwrap_or(CodeRef::NONE)
}

/// Runs the race with the learner's `interleaving` (which writer takes its next step, in
/// order). Missing steps run at the end, A's first; extra entries are ignored.
pub fn race(setup: &RaceSetup, interleaving: &[Writer]) -> Trace {
    let listing = patterns::listing(setup.pattern);
    // The line each step runs in the pattern's listing (none for cache-aside's reader, whose
    // code the listing does not show).
    let line = |mark: Mark| listing_line(&listing, mark);
    let mut stores = Copies::seeded(7);
    if setup.pattern == Pattern::CacheAside {
        // The reader's story starts with a miss.
        redis(&mut stores, &hdel_line(RACE_PRODUCT));
    }
    let trace = Trace {
        operation: OperationKind::Race,
        pattern: setup.pattern,
        faults: Faults::default(),
        product: RACE_PRODUCT.to_owned(),
        new_price: setup.a_price.clone(),
        steps: Vec::new(),
        outcome: Outcome::Completed,
        clients: Vec::new(),
    };
    let mut rec = Recorder::new(trace, (stores.cache(), stores.database(), Vec::new()));

    let programs = [program(setup, Writer::A), program(setup, Writer::B)];
    let mut next = [0usize, 0usize];
    let mut read_value: Option<String> = None;
    let index = |w: Writer| if w == Writer::A { 0 } else { 1 };

    let mut order: Vec<Writer> = Vec::new();
    let mut counts = [0usize, 0usize];
    for &w in interleaving {
        if counts[index(w)] < programs[index(w)].len() {
            counts[index(w)] += 1;
            order.push(w);
        }
    }
    for w in [Writer::A, Writer::B] {
        while counts[index(w)] < programs[index(w)].len() {
            counts[index(w)] += 1;
            order.push(w);
        }
    }

    let mut run = |w: Writer, rec: &mut Recorder, stores: &mut Copies, next: &mut [usize; 2]| {
        let i = index(w);
        let Some(op) = programs[i].get(next[i]).cloned() else {
            return;
        };
        next[i] += 1;
        rec.writer = Some(w);
        let who = format!("Writer {}", w.label());
        let text = match op {
            (RaceStep::WriteDatabase, price) => {
                stores.rows.insert(RACE_PRODUCT.to_owned(), price.clone());
                StepText {
                    kind: StepKind::DatabaseWrite,
                    actor: Actor::Database,
                    action: format!("database[{RACE_PRODUCT:?}] = {price:?}"),
                    result: "committed".to_owned(),
                    ok: true,
                    code: line(Mark::DatabaseWrite),
                    narration: format!("{who} writes {price} to the database."),
                }
            }
            (RaceStep::WriteCache, price) => cache_step(
                stores,
                StepKind::CacheWrite,
                hset_line(RACE_PRODUCT, &price),
                line(Mark::CacheWrite),
                format!("{who} writes {price} to the cache."),
            ),
            (RaceStep::Invalidate, _) => cache_step(
                stores,
                StepKind::CacheInvalidate,
                hdel_line(RACE_PRODUCT),
                line(Mark::Invalidate),
                format!("{who} deletes the cached {RACE_PRODUCT}."),
            ),
            (RaceStep::ReadDatabase, _) => {
                let value = stores.rows.get(RACE_PRODUCT).cloned().unwrap_or_default();
                read_value = Some(value.clone());
                StepText {
                    kind: StepKind::DatabaseRead,
                    actor: Actor::Database,
                    action: format!("database[{RACE_PRODUCT:?}]"),
                    result: value.clone(),
                    ok: true,
                    code: CodeRef::NONE,
                    narration: format!(
                        "Reader {} misses the cache and reads {value} from the database.",
                        w.label()
                    ),
                }
            }
            (RaceStep::FillCache, _) => {
                let value = read_value.clone().unwrap_or_default();
                cache_step(
                    stores,
                    StepKind::CacheWrite,
                    hset_line(RACE_PRODUCT, &value),
                    CodeRef::NONE,
                    format!(
                        "Reader {} puts the {value} it read into the cache.",
                        w.label()
                    ),
                )
            }
        };
        rec.push(text, stores.cache(), stores.database(), Vec::new());
    };

    for w in order {
        let i = index(w);
        let other = 1 - i;
        let other_busy = next[other] > 0 && next[other] < programs[other].len();
        if setup.per_key_ordering && next[i] == 0 && other_busy {
            let holder = if other == 0 { Writer::A } else { Writer::B };
            rec.writer = Some(w);
            rec.push(
                StepText {
                    kind: StepKind::Wait,
                    actor: Actor::Application,
                    action: format!("lock({RACE_PRODUCT:?})"),
                    result: format!("held by {}", holder.label()),
                    ok: true,
                    code: CodeRef::NONE,
                    narration: format!(
                        "Writer {} must wait: writer {} holds {RACE_PRODUCT} until both its writes are done.",
                        w.label(),
                        holder.label()
                    ),
                },
                stores.cache(),
                stores.database(),
                Vec::new(),
            );
            while next[other] < programs[other].len() {
                run(holder, &mut rec, &mut stores, &mut next);
            }
        }
        run(w, &mut rec, &mut stores, &mut next);
    }

    rec.writer = None;
    let consistency = Consistency::of(&stores.cache(), &stores.database());
    let narration = if consistency.in_step {
        "Both writers are done and the cache agrees with the database.".to_owned()
    } else {
        let d = &consistency.diverged[0];
        format!(
            "Both writers are done, but the cache serves {} = {} while the database holds {}: a stale price, until something rewrites it.",
            d.product,
            d.cache,
            d.database.as_deref().unwrap_or("nothing")
        )
    };
    if !consistency.in_step {
        rec.trace.outcome = Outcome::Failed("The cache ended with a stale price.".to_owned());
    }
    rec.push(
        StepText::done(narration),
        stores.cache(),
        stores.database(),
        Vec::new(),
    );
    rec.trace
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(pattern: Pattern, ordered: bool) -> RaceSetup {
        RaceSetup {
            pattern,
            per_key_ordering: ordered,
            a_price: "150".into(),
            b_price: "175".into(),
        }
    }

    #[test]
    fn naive_write_through_can_leave_the_cache_stale() {
        let trace = race(&setup(Pattern::WriteThrough, false), &STALE_INTERLEAVING);
        assert!(!trace.ends_in_step());
        let last = trace.last().unwrap();
        assert_eq!(last.consistency.diverged[0].cache, "150");
        assert_eq!(
            last.consistency.diverged[0].database.as_deref(),
            Some("175")
        );
    }

    #[test]
    fn per_key_ordering_makes_every_interleaving_safe() {
        use Writer::{A, B};
        let all = [
            [A, A, B, B],
            [A, B, A, B],
            [A, B, B, A],
            [B, A, A, B],
            [B, A, B, A],
            [B, B, A, A],
        ];
        for pattern in [
            Pattern::WriteThrough,
            Pattern::WriteThroughCacheFirst,
            Pattern::CacheAside,
        ] {
            for interleaving in all {
                let trace = race(&setup(pattern, true), &interleaving);
                assert!(trace.ends_in_step(), "{pattern:?} {interleaving:?}");
            }
        }
        let waited = race(&setup(Pattern::WriteThrough, true), &STALE_INTERLEAVING);
        assert!(waited.kinds().contains(&StepKind::Wait));
    }

    #[test]
    fn cache_aside_readers_can_refill_an_old_price() {
        let trace = race(
            &setup(Pattern::CacheAside, false),
            &CACHE_ASIDE_STALE_INTERLEAVING,
        );
        assert!(!trace.ends_in_step());
        assert_eq!(trace.last().unwrap().consistency.diverged[0].cache, "100");
        // The safe order for the reader: read after the writer is done.
        assert!(race(
            &setup(Pattern::CacheAside, false),
            &[Writer::A, Writer::A, Writer::B, Writer::B]
        )
        .ends_in_step());
    }

    #[test]
    fn short_or_long_interleavings_are_completed_or_trimmed() {
        let trace = race(
            &setup(Pattern::WriteThrough, false),
            &[Writer::B, Writer::B, Writer::B, Writer::B],
        );
        let writers: Vec<Option<Writer>> = trace.steps.iter().map(|s| s.writer).collect();
        use Writer::{A, B};
        assert_eq!(writers, [Some(B), Some(B), Some(A), Some(A), None]);
        assert!(trace.ends_in_step());
    }
}
