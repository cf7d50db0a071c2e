//! The editor's keys as text edits (pure, tested on the host): Tab and Shift-Tab indent and
//! outdent, Enter keeps the indentation (one level more after a `:`). Offsets into the text
//! are the textarea's (UTF-16 code units) outside and bytes inside.

/// The indentation one Tab adds.
pub const INDENT: &str = "    ";

/// A text edit: the new text and the selection after it.
pub struct Edit {
    pub text: String,
    pub start: u32,
    pub end: u32,
}

/// Utf-16 offsets (the textarea's) to and from byte offsets of `text`.
pub fn to_byte(text: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

pub fn to_utf16(text: &str, byte: usize) -> u32 {
    text[..byte.min(text.len())].encode_utf16().count() as u32
}

/// Tab or Shift-Tab on the selection `start..end` (bytes) of `text`.
pub fn indent(text: &str, start: usize, end: usize, outdent: bool) -> Edit {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    if !outdent && start == end {
        // A caret: insert spaces up to the next indentation stop.
        let column = text[line_start..start].chars().count();
        let pad = INDENT.len() - column % INDENT.len();
        let mut out = text.to_owned();
        out.insert_str(start, &" ".repeat(pad));
        let caret = to_utf16(&out, start + pad);
        return Edit {
            text: out,
            start: caret,
            end: caret,
        };
    }
    // Lines of the selection: indent or outdent each.
    let block_end = if end > start && text[..end].ends_with('\n') {
        end - 1
    } else {
        end
    };
    let line_end = text[block_end..]
        .find('\n')
        .map_or(text.len(), |i| block_end + i);
    let mut new_block = String::new();
    let (mut first_delta, mut total_delta) = (0i64, 0i64);
    for (i, line) in text[line_start..line_end].split('\n').enumerate() {
        if i > 0 {
            new_block.push('\n');
        }
        let delta = if outdent {
            let spaces = line.len() - line.trim_start_matches(' ').len();
            let remove = spaces.min(INDENT.len());
            new_block.push_str(&line[remove..]);
            -(remove as i64)
        } else {
            new_block.push_str(INDENT);
            new_block.push_str(line);
            INDENT.len() as i64
        };
        if i == 0 {
            first_delta = delta;
        }
        total_delta += delta;
    }
    let out = format!("{}{}{}", &text[..line_start], new_block, &text[line_end..]);
    let new_start = (start as i64 + first_delta).max(line_start as i64) as usize;
    let new_end = (end as i64 + total_delta).max(new_start as i64) as usize;
    Edit {
        start: to_utf16(&out, new_start),
        end: to_utf16(&out, new_end),
        text: out,
    }
}

/// Enter at `start..end`: a new line with the current line's indentation, one level more after
/// a line ending in `:`.
pub fn newline(text: &str, start: usize, end: usize) -> Edit {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..start];
    let mut pad: String = line.chars().take_while(|c| *c == ' ').collect();
    if line.trim_end().ends_with(':') {
        pad.push_str(INDENT);
    }
    let insert = format!("\n{pad}");
    let out = format!("{}{}{}", &text[..start], insert, &text[end..]);
    let caret = to_utf16(&out, start + insert.len());
    Edit {
        text: out,
        start: caret,
        end: caret,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_indents_to_the_next_stop_and_shift_tab_outdents_the_lines() {
        let e = indent("ab", 1, 1, false);
        assert_eq!(e.text, "a   b");
        assert_eq!((e.start, e.end), (4, 4));
        let e = indent("x\ny\n", 0, 3, false);
        assert_eq!(e.text, "    x\n    y\n");
        let e = indent("    x\n  y\nz", 4, 8, true);
        assert_eq!(e.text, "x\ny\nz");
        let e = newline("def f():", 8, 8);
        assert_eq!(e.text, "def f():\n    ");
        let e = newline("    x = 1", 9, 9);
        assert_eq!(e.text, "    x = 1\n    ");
    }
}
