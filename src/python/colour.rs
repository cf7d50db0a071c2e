//! Syntax colouring for the editor: the learner's source cut into coloured pieces, line by line.
//! A small scanner (keywords, strings with their prefixes and triple quotes, numbers, comments,
//! the name after `def`/`class`), not a parser: it never fails, whatever is typed, and the
//! pieces of a line joined give the line back exactly.

/// What a piece of source is, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Keyword,
    /// `True`, `False`, `None`, and builtins such as `print`.
    Constant,
    String,
    Number,
    Comment,
    /// The name a `def` or `class` defines.
    Definition,
}

impl Kind {
    /// The CSS class of the colour (`None` for plain text).
    pub fn class(self) -> Option<&'static str> {
        match self {
            Kind::Plain => None,
            Kind::Keyword => Some("py-kw"),
            Kind::Constant => Some("py-const"),
            Kind::String => Some("py-str"),
            Kind::Number => Some("py-num"),
            Kind::Comment => Some("py-com"),
            Kind::Definition => Some("py-def"),
        }
    }
}

const KEYWORDS: [&str; 33] = [
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "match",
];

const CONSTANTS: [&str; 12] = [
    "True", "False", "None", "print", "len", "range", "str", "int", "float", "dict", "list", "self",
];

/// `source` as lines of coloured pieces (as many lines as `source.split('\n')` gives).
pub fn colour(source: &str) -> Vec<Vec<(Kind, String)>> {
    let chars: Vec<char> = source.chars().collect();
    let mut pieces: Vec<(Kind, String)> = Vec::new();
    let mut i = 0;
    let mut after_def = false;
    let push = |pieces: &mut Vec<(Kind, String)>, kind: Kind, text: String| match pieces.last_mut()
    {
        Some((k, t)) if *k == kind => t.push_str(&text),
        _ => pieces.push((kind, text)),
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let kind = if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            Kind::Comment
        } else if let Some(end) = string_end(&chars, i) {
            i = end;
            Kind::String
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_')
            {
                i += 1;
            }
            Kind::Number
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let kind = if after_def {
                Kind::Definition
            } else if KEYWORDS.contains(&word.as_str()) {
                Kind::Keyword
            } else if CONSTANTS.contains(&word.as_str()) {
                Kind::Constant
            } else {
                Kind::Plain
            };
            after_def = word == "def" || word == "class";
            push(&mut pieces, kind, word);
            continue;
        } else {
            i += 1;
            if !c.is_whitespace() {
                after_def = false;
            }
            Kind::Plain
        };
        push(&mut pieces, kind, chars[start..i].iter().collect());
    }
    // Cut the pieces at the line breaks.
    let mut lines: Vec<Vec<(Kind, String)>> = Vec::new();
    let mut line: Vec<(Kind, String)> = Vec::new();
    for (kind, text) in pieces {
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                lines.push(std::mem::take(&mut line));
            }
            if !part.is_empty() {
                line.push((kind, part.to_owned()));
            }
        }
    }
    lines.push(line);
    lines
}

/// If a string literal (with an optional prefix such as `f` or `rb`) starts at `i`, where it
/// ends (just after its closing quote, or at the end of the line or source if it is not closed).
fn string_end(chars: &[char], i: usize) -> Option<usize> {
    let mut q = i;
    while q < chars.len() && q - i < 2 && "rRbBfFuU".contains(chars[q]) {
        q += 1;
    }
    let quote = *chars.get(q)?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    if q > i && i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let triple = chars.get(q + 1) == Some(&quote) && chars.get(q + 2) == Some(&quote);
    let mut j = q + if triple { 3 } else { 1 };
    while j < chars.len() {
        let c = chars[j];
        if c == '\\' {
            j += 2;
            continue;
        }
        if !triple && c == '\n' {
            return Some(j);
        }
        if c == quote
            && (!triple || (chars.get(j + 1) == Some(&quote) && chars.get(j + 2) == Some(&quote)))
        {
            return Some(j + if triple { 3 } else { 1 });
        }
        j += 1;
    }
    Some(chars.len())
}

/// The lines the editor marks (1-based; 0 for none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    /// The line the current step ran.
    pub current: u32,
    /// The line the next step runs.
    pub next: u32,
    /// The line that raised.
    pub error: u32,
}

