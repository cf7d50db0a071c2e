//! Code listings: each pattern's `update_price` (and the recovery) in the seed's Python and in
//! Rust, shown in the code pane. A listing's lines carry [`Mark`]s, and trace steps point at a
//! line by its mark, never by number: [`Listing::at`] is a `const fn` that fails the build when
//! a listing lacks the mark a step asks for, and `tests/engine.rs` checks that each step's line
//! says what the step does.

use super::trace::CodeRef;

/// What a line of a listing does, so that steps can name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mark {
    /// `check(product, new_price)`: validation.
    Check,
    /// `redis_command = f"HSET ..."`: the command string is built.
    BuildCommand,
    /// The database row is written.
    DatabaseWrite,
    /// The cache's previous value is read (to undo), or a read asks the cache first.
    CacheRead,
    /// A read that missed the cache reads the database.
    DatabaseRead,
    /// The cache is written (`execute_command(redis_command)`).
    CacheWrite,
    /// The cached field is deleted (`HDEL`).
    Invalidate,
    /// A cache write is undone.
    Restore,
    /// A write is queued (write-behind).
    Enqueue,
    /// Write-behind flushes its queue when it is full.
    FlushCall,
    /// Write-behind's flush writes one queued price to the database.
    FlushWrite,
    /// The line a "crash between the writes" stops before.
    Crash,
    /// Recovery reads the cache to compare it with the database.
    Detect,
    /// Recovery sets a disagreeing field back to the database's value.
    Reconcile,
}

/// One line of a listing and the marks steps may name it by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub text: &'static str,
    pub marks: &'static [Mark],
}

/// A line that no step names.
pub const fn line(text: &'static str) -> Line {
    Line { text, marks: &[] }
}

/// A line that steps name by `marks`.
pub const fn marked(marks: &'static [Mark], text: &'static str) -> Line {
    Line { text, marks }
}

/// The first line of every pattern's Python listing.
pub const PYTHON_DEF: Line = line("def update_price(product, new_price):");
/// The first line of every pattern's Rust listing.
pub const RUST_FN: Line =
    line("async fn update_price(&self, product: &str, new_price: &str) -> Result<(), Error> {");
/// `Ok(())`, the usual end of a Rust listing's function.
pub const RUST_OK: Line = line("    Ok(())");
/// A closing brace at the function's level.
pub const RUST_END: Line = line("}");

/// A listing in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Listing {
    pub python: &'static [Line],
    pub rust: &'static [Line],
}

/// The 1-based number of the line of `lines` marked `mark`; fails the build (when called in a
/// constant) if there is none.
const fn find(lines: &[Line], mark: Mark) -> u32 {
    let mut i = 0;
    while i < lines.len() {
        let marks = lines[i].marks;
        let mut j = 0;
        while j < marks.len() {
            // `==` is not usable in a `const fn` on an enum; its discriminant is.
            if marks[j] as u8 == mark as u8 {
                return i as u32 + 1;
            }
            j += 1;
        }
        i += 1;
    }
    panic!("a step names a line that its listing does not mark")
}

impl Listing {
    /// The line marked `mark`, in both languages. Used in constants
    /// (`const WRITE: CodeRef = LISTING.at(Mark::DatabaseWrite);`), so a missing mark is a
    /// compile error.
    pub const fn at(&self, mark: Mark) -> CodeRef {
        CodeRef {
            python: find(self.python, mark),
            rust: find(self.rust, mark),
        }
    }

    /// The line marked `mark`, if both languages have one (for code that picks a listing at
    /// run time; constants use [`Listing::at`]).
    pub fn find(&self, mark: Mark) -> Option<CodeRef> {
        let number = |lines: &[Line]| {
            lines
                .iter()
                .position(|l| l.marks.contains(&mark))
                .map(|i| i as u32 + 1)
        };
        Some(CodeRef {
            python: number(self.python)?,
            rust: number(self.rust)?,
        })
    }

    /// The Python line `n` (1-based), if there is one.
    pub fn python_line(&self, n: u32) -> Option<&'static str> {
        Self::text(self.python, n)
    }

    /// The Rust line `n` (1-based), if there is one.
    pub fn rust_line(&self, n: u32) -> Option<&'static str> {
        Self::text(self.rust, n)
    }

    fn text(lines: &'static [Line], n: u32) -> Option<&'static str> {
        let i = (n as usize).checked_sub(1)?;
        lines.get(i).map(|l| l.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: Listing = Listing {
        python: &[
            line("def f():"),
            marked(&[Mark::Check, Mark::Crash], "    check()"),
        ],
        rust: &[
            marked(&[Mark::Check], "check()?;"),
            marked(&[Mark::Crash], "}"),
        ],
    };

    #[test]
    fn a_mark_finds_its_line_in_each_language() {
        assert_eq!(SAMPLE.at(Mark::Check), CodeRef { python: 2, rust: 1 });
        assert_eq!(SAMPLE.at(Mark::Crash), CodeRef { python: 2, rust: 2 });
        assert_eq!(SAMPLE.find(Mark::Crash), Some(SAMPLE.at(Mark::Crash)));
        assert_eq!(SAMPLE.find(Mark::Reconcile), None);
        assert_eq!(SAMPLE.python_line(2), Some("    check()"));
        assert_eq!(SAMPLE.rust_line(0), None);
        assert_eq!(SAMPLE.rust_line(3), None);
    }

    #[test]
    #[should_panic(expected = "does not mark")]
    fn a_missing_mark_is_refused() {
        let _ = SAMPLE.at(Mark::Reconcile);
    }
}
