//! The code of `update_price` for each pattern, in the seed's Python and in Rust, line by line.
//! Trace steps point at these lines ([`super::trace::CodeRef`], 1-based).

use super::pattern::Pattern;

/// A listing in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Listing {
    pub python: &'static [&'static str],
    pub rust: &'static [&'static str],
}

/// `update_price` under `pattern`.
pub fn update_price(pattern: Pattern) -> Listing {
    match pattern {
        Pattern::WriteThrough => Listing {
            python: &[
                "def update_price(product, new_price):",
                "    check(product, new_price)  # unknown product or bad price: refuse",
                "    database[product] = new_price  # 1. the source of truth first",
                "    redis_command = f\"HSET product_prices {product} {new_price}\"",
                "    for attempt in range(2):  # 2. then the cache, retried once",
                "        try:",
                "            return redis_client.execute_command(redis_command)",
                "        except redis.ResponseError:",
                "            pass",
                "    redis_client.execute_command(f\"HDEL product_prices {product}\")  # 3. never serve a stale price",
            ],
            rust: &[
                "async fn update_price(&self, product: &str, new_price: &str) -> Result<(), Error> {",
                "    let price = check(product, new_price)?;",
                "    self.database.put_price(product, &price).await?;",
                "    let redis_command = format!(\"HSET product_prices {product} {price}\");",
                "    for _attempt in 0..2 {",
                "        if self.redis.execute_command(&redis_command).is_ok() {",
                "            return Ok(());",
                "        }",
                "    }",
                "    self.redis.execute_command(&format!(\"HDEL product_prices {product}\"));",
                "    Ok(())",
                "}",
            ],
        },
        Pattern::WriteThroughCacheFirst => Listing {
            python: &[
                "def update_price(product, new_price):",
                "    check(product, new_price)",
                "    redis_command = f\"HSET product_prices {product} {new_price}\"",
                "    previous = redis_client.execute_command(f\"HGET product_prices {product}\")",
                "    redis_client.execute_command(redis_command)  # 1. the cache first",
                "    try:",
                "        database[product] = new_price  # 2. then the database",
                "    except DatabaseError:",
                "        restore(product, previous)  # undo the cache write",
                "        raise",
            ],
            rust: &[
                "async fn update_price(&self, product: &str, new_price: &str) -> Result<(), Error> {",
                "    let price = check(product, new_price)?;",
                "    let redis_command = format!(\"HSET product_prices {product} {price}\");",
                "    let previous = self.redis.execute_command(&format!(\"HGET product_prices {product}\"));",
                "    self.redis.execute_command(&redis_command)?;",
                "    if let Err(e) = self.database.put_price(product, &price).await {",
                "        self.restore(product, previous);",
                "        return Err(e);",
                "    }",
                "    Ok(())",
                "}",
            ],
        },
        Pattern::CacheAside => Listing {
            python: &[
                "def update_price(product, new_price):",
                "    check(product, new_price)",
                "    database[product] = new_price",
                "    redis_client.execute_command(f\"HDEL product_prices {product}\")  # the next read reloads it",
            ],
            rust: &[
                "async fn update_price(&self, product: &str, new_price: &str) -> Result<(), Error> {",
                "    let price = check(product, new_price)?;",
                "    self.database.put_price(product, &price).await?;",
                "    self.redis.execute_command(&format!(\"HDEL product_prices {product}\"));",
                "    Ok(())",
                "}",
            ],
        },
        Pattern::WriteBehind => Listing {
            python: &[
                "def update_price(product, new_price):",
                "    check(product, new_price)",
                "    redis_client.execute_command(f\"HSET product_prices {product} {new_price}\")",
                "    queue[product] = new_price  # one pending write per product",
                "    if len(queue) >= FLUSH_SIZE:  # also flushed every FLUSH_AFTER seconds",
                "        flush()",
                "",
                "def flush():",
                "    for product, price in list(queue.items()):",
                "        database[product] = price  # on failure it stays queued for a retry",
                "        del queue[product]",
            ],
            rust: &[
                "async fn update_price(&self, product: &str, new_price: &str) -> Result<(), Error> {",
                "    let price = check(product, new_price)?;",
                "    self.redis.execute_command(&format!(\"HSET product_prices {product} {price}\"))?;",
                "    self.queue.insert(product, price);",
                "    if self.queue.len() >= FLUSH_SIZE {",
                "        self.flush().await;",
                "    }",
                "    Ok(())",
                "}",
                "",
                "async fn flush(&self) {",
                "    for (product, price) in self.queue.pending() {",
                "        if self.database.put_price(&product, &price).await.is_ok() {",
                "            self.queue.remove(&product);",
                "        }",
                "    }",
                "}",
            ],
        },
    }
}

/// What a restarted application runs before serving (after a crash).
pub const RECOVERY: Listing = Listing {
    python: &[
        "def recover():",
        "    cached = redis_client.execute_command(\"HGETALL product_prices\")",
        "    for product, price in pairs(cached):",
        "        if database.get(product) != price:",
        "            reconcile(product)  # HSET the database's price, or HDEL if it has none",
    ],
    rust: &[
        "async fn recover(&self) -> Result<(), Error> {",
        "    let cached = self.redis.execute_command(\"HGETALL product_prices\");",
        "    for (product, price) in pairs(cached) {",
        "        if self.database.get(&product).await?.map(|r| r.price) != Some(price) {",
        "            self.reconcile(&product).await?;",
        "        }",
        "    }",
        "    Ok(())",
        "}",
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_has_both_listings() {
        for pattern in Pattern::ALL {
            let listing = update_price(pattern);
            assert!(listing.python[0].starts_with("def update_price(product, new_price):"));
            assert!(listing.rust[0].starts_with("async fn update_price"));
        }
    }
}
