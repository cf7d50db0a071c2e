//! HINCRBYFLOAT's arithmetic: Redis parses with `strtold`, adds in the x87 80-bit long double,
//! and prints with `%.17Lf` before trimming zeros. `rustc_apfloat` (LLVM's APFloat, ported)
//! gives the exact x87 extended-precision parsing and addition; the printing below is exact
//! decimal expansion of that value, so `0.1 + 0.2` gives `0.3`, as in Redis.

use rustc_apfloat::ieee::X87DoubleExtended;
use rustc_apfloat::{Float, Round, Status};

/// An 80-bit x87 long double.
pub type LongDouble = X87DoubleExtended;

/// Redis reads at most this many bytes as a long double (`MAX_LONG_DOUBLE_CHARS`).
const MAX_LONG_DOUBLE_CHARS: usize = 5 * 1024;

/// What `strtold` would make of a value, as Redis's `string2ld` then judges it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Parsed {
    /// A finite or infinite number that Redis accepts.
    Number(LongDouble),
    /// Not a float for Redis: empty, too long, trailing bytes, NaN, leading whitespace,
    /// overflow, or an underflow to zero.
    Invalid,
}

/// Redis's `string2ld`: the whole value must be a `strtold` number. `strtold` reads a C string,
/// so it stops at a NUL byte, and Redis 7.0 then refuses a number that did not use every byte
/// (`eptr - buf != slen`): a NUL anywhere makes it invalid. `inf` is accepted here
/// (HINCRBYFLOAT rejects it afterwards), NaN is not.
pub fn parse(bytes: &[u8]) -> Parsed {
    if bytes.is_empty() || bytes.len() >= MAX_LONG_DOUBLE_CHARS || bytes.contains(&0) {
        return Parsed::Invalid;
    }
    let s = bytes;
    let Some(text) = strtold_subject(s) else {
        return Parsed::Invalid;
    };
    match text {
        Subject::Infinity { negative } => {
            let inf = LongDouble::INFINITY;
            Parsed::Number(if negative { -inf } else { inf })
        }
        Subject::Nan => Parsed::Invalid,
        Subject::Number(canonical) => {
            match LongDouble::from_str_r(&canonical, Round::NearestTiesToEven) {
                Ok(result) => {
                    let value = result.value;
                    let overflow = result.status.contains(Status::OVERFLOW) || value.is_infinite();
                    let underflow_to_zero =
                        result.status.contains(Status::UNDERFLOW) && value.is_zero();
                    if overflow || underflow_to_zero || value.is_nan() {
                        Parsed::Invalid
                    } else {
                        Parsed::Number(value)
                    }
                }
                Err(_) => Parsed::Invalid,
            }
        }
    }
}

enum Subject {
    Infinity {
        negative: bool,
    },
    Nan,
    /// The number, rewritten in the syntax APFloat reads (a hex float always has an exponent).
    Number(String),
}

/// Checks that the whole of `s` is one `strtold` subject sequence, and rewrites it for APFloat.
fn strtold_subject(s: &[u8]) -> Option<Subject> {
    // `string2ld` refuses leading whitespace, which `strtold` itself would skip.
    let (negative, body) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    if lower == b"inf" || lower == b"infinity" {
        return Some(Subject::Infinity { negative });
    }
    if let Some(rest) = lower.strip_prefix(b"nan") {
        let payload_ok = rest.is_empty()
            || (rest.first() == Some(&b'(')
                && rest.last() == Some(&b')')
                && rest[1..rest.len() - 1]
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'_'));
        return payload_ok.then_some(Subject::Nan);
    }
    let sign = if negative { "-" } else { "" };
    if lower.starts_with(b"0x") {
        let hex = &lower[2..];
        let (mantissa, exponent) = match hex.iter().position(|&b| b == b'p') {
            Some(p) => (&hex[..p], Some(&hex[p + 1..])),
            None => (hex, None),
        };
        if !valid_mantissa(mantissa, |b| b.is_ascii_hexdigit()) {
            return None;
        }
        let exponent = match exponent {
            Some(e) if valid_exponent(e) => std::str::from_utf8(e).ok()?,
            Some(_) => return None,
            None => "0",
        };
        let mantissa = std::str::from_utf8(mantissa).ok()?;
        return Some(Subject::Number(format!("{sign}0x{mantissa}p{exponent}")));
    }
    let (mantissa, exponent) = match lower.iter().position(|&b| b == b'e') {
        Some(p) => (&lower[..p], Some(&lower[p + 1..])),
        None => (&lower[..], None),
    };
    if !valid_mantissa(mantissa, |b| b.is_ascii_digit()) {
        return None;
    }
    let mantissa = std::str::from_utf8(mantissa).ok()?;
    match exponent {
        None => Some(Subject::Number(format!("{sign}{mantissa}"))),
        Some(e) if valid_exponent(e) => {
            // Clamp huge exponents: beyond ±100000 the value is already 0 or infinite.
            let e = std::str::from_utf8(e).ok()?;
            let clamped = clamp_exponent(e);
            Some(Subject::Number(format!("{sign}{mantissa}e{clamped}")))
        }
        Some(_) => None,
    }
}

