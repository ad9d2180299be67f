//! Splitting a command's text into words.
//!
//! Words are separated by whitespace. A word that starts with a quote runs to the matching
//! closing quote and may contain spaces: `"hello world"`, `'hello world'`, and the
//! typographic pairs phone keyboards insert (`“…”`, `‘…’`, `„…“`, `«…»`, `「…」`). A quote
//! inside a word is an ordinary character, so `don't` is one word.
//!
//! A backslash escapes a quote, a backslash or whitespace (`\"`, `\\`, `\ `); before any
//! other character it is kept, so `C:\Users` stays as typed. The rest of the message is
//! available raw (see [`Tokenizer::rest`]).
//!
//! ```
//! use stoat_core::commands::Tokenizer;
//!
//! let mut words = Tokenizer::new(r#"add "Big Role" it's\ fine"#);
//! let mut next = || words.next_word().unwrap().map(|w| w.text.into_owned());
//! assert_eq!(next().as_deref(), Some("add"));
//! assert_eq!(next().as_deref(), Some("Big Role"));
//! assert_eq!(next().as_deref(), Some("it's fine"));
//! assert_eq!(next(), None);
//! ```

use std::borrow::Cow;

/// The text of a command could not be split into words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenizeError {
    /// A quoted word was never closed.
    #[error("the quote {open:?} is never closed (expected {close:?})")]
    UnclosedQuote {
        /// The opening quote.
        open: char,
        /// The quote that would close it.
        close: char,
        /// Byte offset of the opening quote.
        at: usize,
    },
    /// A closing quote was followed by something other than whitespace (`"a"b`).
    #[error("expected a space after the closing quote {close:?}")]
    ExpectedSpaceAfterQuote {
        /// The closing quote.
        close: char,
        /// Byte offset of the closing quote.
        at: usize,
    },
}

/// One word of a command's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word<'a> {
    /// The word, with quotes removed and escapes resolved (borrowed when there were none).
    pub text: Cow<'a, str>,
    /// Byte offset where the word starts in the input (at its opening quote, if quoted).
    pub start: usize,
    /// Byte offset just after the word (after its closing quote, if quoted).
    pub end: usize,
    /// Whether the word was quoted.
    pub quoted: bool,
}

/// The closing quote for an opening one.
fn closing_quote(open: char) -> Option<char> {
    Some(match open {
        '"' => '"',
        '\'' => '\'',
        '“' => '”',
        '‘' => '’',
        '„' => '“',
        '‚' => '‘',
        '«' => '»',
        '‹' => '›',
        '「' => '」',
        '『' => '』',
        _ => return None,
    })
}

fn is_quote(c: char) -> bool {
    closing_quote(c).is_some() || matches!(c, '”' | '’' | '»' | '›' | '」' | '』')
}

/// Reads words from a command's text, left to right. Never panics, whatever the input.
#[derive(Clone, Debug)]
pub struct Tokenizer<'a> {
    input: &'a str,
    pos: usize,
}

impl<'a> Tokenizer<'a> {
    /// Starts at the beginning of `input`.
    pub fn new(input: &'a str) -> Self {
        Self { input, pos: 0 }
    }

