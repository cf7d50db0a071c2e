//! A first-come, first-served lock for a single-threaded async program: operations on the lab
//! run one at a time, in the order they were called. Two updates of the same product can never
//! interleave their writes, which is the per-key ordering that keeps write-through consistent
//! (`race.rs` shows what happens without it).

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::future::poll_fn;
use std::task::{Poll, Waker};

/// The lock. A caller that gives up while waiting (its future dropped) leaves the line without
/// blocking it.
#[derive(Debug, Default)]
pub struct FifoLock {
    next_ticket: Cell<u64>,
    serving: Cell<u64>,
    /// Tickets whose holders gave up before their turn.
    abandoned: RefCell<BTreeSet<u64>>,
    waiting: RefCell<Vec<Waker>>,
}

/// Held while an operation runs; the next in line is served when it is dropped.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct FifoGuard<'a>(&'a FifoLock);

impl Drop for FifoGuard<'_> {
    fn drop(&mut self) {
        self.0.advance();
    }
}

/// A place in the line; if dropped before its turn, the line skips it.
struct Ticket<'a> {
    lock: &'a FifoLock,
    number: u64,
    served: bool,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if self.served {
            return;
        }
        if self.lock.serving.get() == self.number {
            self.lock.advance();
        } else {
            self.lock.abandoned.borrow_mut().insert(self.number);
        }
    }
}

impl FifoLock {
    /// Waits for every earlier caller to finish, then holds the lock until the guard drops.
    pub async fn lock(&self) -> FifoGuard<'_> {
        let number = self.next_ticket.get();
        self.next_ticket.set(number + 1);
        let mut ticket = Ticket {
            lock: self,
            number,
            served: false,
        };
        poll_fn(|cx| {
            if self.serving.get() == number {
                Poll::Ready(())
            } else {
                self.waiting.borrow_mut().push(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
        ticket.served = true;
        FifoGuard(self)
    }

    /// Serves the next ticket that is still wanted, and wakes the waiters to check.
    fn advance(&self) {
        let mut next = self.serving.get() + 1;
        while self.abandoned.borrow_mut().remove(&next) {
            next += 1;
        }
        self.serving.set(next);
        for waker in self.waiting.borrow_mut().drain(..) {
            waker.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::pin::pin;
    use std::rc::Rc;
    use std::task::{Context, Waker};

    /// Polls `future` once with a waker that does nothing.
    fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
        future.poll(&mut Context::from_waker(Waker::noop()))
    }

    /// Takes a lock that must be free.
    fn take(lock: &FifoLock) -> FifoGuard<'_> {
        match poll_once(pin!(lock.lock())) {
            Poll::Ready(guard) => guard,
            Poll::Pending => panic!("a free lock must be taken at once"),
        }
    }

    #[test]
    fn a_free_lock_is_taken_at_once() {
        let lock = FifoLock::default();
        let mut first = pin!(lock.lock());
        assert!(poll_once(first.as_mut()).is_ready());
    }

    #[test]
    fn callers_are_served_in_the_order_they_asked() {
        let lock = Rc::new(FifoLock::default());
        let order = RefCell::new(Vec::new());
        let task = |name: &'static str| {
            let (lock, order) = (Rc::clone(&lock), &order);
            async move {
                let _guard = lock.lock().await;
                order.borrow_mut().push(name);
            }
        };
        let held = take(&lock);
        let (mut b, mut c) = (pin!(task("b")), pin!(task("c")));
        // Both wait behind the holder (a future asks for the lock when first polled).
        assert!(poll_once(b.as_mut()).is_pending());
        assert!(poll_once(c.as_mut()).is_pending());
        drop(held);
        // c is polled first after the release, but b asked first.
        assert!(poll_once(c.as_mut()).is_pending(), "c must wait for b");
        assert!(poll_once(b.as_mut()).is_ready());
        assert!(poll_once(c.as_mut()).is_ready());
        assert_eq!(*order.borrow(), ["b", "c"]);
    }

    #[test]
    fn a_caller_that_gives_up_does_not_block_the_line() {
        let lock = FifoLock::default();
        let held = take(&lock);
        {
            let mut gives_up = Box::pin(lock.lock());
            assert!(poll_once(gives_up.as_mut()).is_pending());
        } // dropped while waiting
        let mut last = pin!(lock.lock());
        assert!(poll_once(last.as_mut()).is_pending());
        drop(held);
        assert!(poll_once(last.as_mut()).is_ready());
    }

    #[test]
    fn a_caller_dropped_on_its_turn_passes_the_lock_on() {
        let lock = FifoLock::default();
        let held = take(&lock);
        let mut second = Box::pin(lock.lock());
        assert!(poll_once(second.as_mut()).is_pending());
        let mut third = pin!(lock.lock());
        assert!(poll_once(third.as_mut()).is_pending());
        drop(held); // now it is the second's turn, but it never polls again
        drop(second);
        assert!(poll_once(third.as_mut()).is_ready());
    }
}