/// Digits with at most one `.`, and at least one digit.
fn valid_mantissa(m: &[u8], is_digit: impl Fn(u8) -> bool) -> bool {
    let dots = m.iter().filter(|&&b| b == b'.').count();
    let digits = m.iter().filter(|&&b| is_digit(b)).count();
    dots <= 1 && digits >= 1 && digits + dots == m.len()
}

/// An optional sign and at least one decimal digit.
fn valid_exponent(e: &[u8]) -> bool {
    let digits = match e.first() {
        Some(b'+' | b'-') => &e[1..],
        _ => e,
    };
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

fn clamp_exponent(e: &str) -> String {
    let (neg, digits) = match e.as_bytes()[0] {
        b'-' => (true, &e[1..]),
        b'+' => (false, &e[1..]),
        _ => (false, e),
    };
    let digits = digits.trim_start_matches('0');
    let value: u64 = if digits.len() > 7 {
        10_000_000
    } else {
        digits.parse().unwrap_or(0)
    };
    let value = value.min(10_000_000);
    if neg {
        format!("-{value}")
    } else {
        value.to_string()
    }
}

/// `a + b` in x87 extended precision, rounding to nearest even.
pub fn add(a: LongDouble, b: LongDouble) -> LongDouble {
    (a + b).value
}

/// Whether the value is NaN or infinite.
pub fn is_nan_or_infinite(x: LongDouble) -> bool {
    x.is_nan() || x.is_infinite()
}

/// Redis's `ld2string(..., LD_STR_HUMAN)` for a finite value: `%.17Lf`, then trailing zeros and
/// a trailing `.` removed, and `-0` turned into `0`.
pub fn format_human(x: LongDouble) -> String {
    let bits = x.to_bits();
    let negative = (bits >> 79) & 1 == 1;
    let exponent_field = ((bits >> 64) & 0x7fff) as i32;
    let mantissa = bits as u64;
    // x87: value = mantissa × 2^(e − 16383 − 63), with an explicit integer bit; the
    // denormal exponent field 0 stands for the minimum exponent 1.
    let e = exponent_field.max(1) - 16383 - 63;
    let mut text = fixed_17(mantissa, e);
    if negative {
        text.insert(0, '-');
    }
    // Trim zeros after the point, then the point itself.
    let trimmed = text.trim_end_matches('0');
    let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
    if trimmed == "-0" {
        "0".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// `m × 2^e` printed with exactly 17 digits after the point, rounding half to even (glibc).
fn fixed_17(m: u64, e: i32) -> String {
    const SCALE: u128 = 100_000_000_000_000_000; // 10^17
    if e >= 0 {
        return format!("{}.{}", big_shl_to_decimal(m, e as u32), "0".repeat(17));
    }
    let k = (-e) as u32;
    let (int_part, frac) = if k >= 64 {
        (0u128, u128::from(m))
    } else {
        (u128::from(m >> k), u128::from(m & ((1u64 << k) - 1)))
    };
    // frac / 2^k < 1, and frac < 2^64, so frac × 10^17 < 2^121 fits.
    let n = frac * SCALE;
    let (mut q, round_up) = if k >= 128 {
        // n < 2^121 ≤ 2^(k−1): less than half of the last digit.
        (0u128, false)
    } else {
        let q = n >> k;
        let r = n & ((1u128 << k) - 1);
        let half = 1u128 << (k - 1);
        (q, r > half || (r == half && q % 2 == 1))
    };
    if round_up {
        q += 1;
    }
    let (int_part, q) = if q == SCALE {
        (int_part + 1, 0)
    } else {
        (int_part, q)
    };
    format!("{int_part}.{q:017}")
}

/// The decimal digits of `m × 2^shift`, for values beyond 128 bits (up to about 1.19e4932).
fn big_shl_to_decimal(m: u64, shift: u32) -> String {
    if shift < 64 {
        return (u128::from(m) << shift).to_string();
    }
    // Little-endian base-2^32 limbs.
    let limb_shift = (shift / 32) as usize;
    let bit_shift = shift % 32;
    let mut limbs = vec![0u32; limb_shift];
    let wide = u128::from(m) << bit_shift;
    limbs.extend([wide as u32, (wide >> 32) as u32, (wide >> 64) as u32]);
    while limbs.last() == Some(&0) {
        limbs.pop();
    }
    // Repeated division by 10^9 gives base-10^9 chunks, least significant first.
    let mut chunks = Vec::new();
    while !limbs.is_empty() {
        let mut rem: u64 = 0;
        for limb in limbs.iter_mut().rev() {
            let cur = (rem << 32) | u64::from(*limb);
            *limb = (cur / 1_000_000_000) as u32;
            rem = cur % 1_000_000_000;
        }
        chunks.push(rem as u32);
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
    }
    let mut out = chunks
        .last()
        .map(|c| c.to_string())
        .unwrap_or_else(|| "0".to_owned());
    for chunk in chunks.iter().rev().skip(1) {
        out.push_str(&format!("{chunk:09}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(a: &str, b: &str) -> String {
        match (parse(a.as_bytes()), parse(b.as_bytes())) {
            (Parsed::Number(x), Parsed::Number(y)) => format_human(add(x, y)),
            _ => "invalid".to_owned(),
        }
    }

    // Expected values come from glibc: strtold, long double addition and printf("%.17Lf"),
    // trimmed the way Redis trims them.
    #[test]
    fn long_double_sums_match_glibc() {
        assert_eq!(sum("0.1", "0.2"), "0.3");
        assert_eq!(sum("1.000003814697265625", "0"), "1.00000381469726562");
        assert_eq!(sum("0x1p-1", "0"), "0.5");
        assert_eq!(sum("-0", "0"), "0");
        assert_eq!(sum("1.5", "-1.5"), "0");
        assert_eq!(sum("5.", ".5"), "5.5");
        assert_eq!(sum("0x1.8", "0"), "1.5");
        assert_eq!(sum("3.0e-4951", "0"), "0");
        assert_eq!(sum("10.5", "0.1"), "10.6");
        assert_eq!(sum("100", "50"), "150");
        assert_eq!(sum("-5", "2.25"), "-2.75");
        assert_eq!(sum("5.0e3", "0"), "5000");
    }

    #[test]
    fn huge_values_print_every_integer_digit() {
        let big = sum("1e4000", "1");
        assert!(
            big.starts_with("99999999999999999999654638730996237849324925835069576313015083330432"),
            "{big}"
        );
        assert_eq!(big.len(), 4000);
        assert!(big.ends_with("6648276349901340672"), "{big}");
    }

    #[test]
    fn invalid_floats_are_rejected_like_string2ld() {
        for bad in [
            "", " 1", "1 ", "nan", "NaN(12)", "1e5000", "-1e5000", "1e-5000", "abc", "1e", "0x",
            "1.2.3", "--1", "0x1p", "1e+",
        ] {
            assert_eq!(parse(bad.as_bytes()), Parsed::Invalid, "{bad:?}");
        }
        assert!(matches!(parse(b"inf"), Parsed::Number(x) if x.is_infinite()));
        assert!(
            matches!(parse(b"-Infinity"), Parsed::Number(x) if x.is_infinite() && x.is_negative())
        );
        // strtold stops at the NUL, and Redis 7.0 then sees bytes left over (found by Redis's
        // own test suite, `unit/type/hash`; tests/differential/numbers.redis has the case).
        assert_eq!(parse(b"1.5\x00junk"), Parsed::Invalid);
        assert_eq!(parse(b"1\x00"), Parsed::Invalid);
        assert_eq!(parse("1".repeat(5120).as_bytes()), Parsed::Invalid);
    }
}
