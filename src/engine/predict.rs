//! "Predict, then see": at chosen steps of a trace the lab asks what a read of the cache would
//! return now, and grades the answer against the step's own snapshot.

use serde::{Deserialize, Serialize};

use super::trace::{StepKind, Trace};
use crate::catalog::PRICES_KEY;

/// A question asked at one step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prediction {
    /// The step it is asked at.
    pub step: usize,
    /// The read, e.g. `HGET product_prices product1`.
    pub read: String,
    /// The choices, as redis-cli would print them (`"150"`, `(nil)`).
    pub choices: Vec<String>,
    /// The right choice.
    pub answer: String,
    /// Why, in one sentence.
    pub because: String,
}

fn printed(value: Option<&str>) -> String {
    value.map_or_else(|| "(nil)".to_owned(), |v| format!("\"{v}\""))
}

/// The questions for `trace`: after the database is written (or fails to be), after a crash,
/// after the cached field is deleted, and at the end.
pub fn predictions(trace: &Trace) -> Vec<Prediction> {
    let product = trace.product.as_str();
    if product.is_empty() || trace.steps.is_empty() {
        return Vec::new();
    }
    let old = trace.steps[0]
        .cache
        .iter()
        .find(|(f, _)| f == product)
        .map(|(_, v)| v.clone());
    let new = trace.new_price.clone();
    let written: Vec<&str> = trace
        .steps
        .iter()
        .flat_map(|s| &s.changes)
        .filter(|c| c.key == product)
        .filter_map(|c| c.after.as_deref())
        .collect();
    let mut out = Vec::new();
    for step in &trace.steps {
        let ask = matches!(
            step.kind,
            StepKind::DatabaseWrite | StepKind::Crash | StepKind::CacheInvalidate | StepKind::Done
        );
        if !ask {
            continue;
        }
        let value = step
            .cache
            .iter()
            .find(|(f, _)| f == product)
            .map(|(_, v)| v.as_str());
        let answer = printed(value);
        // The old price, every price the trace writes for the product (in a race, the other
        // writer's too: the value a learner expects the last writer to leave), and a miss.
        // (Each once: a product not cached at the start makes the old price a miss too.)
        let mut choices: Vec<String> = Vec::new();
        let candidates = [printed(old.as_deref()), printed(Some(&new))]
            .into_iter()
            .chain(written.iter().map(|w| printed(Some(w))))
            .chain(["(nil)".to_owned(), answer.clone()]);
        for choice in candidates {
            if !choices.contains(&choice) {
                choices.push(choice);
            }
        }
        let db = step
            .database
            .iter()
            .find(|(f, _)| f == product)
            .map(|(_, v)| v.as_str());
        let because = match (value, db) {
            (None, _) => format!("The cache has no {product} now, so a read misses; the next read would load it from the database."),
            (Some(c), Some(d)) if c == d => format!("The cache holds {c}, the same as the database."),
            (Some(c), Some(d)) => format!("The cache still holds {c} while the database holds {d}: a read now gets a stale price."),
            (Some(c), None) => format!("The cache holds {c}, a price the database does not have."),
        };
        out.push(Prediction {
            step: step.index,
            read: format!("HGET {PRICES_KEY} {product}"),
            choices,
            answer,
            because,
        });
    }
    // One question per kind of moment is enough: keep the first of each and the last.
    let mut kept: Vec<Prediction> = Vec::new();
    for p in out {
        let kind = trace.steps[p.step].kind;
        if !kept.iter().any(|k| trace.steps[k.step].kind == kind) {
            kept.push(p);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::trace::{Actor, CodeRef, Consistency, OperationKind, Outcome, Step};
    use crate::engine::Pattern;

    fn step(index: usize, kind: StepKind, cache: &str, db: &str) -> Step {
        let pair = |v: &str| {
            if v.is_empty() {
                vec![]
            } else {
                vec![("product1".to_owned(), v.to_owned())]
            }
        };
        Step {
            index,
            kind,
            actor: Actor::Application,
            writer: None,
            action: String::new(),
            result: String::new(),
            ok: true,
            code: CodeRef::NONE,
            narration: String::new(),
            cache: pair(cache).into(),
            database: pair(db).into(),
            queue: Default::default(),
            changes: vec![],
            consistency: Consistency::of(&pair(cache), &pair(db)),
            folded: None,
            wire: None,
        }
    }

    #[test]
    fn after_a_database_write_the_cache_still_serves_the_old_price() {
        let trace = Trace {
            operation: OperationKind::UpdatePrice,
            pattern: Pattern::WriteThrough,
            faults: Default::default(),
            product: "product1".into(),
            new_price: "150".into(),
            steps: vec![
                step(0, StepKind::Validate, "100", "100"),
                step(1, StepKind::DatabaseWrite, "100", "150"),
                step(2, StepKind::CacheWrite, "150", "150"),
                step(3, StepKind::Done, "150", "150"),
            ],
            outcome: Outcome::Completed,
            clients: Vec::new(),
        };
        let p = predictions(&trace);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].step, p[0].answer.as_str()), (1, "\"100\""));
        assert_eq!(p[0].choices, ["\"100\"", "\"150\"", "(nil)"]);
        assert!(p[0].because.contains("stale"));
        assert_eq!((p[1].step, p[1].answer.as_str()), (3, "\"150\""));
    }
}
