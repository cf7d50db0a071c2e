//! The lesson's answers, checked by running them on the lab's stores.

use super::boot::AppLab;
use super::python::check_step;
use super::state::Answer;

/// Checks a lesson answer by running it on the lab's stores; returns the step and the verdict.
/// `started`: whether the learner began the lesson (emptying both stores), so that step 1 checks
/// a hash the learner made, not the one the lab starts with.
pub async fn check_lesson(
    lab: &AppLab,
    answer: Answer,
    started: bool,
) -> (usize, Result<String, String>) {
    use crate::lesson;
    let failed = |e: crate::engine::EngineError| Err(e.to_string());
    match answer {
        Answer::Hash if !started => (
            0,
            Err("First start the lesson: it empties both stores, so that the hash you check is one you made.".to_owned()),
        ),
        Answer::Hash => (
            0,
            lesson::check_hash(&lab.stores().cache())
                .map(|()| "Right: the hash holds the three prices.".to_owned()),
        ),
        Answer::Database(source) => {
            // Run as Python; the rows the learner's `database` holds become the table's.
            let (passed, message, rows) = check_step(2, &source).await;
            let verdict = if !passed {
                Err(message)
            } else {
                match lab.replace_database(&rows).await {
                    Err(e) => failed(e),
                    Ok(()) => lesson::check_database(&lab.stores().database()).map(|()| message),
                }
            };
            (1, verdict)
        }
        Answer::Python { step, source } => {
            let (passed, message, _) = check_step(step as u8 + 1, &source).await;
            (step, if passed { Ok(message) } else { Err(message) })
        }
        Answer::Function { step, lines } => {
            let verdict = async {
                lab.set_both("product1", "100").await.map_err(|e| e.to_string())?;
                let run = lesson::run(&lines, "product1", "150")?;
                let errors = lab.run_effects(&run.effects).await.map_err(|e| e.to_string())?;
                if step == 2 {
                    lesson::check_step3(&run, &lab.stores().database())
                        .map(|()| "Right: the database has the new price and redis_command is the HSET to send.".to_owned())
                } else {
                    lesson::check_step4(&lab.stores().cache(), &lab.stores().database(), &errors)
                        .map(|()| "Right: update_price(\"product1\", 150) wrote 150 to the cache and to the database.".to_owned())
                }
            }
            .await;
            (step, verdict)
        }
    }
}
