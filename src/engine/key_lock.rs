//! Per-key ordering across tabs: a lock per product, held by one tab at a time around the two
//! writes of `update_price`, so that two tabs' updates of one product never interleave and
//! write-through always ends with cache = database. The lock itself is the page's (the Web
//! Locks API, shared by every tab of the origin); the engine only sees this trait, and the host
//! tests give it an in-memory lock.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;

use super::lab::Lab;
use super::recorder::{Recorder, StepText};
use super::trace::{Actor, CodeRef, StepKind};
use crate::db::Database;

/// A held lock: dropping it releases the lock.
pub type Held = Box<dyn Any>;

/// A future the lock provider returns.
pub type LockFuture = Pin<Box<dyn Future<Output = Option<Held>>>>;

/// Locks by name, shared by every tab.
pub trait KeyLocks {
    /// Takes the lock `name` if no one holds it (`None` if someone does).
    fn try_lock(&self, name: &str) -> LockFuture;
    /// Takes the lock `name`, waiting for it as long as it takes (`None`: locks are not
    /// available after all).
    fn lock(&self, name: &str) -> LockFuture;
}

/// The lock's name for `product`.
pub fn lock_name(product: &str) -> String {
    format!("write-through-lab/product/{product}")
}

impl<D: Database> Lab<D> {
    /// Takes `product`'s lock across tabs if per-key ordering is on, as a step (and a step for
    /// the wait if another tab holds it). The lock is released when the returned value drops.
    pub(super) async fn lock_product(&self, rec: &mut Recorder, product: &str) -> Option<Held> {
        if !self.per_key_ordering() {
            return None;
        }
        let locks = self.key_locks.borrow().clone()?;
        let name = lock_name(product);
        if let Some(held) = locks.try_lock(&name).await {
            self.record(rec, StepText {
                kind: StepKind::Wait,
                actor: Actor::Application,
                action: format!("lock({product:?})"),
                result: "acquired".to_owned(),
                ok: true,
                code: CodeRef::NONE,
                narration: format!("The application takes the lock on {product} (per-key ordering across tabs): no other tab can write {product} until it lets go."),
            });
            return Some(held);
        }
        let asked = self.now();
        self.record(rec, StepText {
            kind: StepKind::Wait,
            actor: Actor::Application,
            action: format!("lock({product:?})"),
            result: "waiting: another tab holds it".to_owned(),
            ok: true,
            code: CodeRef::NONE,
            narration: format!("Another tab holds the lock on {product}: the application waits until that tab's two writes are done."),
        });
        let held = locks.lock(&name).await;
        let waited = (self.now() - asked).max(0.0);
        self.record(rec, StepText {
            kind: StepKind::Wait,
            actor: Actor::Application,
            action: format!("lock({product:?})"),
            result: format!("acquired after {waited:.0} ms"),
            ok: held.is_some(),
            code: CodeRef::NONE,
            narration: format!("The other tab let go: the application has the lock on {product} after {waited:.0} ms, and writes."),
        });
        held
    }
}