/// The editor's two layers as HTML (text escaped): the coloured lines, one `editor__line` span
/// each, and the gutter's numbers with ▶ (just ran) and ▷ (runs next). Made as one string: a
/// virtual node per coloured piece would cost the page's bundle more, for no behaviour.
pub struct Markup {
    pub lines: String,
    pub gutter: String,
    /// How many lines.
    pub count: usize,
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

/// [`colour`] of `source` as the editor's markup, with `marks`.
pub fn markup(source: &str, marks: Marks) -> Markup {
    let lines = colour(source);
    let mut out = Markup {
        lines: String::with_capacity(source.len() * 2),
        gutter: String::with_capacity(lines.len() * 60),
        count: lines.len(),
    };
    for (i, pieces) in lines.iter().enumerate() {
        let n = i as u32 + 1;
        let (current, next, error) = (
            n == marks.current,
            n == marks.next && n != marks.current,
            n == marks.error,
        );
        out.lines.push_str("<span class=\"editor__line");
        out.gutter.push_str("<span class=\"editor__number");
        for (on, line, number) in [
            (
                current,
                " editor__line--current",
                " editor__number--current",
            ),
            (next, " editor__line--next", ""),
            (error, " editor__line--error", " editor__number--error"),
        ] {
            if on {
                out.lines.push_str(line);
                out.gutter.push_str(number);
            }
        }
        out.lines.push_str("\">");
        for (kind, piece) in pieces {
            match kind.class() {
                Some(class) => {
                    out.lines.push_str("<span class=\"");
                    out.lines.push_str(class);
                    out.lines.push_str("\">");
                    escape_into(&mut out.lines, piece);
                    out.lines.push_str("</span>");
                }
                None => escape_into(&mut out.lines, piece),
            }
        }
        out.lines.push_str("\n</span>");
        let mark = if current {
            "▶"
        } else if next {
            "▷"
        } else {
            ""
        };
        out.gutter.push_str(&format!(
            "\"><span class=\"editor__mark\">{mark}</span>{n}</span>"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(lines: &[Vec<(Kind, String)>]) -> String {
        lines
            .iter()
            .map(|l| l.iter().map(|(_, t)| t.as_str()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_pieces_give_the_source_back() {
        for source in [
            crate::python::programs::TUTORIAL,
            "x = '''a\nb''' # c\n\n",
            "s = 'unclosed\ny = 1",
            "",
            "é = 'ü' + f\"{x}\"\\\n",
        ] {
            let lines = colour(source);
            assert_eq!(joined(&lines), source);
            assert_eq!(lines.len(), source.split('\n').count());
        }
    }

    #[test]
    fn the_markup_escapes_the_text_and_marks_the_lines() {
        let m = markup(
            "if a < b:\n    x = '<b>&'\n",
            Marks {
                current: 2,
                next: 1,
                error: 0,
            },
        );
        assert_eq!(m.count, 3);
        assert!(m.lines.contains("a &lt; b"));
        assert!(m
            .lines
            .contains("<span class=\"py-str\">'&lt;b&gt;&amp;'</span>"));
        assert!(m
            .lines
            .contains("<span class=\"editor__line editor__line--current\">    x"));
        assert!(m.gutter.contains("<span class=\"editor__number editor__number--current\"><span class=\"editor__mark\">▶</span>2</span>"));
        assert!(m
            .gutter
            .contains("<span class=\"editor__mark\">▷</span>1</span>"));
        assert!(!m.lines.contains("<b>"));
    }

    #[test]
    fn it_colours_what_a_reader_expects() {
        let lines = colour("def update_price(product, new_price):  # write\n    return f\"HSET {product}\" if 1.5 else None");
        assert_eq!(lines[0][0], (Kind::Keyword, "def".to_owned()));
        assert!(lines[0].contains(&(Kind::Definition, "update_price".to_owned())));
        assert!(lines[0].contains(&(Kind::Comment, "# write".to_owned())));
        assert!(lines[1].contains(&(Kind::String, "f\"HSET {product}\"".to_owned())));
        assert!(lines[1].contains(&(Kind::Number, "1.5".to_owned())));
        assert!(lines[1].contains(&(Kind::Constant, "None".to_owned())));
        assert!(lines[1].contains(&(Kind::Keyword, "return".to_owned())));
        // A name that starts like a string prefix is a name.
        let lines = colour("bf = rb'x'");
        assert_eq!(lines[0][0], (Kind::Plain, "bf = ".to_owned()));
        assert_eq!(lines[0][1], (Kind::String, "rb'x'".to_owned()));
    }
}