    /// The whole input.
    pub fn input(&self) -> &'a str {
        self.input
    }

    /// The current byte offset.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Moves to byte offset `pos` (clamped to the input, and forward to a character
    /// boundary), e.g. to give back a word that a parameter did not accept.
    pub fn set_position(&mut self, pos: usize) {
        let mut pos = pos.min(self.input.len());
        while !self.input.is_char_boundary(pos) {
            pos += 1;
        }
        self.pos = pos;
    }

    /// Skips whitespace.
    pub fn skip_whitespace(&mut self) {
        let rest = &self.input[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// Whether only whitespace is left.
    pub fn is_empty(&self) -> bool {
        self.input[self.pos..].trim().is_empty()
    }

    /// What is left, from the current position, without consuming it.
    pub fn remaining(&self) -> &'a str {
        &self.input[self.pos..]
    }

    /// The next whitespace-separated word, without any quote or escape handling (command
    /// and subcommand names are read this way).
    pub fn next_plain_word(&mut self) -> Option<&'a str> {
        self.skip_whitespace();
        let rest = &self.input[self.pos..];
        if rest.is_empty() {
            return None;
        }
        let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        self.pos += len;
        Some(&rest[..len])
    }

    /// The next word without consuming it.
    pub fn peek_plain_word(&self) -> Option<&'a str> {
        self.clone().next_plain_word()
    }

    /// The rest of the text, trimmed, raw (quotes and backslashes as typed); consumes it.
    pub fn rest(&mut self) -> &'a str {
        let rest = self.input[self.pos..].trim();
        self.pos = self.input.len();
        rest
    }

    /// The next word: `Ok(None)` at the end, an error for a bad quote (the position is then
    /// left where it was).
    pub fn next_word(&mut self) -> Result<Option<Word<'a>>, TokenizeError> {
        self.skip_whitespace();
        let start = self.pos;
        let rest = &self.input[start..];
        let mut chars = rest.char_indices().peekable();
        let Some((_, first)) = chars.next() else {
            return Ok(None);
        };
        if let Some(close) = closing_quote(first) {
            let mut text = String::new();
            while let Some((offset, c)) = chars.next() {
                if c == '\\' {
                    if let Some(&(_, next)) = chars.peek() {
                        if next == close || next == first || next == '\\' {
                            text.push(next);
                            chars.next();
                            continue;
                        }
                    }
                    text.push('\\');
                } else if c == close {
                    let end = start + offset + c.len_utf8();
                    if let Some(&(_, after)) = chars.peek() {
                        if !after.is_whitespace() {
                            return Err(TokenizeError::ExpectedSpaceAfterQuote {
                                close,
                                at: start + offset,
                            });
                        }
                    }
                    self.pos = end;
                    return Ok(Some(Word {
                        text: Cow::Owned(text),
                        start,
                        end,
                        quoted: true,
                    }));
                } else {
                    text.push(c);
                }
            }
            return Err(TokenizeError::UnclosedQuote {
                open: first,
                close,
                at: start,
            });
        }

        // An unquoted word; it only needs its own buffer if it holds an escape.
        let mut owned: Option<String> = None;
        let mut end = rest.len();
        let mut pending = Some((0, first));
        while let Some((offset, c)) = pending.take().or_else(|| chars.next()) {
            if c.is_whitespace() {
                end = offset;
                break;
            }
            if c == '\\' {
                if let Some(&(_, next)) = chars.peek() {
                    if is_quote(next) || next == '\\' || next.is_whitespace() {
                        let buffer = owned.get_or_insert_with(|| rest[..offset].to_owned());
                        buffer.push(next);
                        chars.next();
                        continue;
                    }
                }
            }
            if let Some(buffer) = owned.as_mut() {
                buffer.push(c);
            }
        }
        self.pos = start + end;
        Ok(Some(Word {
            text: owned.map_or(Cow::Borrowed(&rest[..end]), Cow::Owned),
            start,
            end: start + end,
            quoted: false,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(input: &str) -> Result<Vec<String>, TokenizeError> {
        let mut tokenizer = Tokenizer::new(input);
        let mut out = Vec::new();
        while let Some(word) = tokenizer.next_word()? {
            out.push(word.text.into_owned());
        }
        Ok(out)
    }

    #[test]
    fn splits_on_any_whitespace() {
        assert_eq!(words("  a\tb\n c  ").unwrap(), ["a", "b", "c"]);
        assert_eq!(words("").unwrap(), Vec::<String>::new());
        assert_eq!(words(" \u{3000} ").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn quotes_group_words_and_keep_inner_quotes_of_the_other_kind() {
        assert_eq!(
            words(r#""a b" 'c d' "it's""#).unwrap(),
            ["a b", "c d", "it's"]
        );
        assert_eq!(
            words("“smart quotes” «guillemets»").unwrap(),
            ["smart quotes", "guillemets"]
        );
        assert_eq!(words(r#""""#).unwrap(), [""]);
    }

    #[test]
    fn a_quote_inside_a_word_is_literal() {
        assert_eq!(words("don't a\"b").unwrap(), ["don't", "a\"b"]);
    }

    #[test]
    fn escapes() {
        assert_eq!(words(r#""say \"hi\"""#).unwrap(), [r#"say "hi""#]);
        assert_eq!(words(r"a\ b \\ \'x").unwrap(), ["a b", "\\", "'x"]);
        assert_eq!(words(r"C:\Users end\").unwrap(), [r"C:\Users", r"end\"]);
        assert_eq!(words(r#""back\slash""#).unwrap(), [r"back\slash"]);
    }

    #[test]
    fn bad_quotes_are_errors() {
        assert_eq!(
            words(r#"ok "never closed"#),
            Err(TokenizeError::UnclosedQuote {
                open: '"',
                close: '"',
                at: 3
            })
        );
        assert_eq!(
            words(r#""a"b"#),
            Err(TokenizeError::ExpectedSpaceAfterQuote { close: '"', at: 2 })
        );
    }

    #[test]
    fn rest_is_raw() {
        let mut tokenizer = Tokenizer::new(r#"first  "the rest" stays \raw  "#);
        assert_eq!(tokenizer.next_word().unwrap().unwrap().text, "first");
        assert_eq!(tokenizer.rest(), r#""the rest" stays \raw"#);
        assert_eq!(tokenizer.rest(), "");
        assert!(tokenizer.next_word().unwrap().is_none());
    }

    #[test]
    fn positions_round_trip() {
        let mut tokenizer = Tokenizer::new("αβ γ");
        let word = tokenizer.next_word().unwrap().unwrap();
        assert_eq!((word.start, word.end), (0, 4));
        tokenizer.set_position(1); // inside α: moves forward to a boundary
        assert_eq!(tokenizer.position(), 2);
        tokenizer.set_position(999);
        assert!(tokenizer.is_empty());
    }
}
