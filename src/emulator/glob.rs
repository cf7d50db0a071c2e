//! Redis's glob matching (`stringmatchlen` in `util.c`), used by KEYS and HSCAN MATCH:
//! `*`, `?`, `[abc]`, `[^a]`, `[a-c]` and backslash escapes, byte for byte.

/// Whether `string` matches the glob `pattern`, exactly as Redis 7.0 decides it.
pub fn glob_match(pattern: &[u8], string: &[u8]) -> bool {
    let mut skip_longer = false;
    matches_from(pattern, 0, string, 0, &mut skip_longer)
}

fn matches_from(pat: &[u8], mut p: usize, s: &[u8], mut i: usize, skip_longer: &mut bool) -> bool {
    // Redis reads one byte past the pattern (its NUL terminator); `at` does the same.
    let at = |k: usize| pat.get(k).copied().unwrap_or(0);
    // C compares `char`, which is signed here: bytes ≥ 0x80 sort below ASCII in ranges.
    let signed = |b: u8| i32::from(b as i8);
    while p < pat.len() && i < s.len() {
        match pat[p] {
            b'*' => {
                while p + 1 < pat.len() && pat[p + 1] == b'*' {
                    p += 1;
                }
                if p + 1 == pat.len() {
                    return true;
                }
                while i < s.len() {
                    if matches_from(pat, p + 1, s, i, skip_longer) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    i += 1;
                }
                *skip_longer = true;
                return false;
            }
            b'?' => i += 1,
            b'[' => {
                p += 1;
                let negate = at(p) == b'^';
                if negate {
                    p += 1;
                }
                let mut matched = false;
                loop {
                    let remaining = pat.len().saturating_sub(p);
                    if at(p) == b'\\' && remaining >= 2 {
                        p += 1;
                        if pat[p] == s[i] {
                            matched = true;
                        }
                    } else if at(p) == b']' {
                        break;
                    } else if remaining == 0 {
                        // Unterminated class: step back so the outer advance lands at the end.
                        p -= 1;
                        break;
                    } else if remaining >= 3 && pat[p + 1] == b'-' {
                        let (mut start, mut end) = (signed(pat[p]), signed(pat[p + 2]));
                        if start > end {
                            std::mem::swap(&mut start, &mut end);
                        }
                        let c = signed(s[i]);
                        p += 2;
                        if c >= start && c <= end {
                            matched = true;
                        }
                    } else if pat[p] == s[i] {
                        matched = true;
                    }
                    p += 1;
                }
                if negate {
                    matched = !matched;
                }
                if !matched {
                    return false;
                }
                i += 1;
            }
            b'\\' => {
                if pat.len() - p >= 2 {
                    p += 1;
                }
                if pat[p] != s[i] {
                    return false;
                }
                i += 1;
            }
            c => {
                if c != s[i] {
                    return false;
                }
                i += 1;
            }
        }
        p += 1;
        if i == s.len() {
            while at(p) == b'*' {
                p += 1;
            }
            break;
        }
    }
    p >= pat.len() && i == s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        glob_match(p.as_bytes(), s.as_bytes())
    }

    #[test]
    fn stars_and_question_marks() {
        assert!(m("*", "product_prices"));
        assert!(m("product*", "product_prices"));
        assert!(m("*prices", "product_prices"));
        assert!(m("p?oduct*", "product1"));
        assert!(!m("product?", "product10"));
        assert!(m("product**", "product"));
        assert!(!m("a*b", "acd"));
        assert!(m("", ""));
        assert!(!m("", "a"));
        // As in Redis: the loop never runs on an empty string, so only an empty pattern matches it.
        assert!(!m("*", ""));
    }

    #[test]
    fn classes_ranges_and_negation() {
        assert!(m("product[12]", "product1"));
        assert!(!m("product[12]", "product3"));
        assert!(m("product[1-3]", "product3"));
        assert!(m("product[3-1]", "product2"));
        assert!(m("product[^1]", "product2"));
        assert!(!m("product[^1]", "product1"));
        assert!(m("a[\\]]b", "a]b"));
    }

    #[test]
    fn escapes_and_unterminated_classes() {
        assert!(m("a\\*b", "a*b"));
        assert!(!m("a\\*b", "axb"));
        assert!(m("a\\", "a\\"));
        assert!(m("a[b", "ab"));
        assert!(!m("a[", "ab"));
    }
}
