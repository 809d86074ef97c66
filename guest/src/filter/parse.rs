//! The filter lexer and parser. Same-level `and`/`or` chains are loops, so
//! only parentheses, `not` and `[...]` recurse, and those are bounded by
//! `MAX_DEPTH`.

use super::{CompValue, CompareOp, Filter, PatchPath};
use crate::error::{Result, ScimError};
use crate::path::AttrPath;
use crate::tolerance::{Leniency, Rule};

/// How deeply parentheses, `not (...)` and value filters `[...]` may nest.
pub const MAX_DEPTH: usize = 50;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Str(String),
    Word(String),
    End,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    /// Character offset (0-based) in the input.
    pos: usize,
    /// The text as written, for messages.
    raw: String,
}

/// Which kind of text is parsed; decides the error type and wording.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Filter,
    Path,
}

impl Kind {
    fn error(self, detail: String) -> ScimError {
        match self {
            Kind::Filter => ScimError::invalid_filter(format!("invalid filter {detail}")),
            Kind::Path => ScimError::invalid_path(format!("invalid path {detail}")),
        }
    }
}

fn shorten(raw: &str) -> String {
    if raw.chars().count() > 40 {
        let mut s: String = raw.chars().take(40).collect();
        s.push_str("...");
        s
    } else {
        raw.to_string()
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn lex(text: &str, kind: Kind) -> Result<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |pos: usize, what: String| kind.error(format!("at character {pos}: {what}"));
    while i < chars.len() {
        let c = chars[i];
        if is_space(c) {
            i += 1;
            continue;
        }
        let start = i;
        let simple = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '[' => Some(Tok::LBracket),
            ']' => Some(Tok::RBracket),
            _ => None,
        };
        if let Some(tok) = simple {
            out.push(Token { tok, pos: start, raw: c.to_string() });
            i += 1;
            continue;
        }
        if c == '"' {
            let (s, next) = lex_string(&chars, i).map_err(|(pos, what)| err(pos, what))?;
            let raw: String = chars.get(start..next).unwrap_or_default().iter().collect();
            out.push(Token { tok: Tok::Str(s), pos: start, raw });
            i = next;
            continue;
        }
        if c.is_control() {
            return Err(err(start, format!("control character U+{:04X} is not allowed", u32::from(c))));
        }
        while i < chars.len() {
            let c = chars[i];
            if is_space(c) || matches!(c, '(' | ')' | '[' | ']' | '"') || c.is_control() {
                break;
            }
            i += 1;
        }
        let word: String = chars.get(start..i).unwrap_or_default().iter().collect();
        out.push(Token { tok: Tok::Word(word.clone()), pos: start, raw: word });
    }
    out.push(Token { tok: Tok::End, pos: chars.len(), raw: String::new() });
    Ok(out)
}

/// Reads a JSON string starting at the opening quote; returns it and the index after the closing quote.
fn lex_string(chars: &[char], open: usize) -> std::result::Result<(String, usize), (usize, String)> {
    let mut s = String::new();
    let mut i = open + 1;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err((open, "the string starting here is not terminated (missing '\"')".into()));
        };
        match c {
            '"' => return Ok((s, i + 1)),
            '\\' => {
                let Some(&e) = chars.get(i + 1) else {
                    return Err((i, "the string ends inside an escape sequence".into()));
                };
                let simple = match e {
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '/' => Some('/'),
                    'b' => Some('\u{8}'),
                    'f' => Some('\u{c}'),
                    'n' => Some('\n'),
                    'r' => Some('\r'),
                    't' => Some('\t'),
                    _ => None,
                };
                if let Some(ch) = simple {
                    s.push(ch);
                    i += 2;
                    continue;
                }
                if e != 'u' {
                    return Err((
                        i,
                        format!("invalid escape \"\\{e}\" (JSON escapes: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)"),
                    ));
                }
                let hi = hex4(chars, i + 2).ok_or((i, "\"\\u\" must be followed by 4 hex digits".to_string()))?;
                let code = if (0xD800..0xDC00).contains(&hi) {
                    let lo = match (chars.get(i + 6), chars.get(i + 7)) {
                        (Some('\\'), Some('u')) => hex4(chars, i + 8),
                        _ => None,
                    };
                    match lo {
                        Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                            i += 6;
                            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                        }
                        _ => return Err((i, "unpaired UTF-16 surrogate in \"\\u\" escape".into())),
                    }
                } else {
                    hi
                };
                let ch = char::from_u32(code).ok_or((i, "unpaired UTF-16 surrogate in \"\\u\" escape".to_string()))?;
                s.push(ch);
                i += 6;
            }
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                return Err((i, format!("control character U+{:04X} in a string must be escaped", u32::from(c))));
            }
            c => {
                s.push(c);
                i += 1;
            }
        }
    }
}

