//! Write-behind's queue of database writes: one pending write per product (a newer price
//! replaces the queued one), flushed when it holds [`FLUSH_SIZE`] products or its oldest write
//! has waited [`FLUSH_AFTER_MS`]; a write that fails stays queued and is retried.

/// Flush when this many products are waiting.
pub const FLUSH_SIZE: usize = 3;
/// Flush when the oldest write has waited this long (milliseconds).
pub const FLUSH_AFTER_MS: f64 = 5_000.0;

/// A database write waiting in the queue.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    pub product: String,
    pub price: String,
    /// When the product was first queued (a replacement keeps the original time).
    pub queued_at_ms: f64,
    /// How many flushes have tried and failed to write it.
    pub failed_attempts: u32,
}

/// The queue, in the order products were first queued.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WriteBehindQueue {
    pending: Vec<Pending>,
}

impl WriteBehindQueue {
    /// Queues `price` for `product`; returns the price it replaced, if one was waiting.
    pub fn insert(&mut self, product: &str, price: &str, now_ms: f64) -> Option<String> {
        if let Some(p) = self.pending.iter_mut().find(|p| p.product == product) {
            return Some(std::mem::replace(&mut p.price, price.to_owned()));
        }
        self.pending.push(Pending {
            product: product.to_owned(),
            price: price.to_owned(),
            queued_at_ms: now_ms,
            failed_attempts: 0,
        });
        None
    }

    /// Whether a flush is due: enough products, or the oldest has waited long enough.
    pub fn flush_due(&self, now_ms: f64) -> bool {
        self.pending.len() >= FLUSH_SIZE
            || self
                .pending
                .first()
                .is_some_and(|p| now_ms - p.queued_at_ms >= FLUSH_AFTER_MS)
    }

    /// Whether the queue is full enough to flush regardless of time.
    pub fn is_full(&self) -> bool {
        self.pending.len() >= FLUSH_SIZE
    }

    /// The waiting writes, oldest first.
    pub fn pending(&self) -> &[Pending] {
        &self.pending
    }

    /// Removes `product` once its write succeeded, unless a newer price was queued meanwhile.
    pub fn written(&mut self, product: &str, price: &str) {
        self.pending
            .retain(|p| !(p.product == product && p.price == price));
    }

    /// Counts a failed attempt for `product`.
    pub fn failed(&mut self, product: &str) {
        if let Some(p) = self.pending.iter_mut().find(|p| p.product == product) {
            p.failed_attempts += 1;
        }
    }

    /// Forgets every waiting write (what a crash does to an in-memory queue).
    pub fn clear(&mut self) {
        self.pending.clear();
    }

    /// The waiting writes as `(product, price)` pairs, for snapshots.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.pending
            .iter()
            .map(|p| (p.product.clone(), p.price.clone()))
            .collect()
    }

    /// Whether nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// How many products are waiting.
    pub fn len(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_to_one_product_coalesce_in_place() {
        let mut q = WriteBehindQueue::default();
        assert_eq!(q.insert("product1", "150", 0.0), None);
        q.insert("product2", "250", 1.0);
        assert_eq!(q.insert("product1", "175", 2.0), Some("150".to_owned()));
        assert_eq!(
            q.pairs(),
            vec![
                ("product1".into(), "175".into()),
                ("product2".into(), "250".into())
            ]
        );
        assert_eq!(q.pending()[0].queued_at_ms, 0.0);
    }

    #[test]
    fn flushes_by_size_or_by_age() {
        let mut q = WriteBehindQueue::default();
        q.insert("a", "1", 0.0);
        assert!(!q.flush_due(100.0));
        assert!(q.flush_due(FLUSH_AFTER_MS));
        q.insert("b", "1", 0.0);
        q.insert("c", "1", 0.0);
        assert!(q.flush_due(0.0) && q.is_full());
    }

    #[test]
    fn a_written_entry_leaves_unless_replaced_meanwhile() {
        let mut q = WriteBehindQueue::default();
        q.insert("a", "1", 0.0);
        q.insert("a", "2", 0.0);
        q.written("a", "1");
        assert_eq!(q.len(), 1, "the newer price still waits");
        q.failed("a");
        assert_eq!(q.pending()[0].failed_attempts, 1);
        q.written("a", "2");
        assert!(q.is_empty());
    }
}
