//! Parsing numbers the way Redis does: `string2ll` for integers, `strtoul` for scan cursors.
//! Long doubles (HINCRBYFLOAT) live in `long_double.rs`.

/// Redis's `string2ll`: an optional `-`, no leading zeros, no `+`, no spaces, within `i64`.
/// `007`, `+1`, ` 1`, `-0` and `1.0` are not integers.
pub fn parse_i64(bytes: &[u8]) -> Option<i64> {
    // LONG_STR_SIZE is 21: 20 characters is the longest integer Redis reads.
    if bytes.is_empty() || bytes.len() >= 21 {
        return None;
    }
    if bytes == b"0" {
        return Some(0);
    }
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let (&first, rest) = digits.split_first()?;
    if !(b'1'..=b'9').contains(&first) {
        return None;
    }
    let mut value = u64::from(first - b'0');
    for &d in rest {
        if !d.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    if negative {
        if value > i64::MAX as u64 + 1 {
            return None;
        }
        Some((value as i128).wrapping_neg() as i64)
    } else {
        i64::try_from(value).ok()
    }
}

/// C's `strtol`/`strtoul` prefix parse in base 10 on a C string: leading whitespace, an optional
/// sign, then digits. Returns the value (saturated, with `overflow` set as `ERANGE` would be) and
/// how many bytes were consumed (0 when there are no digits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CPrefix {
    pub negative: bool,
    pub magnitude: u128,
    pub consumed: usize,
    pub rest_is_empty: bool,
}

/// Scans `bytes` (up to its first NUL) like `strtol(s, &end, 10)`.
pub fn c_strtol_prefix(bytes: &[u8]) -> CPrefix {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let s = &bytes[..end];
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let mut negative = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        negative = s[i] == b'-';
        i += 1;
    }
    let digits_start = i;
    let mut magnitude: u128 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        // Saturate well above any 64-bit range; only "too big" matters past that.
        magnitude = (magnitude * 10 + u128::from(s[i] - b'0')).min(u128::from(u64::MAX) * 16);
        i += 1;
    }
    if i == digits_start {
        // No digits: nothing is consumed and the end pointer is the start of the string.
        return CPrefix {
            negative: false,
            magnitude: 0,
            consumed: 0,
            rest_is_empty: s.is_empty(),
        };
    }
    CPrefix {
        negative,
        magnitude,
        consumed: i,
        rest_is_empty: i == s.len(),
    }
}

/// redis-cli's repeat count: the first token, read with `strtol`, when it is a whole number.
/// `Some(Ok(n))` is a valid count, `Some(Err(()))` an invalid one (≤ 0 or out of range), and
/// `None` means the token is not a number and is the command itself.
#[allow(clippy::result_unit_err)]
pub fn repeat_count(token: &[u8]) -> Option<Result<u64, ()>> {
    let p = c_strtol_prefix(token);
    if !p.rest_is_empty {
        return None;
    }
    let in_range = if p.negative {
        p.magnitude <= 1u128 << 63
    } else {
        p.magnitude <= i64::MAX as u128
    };
    if !in_range || p.negative || p.magnitude == 0 {
        return Some(Err(()));
    }
    Some(Ok(p.magnitude as u64))
}

/// Redis's scan cursor: `strtoul` in base 10, no leading whitespace, nothing after the digits,
/// no overflow. An empty cursor is 0; `-1` wraps around, as `strtoul` does.
pub fn parse_cursor(bytes: &[u8]) -> Option<u64> {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let s = &bytes[..end];
    if s.first()
        .is_some_and(|&b| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
    {
        return None;
    }
    let p = c_strtol_prefix(s);
    if !p.rest_is_empty {
        return None;
    }
    if p.magnitude > u128::from(u64::MAX) {
        return None;
    }
    let m = p.magnitude as u64;
    Some(if p.negative { m.wrapping_neg() } else { m })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_parsed_strictly() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"150"), Some(150));
        assert_eq!(parse_i64(b"-42"), Some(-42));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            "",
            "-",
            "-0",
            "007",
            "+1",
            " 1",
            "1 ",
            "1.0",
            "9223372036854775808",
            "1e3",
            "0x10",
        ] {
            assert_eq!(parse_i64(bad.as_bytes()), None, "{bad:?}");
        }
        assert_eq!(parse_i64(b"1\x002"), None);
    }

    #[test]
    fn repeat_counts_follow_strtol() {
        assert_eq!(repeat_count(b"3"), Some(Ok(3)));
        assert_eq!(repeat_count(b"02"), Some(Ok(2)));
        assert_eq!(repeat_count(b"+2"), Some(Ok(2)));
        assert_eq!(repeat_count(b" 3"), Some(Ok(3)));
        assert_eq!(repeat_count(b"3\x00x"), Some(Ok(3)));
        assert_eq!(repeat_count(b"0"), Some(Err(())));
        assert_eq!(repeat_count(b"-1"), Some(Err(())));
        assert_eq!(repeat_count(b""), Some(Err(())));
        assert_eq!(repeat_count(b"99999999999999999999"), Some(Err(())));
        assert_eq!(repeat_count(b"3x"), None);
        assert_eq!(repeat_count(b"PING"), None);
        assert_eq!(repeat_count(b" "), None);
    }

    #[test]
    fn cursors_follow_strtoul() {
        assert_eq!(parse_cursor(b"0"), Some(0));
        assert_eq!(parse_cursor(b""), Some(0));
        assert_eq!(parse_cursor(b"+7"), Some(7));
        assert_eq!(parse_cursor(b"-1"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"18446744073709551616"), None);
        assert_eq!(parse_cursor(b" 1"), None);
        assert_eq!(parse_cursor(b"1x"), None);
    }
}
