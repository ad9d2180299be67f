//! Odd inputs never panic: random text through the tokenizer, the argument parser and the
//! whole framework.

use std::sync::Arc;
use std::time::Instant;

use stoat_core::commands::args::{ArgParser, ArgStep};
use stoat_core::commands::{Args, ConvertContext, Outcome, Rest, Tokenizer};
use stoat_core::model::{Channel, Member, Role, Timestamp, User};

use crate::support::*;

const PIECES: &[&str] = &[
    " ",
    "  ",
    "\t",
    "\n",
    "\u{3000}",
    "\"",
    "'",
    "“",
    "”",
    "‘",
    "’",
    "„",
    "«",
    "»",
    "「",
    "」",
    "\\",
    "\\\"",
    "\\\\",
    "a",
    "bob",
    "Ally",
    "é",
    "🦀",
    "\u{200B}",
    "<@",
    ">",
    "<#",
    "<%",
    ":",
    "#",
    "@",
    "!",
    "?",
    "-",
    "/",
    "0",
    "1",
    "42",
    "-7",
    "1h",
    "30m",
    "#ff8800",
    "yes",
    "01M7YSZ8H1XVFKYWFT7NKJHCG2",
    "https://stt.gg/",
    "role",
    "add",
    "kick",
    "purge",
    "help",
    "daily",
    "remind",
    "\u{0}",
    "\u{FEFF}",
    "x\u{301}",
];

fn random_text(rng: &mut fastrand::Rng) -> String {
    let len = rng.usize(0..24);
    (0..len)
        .map(|_| PIECES[rng.usize(0..PIECES.len())])
        .collect()
}

#[test]
fn the_tokenizer_never_panics_and_always_advances() {
    let mut rng = fastrand::Rng::with_seed(8);
    for _ in 0..20_000 {
        let text = random_text(&mut rng);
        let mut tokenizer = Tokenizer::new(&text);
        let mut last = 0;
        for _ in 0..100 {
            match tokenizer.next_word() {
                Ok(Some(word)) => {
                    assert!(word.end > last || word.end == text.len(), "{text:?}");
                    assert!(word.start <= word.end && word.end <= text.len());
                    last = word.end;
                }
                Ok(None) => break,
                Err(_) => {
                    // Resynchronise as a caller would: take the rest raw.
                    let _ = tokenizer.rest();
                    break;
                }
            }
        }
        tokenizer.set_position(rng.usize(0..text.len() + 3));
        let _ = tokenizer.peek_plain_word();
        let _ = tokenizer.rest();
    }
}

#[test]
fn the_argument_parser_never_panics() {
    let cache = world();
    let msg = message(GENERAL, ALICE, "");
    let ctx = ConvertContext::new(&cache, &msg, Timestamp::from_millis(NOW_MS));
    let param_sets = [
        <(Member, Option<Rest>)>::params(),
        <(Option<i64>, Vec<User>, Option<Rest>)>::params(),
        <(Role, Channel, bool)>::params(),
        <(Option<Vec<u8>>, String, Option<f64>)>::params(),
    ];
    let mut rng = fastrand::Rng::with_seed(9);
    for _ in 0..5_000 {
        let text = random_text(&mut rng);
        for params in &param_sets {
            let mut parser = ArgParser::new(Arc::from(params.clone()), text.clone(), rng.bool());
            let mut fetched = None;
            for _ in 0..100 {
                match parser.step(&ctx, fetched.take()) {
                    ArgStep::Fetch(_) => {
                        fetched = Some(Err(stoat_core::http::parse_error(
                            http::StatusCode::NOT_FOUND,
                            b"{\"type\":\"NotFound\"}",
                        )))
                    }
                    _ => break,
                }
            }
        }
    }
}

#[test]
fn the_framework_never_panics() {
    let handle = Handle::new();
    let commands = crate::framework::bot();
    let t0 = Instant::now();
    let mut rng = fastrand::Rng::with_seed(10);
    for i in 0..3_000 {
        let text = format!("!{}", random_text(&mut rng));
        let channel = [GENERAL, DM, NSFW, UNCACHED_CHANNEL][i % 4];
        let author = [ALICE, BOB, OWNER][i % 3];
        let update = handle.say(channel, author, &text);
        let outcome = commands.process(
            &handle,
            &update,
            t0 + std::time::Duration::from_millis(i as u64),
        );
        if text[1..].starts_with(|c: char| c.is_alphabetic()) {
            assert_ne!(
                outcome,
                Outcome::Ignored,
                "{text:?} starts with the prefix and a word"
            );
        }
        for sent in handle.take_sent() {
            if let Some(content) = sent.content() {
                assert!(content.len() <= 2000);
            }
        }
    }
}
