//! A database that fails on demand: wraps any [`Database`] and makes a chosen operation fail,
//! or hang until released. The engine and the UI use it to show what happens when the
//! database write fails, or is slow while another write overtakes it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use serde::{Deserialize, Serialize};

use super::{Database, DbError, PriceWrite, ProductRecord};

/// The operations of [`Database`], to say which one a fault hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation {
    Get,
    All,
    PutPrice,
    Delete,
    Clear,
    ReplaceAll,
}

impl Operation {
    /// How a learner would name it.
    pub fn noun(self) -> &'static str {
        match self {
            Operation::Get => "read",
            Operation::All => "read of all rows",
            Operation::PutPrice => "write",
            Operation::Delete => "delete",
            Operation::Clear => "clear",
            Operation::ReplaceAll => "reset",
        }
    }
}

/// What happens to an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Fail the next `times` calls with [`DbError::Injected`] (or the error given).
    Fail { times: u32, error: Option<DbError> },
    /// Fail every call until the fault is cleared.
    FailAlways,
    /// Hold every call until [`Faulty::release`] is called, then let it run.
    Hang,
}

#[derive(Debug, Default)]
struct Plan {
    faults: HashMap<Operation, Fault>,
    /// Counts releases: a held call goes on once the count has moved past the one it saw.
    releases: u64,
    /// Calls held by [`Fault::Hang`], waiting for a release.
    waiting: Vec<Waker>,
    /// How many calls of each operation were made (failed ones included).
    calls: HashMap<Operation, u32>,
}

/// A [`Database`] with switchable faults. Cloning shares the faults and the database.
#[derive(Debug)]
pub struct Faulty<D> {
    inner: Rc<D>,
    plan: Rc<RefCell<Plan>>,
}

impl<D> Clone for Faulty<D> {
    fn clone(&self) -> Self {
        Faulty {
            inner: Rc::clone(&self.inner),
            plan: Rc::clone(&self.plan),
        }
    }
}

impl<D: Database> Faulty<D> {
    /// `inner`, with no fault switched on.
    pub fn new(inner: D) -> Self {
        Faulty {
            inner: Rc::new(inner),
            plan: Rc::default(),
        }
    }

    /// The wrapped database.
    pub fn inner(&self) -> &D {
        &self.inner
    }

    /// Switches `fault` on for `op` (replacing any fault it had).
    pub fn set(&self, op: Operation, fault: Fault) {
        self.plan.borrow_mut().faults.insert(op, fault);
    }

    /// Makes the next call of `op` fail.
    pub fn fail_next(&self, op: Operation) {
        self.set(
            op,
            Fault::Fail {
                times: 1,
                error: None,
            },
        );
    }

    /// Switches the fault of `op` off.
    pub fn clear(&self, op: Operation) {
        self.plan.borrow_mut().faults.remove(&op);
    }

    /// Switches every fault off and lets every held call go.
    pub fn clear_all(&self) {
        self.plan.borrow_mut().faults.clear();
        self.release();
    }

    /// Lets every call held by [`Fault::Hang`] go on.
    pub fn release(&self) {
        let waiting = {
            let mut plan = self.plan.borrow_mut();
            plan.releases += 1;
            plan.faults.retain(|_, f| *f != Fault::Hang);
            std::mem::take(&mut plan.waiting)
        };
        for waker in waiting {
            waker.wake();
        }
    }

    /// How many calls of `op` were made so far.
    pub fn calls(&self, op: Operation) -> u32 {
        self.plan.borrow().calls.get(&op).copied().unwrap_or(0)
    }

    /// Whether a call is being held right now.
    pub fn is_holding(&self) -> bool {
        !self.plan.borrow().waiting.is_empty()
    }

    /// Applies the plan to one call of `op`: `Err` to fail it, after waiting if it must hang.
    async fn enter(&self, op: Operation) -> Result<(), DbError> {
        let held_at = {
            let mut plan = self.plan.borrow_mut();
            *plan.calls.entry(op).or_default() += 1;
            match plan.faults.get_mut(&op) {
                None => None,
                Some(Fault::FailAlways) => return Err(DbError::Injected(op)),
                Some(Fault::Fail { times, error }) => {
                    let error = error.clone().unwrap_or(DbError::Injected(op));
                    *times = times.saturating_sub(1);
                    if *times == 0 {
                        plan.faults.remove(&op);
                    }
                    return Err(error);
                }
                Some(Fault::Hang) => Some(plan.releases),
            }
        };
        if let Some(held_at) = held_at {
            Gate {
                plan: Rc::clone(&self.plan),
                held_at,
            }
            .await;
        }
        Ok(())
    }
}

/// A future that is pending until the plan is released.
struct Gate {
    plan: Rc<RefCell<Plan>>,
    held_at: u64,
}

impl Future for Gate {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut plan = self.plan.borrow_mut();
        if plan.releases > self.held_at {
            return Poll::Ready(());
        }
        plan.waiting.push(cx.waker().clone());
        Poll::Pending
    }
}

impl<D: Database> Database for Faulty<D> {
    async fn get(&self, id: &str) -> Result<Option<ProductRecord>, DbError> {
        self.enter(Operation::Get).await?;
        self.inner.get(id).await
    }

    async fn all(&self) -> Result<Vec<ProductRecord>, DbError> {
        self.enter(Operation::All).await?;
        self.inner.all().await
    }

    async fn put_price(&self, write: PriceWrite) -> Result<ProductRecord, DbError> {
        self.enter(Operation::PutPrice).await?;
        self.inner.put_price(write).await
    }

    async fn put_price_believing(
        &self,
        write: PriceWrite,
        believed: Option<u64>,
    ) -> Result<ProductRecord, DbError> {
        self.enter(Operation::PutPrice).await?;
        self.inner.put_price_believing(write, believed).await
    }

    async fn delete(&self, id: &str) -> Result<bool, DbError> {
        self.enter(Operation::Delete).await?;
        self.inner.delete(id).await
    }

    async fn clear(&self) -> Result<(), DbError> {
        self.enter(Operation::Clear).await?;
        self.inner.clear().await
    }

    async fn replace_all(&self, rows: &[ProductRecord]) -> Result<(), DbError> {
        self.enter(Operation::ReplaceAll).await?;
        self.inner.replace_all(rows).await
    }
}
