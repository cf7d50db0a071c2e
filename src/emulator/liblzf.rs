//! LZF compression as Redis 7.0 does it: liblzf's `lzf_compress` (its `lzf_c.c`, VERY_FAST, a
//! 2^16-slot table), called as Redis's `rdbSaveLzfStringObject` calls it, with room for 4 bytes
//! less than the input. The `lzf` crate reads any LZF (RESTORE uses it); it chooses its own
//! matches when it writes, so DUMP's compressed strings and list nodes would not be Redis's bytes
//! ("a" × 21: the crate writes 9 bytes, Redis 6). This follows liblzf's loop step by step,
//! including where it gives up, so that the payload is Redis's byte for byte.

const HLOG: u32 = 16;
const HSIZE: usize = 1 << HLOG;
/// The longest literal run.
const MAX_LIT: usize = 1 << 5;
/// The farthest back a match may start.
const MAX_OFF: usize = 1 << 13;
/// The longest match.
const MAX_REF: usize = (1 << 8) + (1 << 3);

fn first(b: &[u8], at: usize) -> u32 {
    (u32::from(b[at]) << 8) | u32::from(b[at + 1])
}

fn next(h: u32, b: &[u8], at: usize) -> u32 {
    (h << 8) | u32::from(b[at + 2])
}

fn idx(h: u32) -> usize {
    ((h >> (3 * 8 - HLOG)).wrapping_sub(h.wrapping_mul(5)) as usize) & (HSIZE - 1)
}

/// What Redis stores for `input` when it compresses it: `None` where Redis keeps the string as
/// it is (liblzf returned 0: the result would not fit in `input.len() - 4` bytes).
pub fn compress(input: &[u8]) -> Option<Vec<u8>> {
    let n = input.len();
    if n <= 4 {
        return None;
    }
    let out_end = n - 4;
    // Positions plus one, 0 for an empty slot (liblzf's `ref > in_data` test refuses position
    // 0 anyway). Positions fit in 32 bits: no string here reaches 4 GB.
    let mut table = vec![0_u32; HSIZE];
    let mut out: Vec<u8> = Vec::with_capacity(out_end);
    // The current literal run's length byte, written when the run ends.
    let mut lit = 0_usize;
    out.push(0);
    let mut ip = 0;
    let mut h = first(input, 0);
    while ip + 2 < n {
        h = next(h, input, ip);
        let slot = idx(h);
        let reference = table[slot] as usize;
        table[slot] = (ip + 1) as u32;
        // An earlier position (not the first) close enough, whose three bytes are these.
        let earlier = reference
            .checked_sub(1)
            .filter(|&r| r > 0 && ip - r - 1 < MAX_OFF && input[r..r + 3] == input[ip..ip + 3]);
        if let Some(r) = earlier {
            let off = ip - r - 1;
            let mut len = 2;
            let maxlen = (n - ip - len).min(MAX_REF);
            // Room for the back-reference and one literal.
            if out.len() + 3 + 1 >= out_end && out.len() - usize::from(lit == 0) + 3 + 1 >= out_end
            {
                return None;
            }
            end_run(&mut out, lit);
            let same = |len: usize| input.get(r + len) == input.get(ip + len);
            let mut unrolled_all = true;
            if maxlen > 16 {
                // liblzf unrolls 16 steps without looking at maxlen.
                for _ in 0..16 {
                    len += 1;
                    if !same(len) {
                        unrolled_all = false;
                        break;
                    }
                }
            }
            if unrolled_all {
                loop {
                    len += 1;
                    if !(len < maxlen && same(len)) {
                        break;
                    }
                }
            }
            len -= 2;
            ip += 1;
            if len < 7 {
                out.push(((off >> 8) + (len << 5)) as u8);
            } else {
                out.push(((off >> 8) + (7 << 5)) as u8);
                out.push((len - 7) as u8);
            }
            out.push(off as u8);
            lit = 0;
            out.push(0);
            ip += len + 1;
            if ip + 2 >= n {
                break;
            }
            ip -= 2;
            h = first(input, ip);
            h = next(h, input, ip);
            table[idx(h)] = (ip + 1) as u32;
            ip += 1;
            h = next(h, input, ip);
            table[idx(h)] = (ip + 1) as u32;
            ip += 1;
        } else {
            if out.len() >= out_end {
                return None;
            }
            literal(&mut out, &mut lit, input[ip]);
            ip += 1;
        }
    }
    if out.len() + 3 > out_end {
        return None;
    }
    for &byte in &input[ip..] {
        literal(&mut out, &mut lit, byte);
    }
    end_run(&mut out, lit);
    Some(out)
}

/// Ends the literal run of `lit` bytes: its length byte is written, or taken back when the run
/// is empty.
fn end_run(out: &mut Vec<u8>, lit: usize) {
    let run = out.len() - lit - 1;
    out[run] = (lit as u8).wrapping_sub(1);
    if lit == 0 {
        out.pop();
    }
}

/// One more byte of the literal run; a full run (32 bytes) is closed and the next begun.
fn literal(out: &mut Vec<u8>, lit: &mut usize, byte: u8) {
    *lit += 1;
    out.push(byte);
    if *lit == MAX_LIT {
        end_run(out, *lit);
        *lit = 0;
        out.push(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_redis_writes_for_a_run_and_what_it_keeps_raw() {
        // redis-server 7.0.15 stores "a" × 21 in 6 bytes of LZF (DUMP of SET k <value>; the
        // whole payloads are compared with Redis's in tests/dump_restore.rs).
        assert_eq!(compress(&[b'a'; 21]).map(|c| c.len()), Some(6));
        // Nothing repeats: more than the input less 4, kept as it is.
        let plain: Vec<u8> = (0..40).collect();
        assert_eq!(compress(&plain), None);
        assert_eq!(compress(b"abcd"), None);
    }

    #[test]
    fn what_it_writes_decompresses_to_the_input() {
        let mut seed = 7_u64;
        for size in [5, 21, 64, 300, 5_000, 70_000] {
            for kind in 0..3 {
                let input: Vec<u8> = (0..size)
                    .map(|i| {
                        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                        match kind {
                            0 => b'a',
                            1 => (i % 7) as u8 + b'0',
                            _ => (seed >> 60) as u8,
                        }
                    })
                    .collect();
                if let Some(c) = compress(&input) {
                    assert!(c.len() <= size - 4);
                    assert_eq!(lzf::decompress(&c, size).ok(), Some(input));
                }
            }
        }
    }
}