fn hex4(chars: &[char], at: usize) -> Option<u32> {
    let digits = chars.get(at..at + 4)?;
    digits.iter().try_fold(0u32, |acc, c| c.to_digit(16).map(|d| acc * 16 + d))
}

struct Parser<'l, 'r> {
    toks: Vec<Token>,
    i: usize,
    depth: usize,
    kind: Kind,
    leniency: &'l mut Leniency<'r>,
}

static END: Token = Token { tok: Tok::End, pos: 0, raw: String::new() };

impl Parser<'_, '_> {
    fn peek(&self) -> &Token {
        self.toks.get(self.i).unwrap_or(&END)
    }

    fn peek_at(&self, n: usize) -> &Token {
        self.toks.get(self.i + n).unwrap_or(&END)
    }

    fn error_at(&self, tok: &Token, what: &str) -> ScimError {
        let detail = match tok.tok {
            Tok::End => format!("at end of input (character {}): {what}", tok.pos),
            Tok::Str(_) => format!("at character {} ({}): {what}", tok.pos, shorten(&tok.raw)),
            _ => format!("at character {} (\"{}\"): {what}", tok.pos, shorten(&tok.raw)),
        };
        self.kind.error(detail)
    }

    fn error(&self, what: &str) -> ScimError {
        self.error_at(self.peek(), what)
    }

    fn is_keyword(&self, kw: &str) -> bool {
        matches!(&self.peek().tok, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(&format!(
                "nested too deeply (more than {MAX_DEPTH} levels of parentheses, \"not\" or \"[...]\")"
            )));
        }
        Ok(())
    }

    fn expect(&mut self, tok: Tok, what: &str) -> Result<()> {
        if self.peek().tok == tok {
            self.i += 1;
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    fn parse_or(&mut self, in_bracket: bool) -> Result<Filter> {
        let mut items = vec![self.parse_and(in_bracket)?];
        while self.is_keyword("or") {
            self.i += 1;
            items.push(self.parse_and(in_bracket)?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { Filter::Or(items) })
    }

    fn parse_and(&mut self, in_bracket: bool) -> Result<Filter> {
        let mut items = vec![self.parse_unary(in_bracket)?];
        while self.is_keyword("and") {
            self.i += 1;
            items.push(self.parse_unary(in_bracket)?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { Filter::And(items) })
    }

    fn parse_group(&mut self, in_bracket: bool) -> Result<Filter> {
        // At "(".
        self.i += 1;
        self.enter()?;
        let inner = self.parse_or(in_bracket)?;
        self.expect(Tok::RParen, "expected \")\", \"and\" or \"or\"")?;
        self.depth -= 1;
        Ok(inner)
    }

    fn parse_unary(&mut self, in_bracket: bool) -> Result<Filter> {
        match &self.peek().tok {
            Tok::LParen => self.parse_group(in_bracket),
            Tok::Word(w) if w.eq_ignore_ascii_case("not") => {
                match &self.peek_at(1).tok {
                    Tok::LParen => {
                        self.i += 1;
                        Ok(Filter::Not(Box::new(self.parse_group(in_bracket)?)))
                    }
                    // An attribute named `not` (`not eq "x"`, `not pr`).
                    Tok::Word(op) if op.eq_ignore_ascii_case("pr") || CompareOp::parse(op).is_some() => {
                        self.parse_attr_exp(in_bracket)
                    }
                    _ => Err(self.error_at(self.peek_at(1), "expected \"(\" after \"not\"")),
                }
            }
            Tok::Word(_) => self.parse_attr_exp(in_bracket),
            _ => Err(self.error("expected an attribute path, \"not (\" or \"(\"")),
        }
    }

    fn parse_path(&mut self) -> Result<AttrPath> {
        let tok = self.peek().clone();
        let Tok::Word(w) = &tok.tok else {
            return Err(self.error("expected an attribute path"));
        };
        let path = attr_path(w).map_err(|why| self.error_at(&tok, &format!("expected an attribute path: {why}")))?;
        self.i += 1;
        Ok(path)
    }

    fn parse_attr_exp(&mut self, in_bracket: bool) -> Result<Filter> {
        let path_tok = self.peek().clone();
        let path = self.parse_path()?;
        if self.peek().tok == Tok::LBracket {
            if in_bracket {
                return Err(self.error("a value filter cannot contain another value filter"));
            }
            if path.sub.is_some() {
                return Err(self.error_at(
                    &path_tok,
                    "a value filter \"[...]\" follows an attribute, not a sub-attribute (write \"emails[type eq \\\"work\\\"]\")",
                ));
            }
            let inner = self.parse_bracket()?;
            let sub_tok = self.peek().clone();
            if let Tok::Word(w) = &sub_tok.tok {
                if let Some(sub) = w.strip_prefix('.') {
                    let sub = sub.to_string();
                    let shown = format!("{path}[{inner}].{sub}");
                    if !self.leniency.permits(Rule::ValuePathSubAttributeCompare, || {
                        format!("\"{shown} ...\" read as a comparison inside the value filter")
                    }) {
                        return Err(self.error_at(
                            &sub_tok,
                            &format!(
                                "a comparison after a value filter is not RFC 7644 filter syntax; \
                                 write \"{path}[... and {sub} eq ...]\""
                            ),
                        ));
                    }
                    let sub_path = match attr_path(&sub) {
                        Ok(p) if p.urn.is_none() && p.sub.is_none() => p,
                        _ => return Err(self.error_at(&sub_tok, "expected a sub-attribute name after \"].\"")),
                    };
                    self.i += 1;
                    let cmp = self.parse_rest(sub_path)?;
                    let filter = match inner {
                        Filter::And(mut items) => {
                            items.push(cmp);
                            Filter::And(items)
                        }
                        other => Filter::And(vec![other, cmp]),
                    };
                    return Ok(Filter::ValuePath { attr: path, filter: Box::new(filter) });
                }
            }
            return Ok(Filter::ValuePath { attr: path, filter: Box::new(inner) });
        }
        self.parse_rest(path)
    }

    /// At "[": parses `[valFilter]`.
    fn parse_bracket(&mut self) -> Result<Filter> {
        self.i += 1;
        self.enter()?;
        let inner = self.parse_or(true)?;
        self.expect(Tok::RBracket, "expected \"]\", \"and\" or \"or\"")?;
        self.depth -= 1;
        Ok(inner)
    }

    /// After a path: `pr` or an operator and a value.
    fn parse_rest(&mut self, path: AttrPath) -> Result<Filter> {
        let op = match &self.peek().tok {
            Tok::Word(w) if w.eq_ignore_ascii_case("pr") => {
                self.i += 1;
                return Ok(Filter::Present(path));
            }
            Tok::Word(w) => CompareOp::parse(w),
            _ => None,
        };
        let Some(op) = op else {
            return Err(self.error("expected an operator (eq, ne, co, sw, ew, gt, lt, ge, le, pr)"));
        };
        self.i += 1;
        let value = self.parse_value()?;
        Ok(Filter::Compare { path, op, value })
    }

    fn parse_value(&mut self) -> Result<CompValue> {
        const EXPECTED: &str = "expected a value: a quoted string, a number, true, false or null";
        let tok = self.peek().clone();
        let value = match &tok.tok {
            Tok::Str(s) => CompValue::String(s.clone()),
            Tok::Word(w) => {
                if w.eq_ignore_ascii_case("true") {
                    CompValue::Bool(true)
                } else if w.eq_ignore_ascii_case("false") {
                    CompValue::Bool(false)
                } else if w.eq_ignore_ascii_case("null") {
                    CompValue::Null
                } else if let Some(number) = json_number(w) {
                    CompValue::Number(number.map_err(|why| self.error_at(&tok, &why))?)
                } else if self
                    .leniency
                    .permits(Rule::UnquotedFilterValues, || format!("unquoted value {w} read as the string \"{w}\""))
                {
                    CompValue::String(w.clone())
                } else {
                    return Err(self.error(&format!("{EXPECTED} (strings must be in double quotes)")));
                }
            }
            _ => return Err(self.error(EXPECTED)),
        };
        self.i += 1;
        Ok(value)
    }
}

/// A JSON number: `None` when `w` is not one; `Some(Err)` when it is but out of range.
fn json_number(w: &str) -> Option<std::result::Result<serde_json::Number, String>> {
    let b = w.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let int_len = i - int_start;
    if int_len == 0 || (int_len > 1 && b.get(int_start) == Some(&b'0')) {
        return None;
    }
    let mut integral = true;
    if b.get(i) == Some(&b'.') {
        integral = false;
        i += 1;
        let s = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == s {
            return None;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        integral = false;
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let s = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == s {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    let out_of_range = || format!("the number {} is out of range", shorten(w));
    if integral {
        return Some(w.parse::<i64>().map(serde_json::Number::from).map_err(|_| out_of_range()));
    }
    Some(match w.parse::<f64>() {
        Ok(f) if f.is_finite() => serde_json::Number::from_f64(f).ok_or_else(out_of_range),
        _ => Err(out_of_range()),
    })
}

/// Parses an attribute path word; only ASCII can be a valid path.
fn attr_path(w: &str) -> std::result::Result<AttrPath, String> {
    if !w.is_ascii() {
        return Err(format!("\"{}\" contains characters an attribute name cannot have", shorten(w)));
    }
    AttrPath::parse(w)
}

fn start<'l, 'r>(text: &str, kind: Kind, leniency: &'l mut Leniency<'r>) -> Result<Parser<'l, 'r>> {
    let toks = lex(text, kind)?;
    Ok(Parser { toks, i: 0, depth: 0, kind, leniency })
}

/// Parses a filter (RFC 7644 §3.4.2.2); errors are 400 `invalidFilter` saying where and what was expected.
pub fn parse(text: &str, leniency: &mut Leniency) -> Result<Filter> {
    let mut p = start(text, Kind::Filter, leniency)?;
    if p.peek().tok == Tok::End {
        return Err(ScimError::invalid_filter("invalid filter: the filter is empty"));
    }
    let f = p.parse_or(false)?;
    if p.peek().tok != Tok::End {
        return Err(p.error("expected \"and\", \"or\" or the end of the filter"));
    }
    Ok(f)
}

/// Parses a PATCH path (RFC 7644 §3.5.2: `attrPath / valuePath [subAttr]`); errors are 400 `invalidPath`.
pub fn parse_patch_path(text: &str, leniency: &mut Leniency) -> Result<PatchPath> {
    let mut p = start(text, Kind::Path, leniency)?;
    if p.peek().tok == Tok::End {
        return Err(ScimError::invalid_path("invalid path: the path is empty"));
    }
    let path_tok = p.peek().clone();
    let attr = p.parse_path()?;
    let mut out = PatchPath { attr, filter: None, sub: None };
    if p.peek().tok == Tok::LBracket {
        if out.attr.sub.is_some() {
            return Err(p.error_at(&path_tok, "a value filter \"[...]\" follows an attribute, not a sub-attribute"));
        }
        out.filter = Some(p.parse_bracket()?);
        let sub_tok = p.peek().clone();
        if let Tok::Word(w) = &sub_tok.tok {
            match w.strip_prefix('.').map(attr_path) {
                Some(Ok(sp)) if sp.urn.is_none() && sp.sub.is_none() => {
                    out.sub = Some(sp.attr);
                    p.i += 1;
                }
                _ => {
                    return Err(p.error_at(&sub_tok, "expected \".\" and a sub-attribute name, or the end of the path"))
                }
            }
        }
    }
    if p.peek().tok != Tok::End {
        return Err(p.error("expected the end of the path"));
    }
    Ok(out)
}
