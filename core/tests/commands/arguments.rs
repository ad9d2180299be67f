//! Turning a command's text into parameter values: shapes, errors naming the parameter, and
//! the lookups a step stops at.

use std::sync::Arc;

use serde_json::json;
use stoat_core::commands::args::{ArgParser, ArgStep, MAX_LOOKUPS};
use stoat_core::commands::{
    Args, BadArgument, CommandError, ConvertContext, Fetched, Lookup, Param, Rest, Values,
};
use stoat_core::model::{Member, Timestamp, User};

use crate::support::*;

fn parse<A: Args>(input: &str) -> Result<A, CommandError> {
    parse_with::<A>(input, false)
}

fn parse_with<A: Args>(input: &str, ignore_extra: bool) -> Result<A, CommandError> {
    let cache = world();
    let msg = message(GENERAL, ALICE, "");
    let ctx = ConvertContext::new(&cache, &msg, Timestamp::from_millis(NOW_MS));
    let mut parser = ArgParser::new(Arc::from(A::params()), input, ignore_extra);
    match parser.step(&ctx, None) {
        ArgStep::Done(mut values) => A::from_values(&mut values),
        ArgStep::Failed(error) => Err(error),
        ArgStep::Fetch(lookup) => panic!("asked for {lookup:?}"),
    }
}

fn param_of(error: CommandError) -> (String, &'static str) {
    match error {
        CommandError::MissingArgument { param } => (param, "missing"),
        CommandError::BadArgument { param, .. } => (param, "bad"),
        CommandError::BadQuotes { param, .. } => (param.unwrap_or_default(), "quotes"),
        CommandError::TooManyArguments { extra } => (extra, "extra"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn required_words_in_order() {
    let (a, b): (i64, String) = parse("4 \"two words\"").unwrap();
    assert_eq!((a, b.as_str()), (4, "two words"));
    assert_eq!(
        param_of(parse::<(i64, String)>("4").unwrap_err()),
        ("arg2".into(), "missing")
    );
    assert_eq!(
        param_of(parse::<(i64, String)>("four x").unwrap_err()),
        ("arg1".into(), "bad")
    );
    assert_eq!(
        param_of(parse::<(i64,)>("1 2 3").unwrap_err()),
        ("2 3".into(), "extra")
    );
    let (n,): (i64,) = parse_with("1 2 3", true).unwrap();
    assert_eq!(n, 1, "extra words can be ignored");
}

#[test]
fn optional_words_leave_what_they_refuse_for_the_next_parameter() {
    let (n, text): (Option<i64>, String) = parse("hello").unwrap();
    assert_eq!((n, text.as_str()), (None, "hello"));
    let (n, text): (Option<i64>, String) = parse("5 hello").unwrap();
    assert_eq!((n, text.as_str()), (Some(5), "hello"));
    let (n,): (Option<i64>,) = parse("").unwrap();
    assert_eq!(n, None);
    // Nothing else takes the refused word: the optional's reason is reported, not "too many".
    match parse::<(Option<i64>,)>("five").unwrap_err() {
        CommandError::BadArgument {
            param,
            error: BadArgument::NotAnInteger { .. },
        } => assert_eq!(param, "arg1"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn greedy_lists_take_what_converts() {
    let (ns, rest): (Vec<i64>, Option<Rest>) = parse("1 2 3 and the rest").unwrap();
    assert_eq!(ns, [1, 2, 3]);
    assert_eq!(rest.as_deref(), Some("and the rest"));
    assert_eq!(
        param_of(parse::<(Vec<i64>,)>("").unwrap_err()),
        ("arg1".into(), "missing")
    );
    assert_eq!(
        param_of(parse::<(Vec<i64>,)>("x").unwrap_err()),
        ("arg1".into(), "bad")
    );
    let (ns,): (Option<Vec<i64>>,) = parse("").unwrap();
    assert_eq!(ns, None);
    let (ns, word): (Option<Vec<i64>>, String) = parse("7 eight").unwrap();
    assert_eq!((ns, word.as_str()), (Some(vec![7]), "eight"));
    // The word the list stopped at, with nothing after the list to take it.
    assert_eq!(
        param_of(parse::<(Vec<i64>,)>("1 2 x").unwrap_err()),
        ("arg1".into(), "bad")
    );
}

#[test]
fn the_rest_is_raw() {
    let (n, rest): (u8, Rest) = parse(r#"3   keep "quotes" and \backslashes  "#).unwrap();
    assert_eq!(n, 3);
    assert_eq!(rest.as_str(), r#"keep "quotes" and \backslashes"#);
    assert_eq!(
        param_of(parse::<(u8, Rest)>("3").unwrap_err()),
        ("arg2".into(), "missing")
    );
    let (_, rest): (u8, Option<Rest>) = parse("3 ").unwrap();
    assert_eq!(rest, None);
}

#[test]
fn bad_quotes_name_the_parameter() {
    assert_eq!(
        param_of(parse::<(String, String)>("a \"unclosed").unwrap_err()),
        ("arg2".into(), "quotes")
    );
    assert!(matches!(
        parse::<(String,)>("a \"b").unwrap_err(),
        CommandError::TooManyArguments { .. }
    ));
}

#[test]
fn a_lookup_stops_the_step_and_its_answer_resumes_it() {
    let cache = world();
    let msg = message(GENERAL, ALICE, "");
    let ctx = ConvertContext::new(&cache, &msg, Timestamp::from_millis(NOW_MS));
    let params: Arc<[Param]> = Arc::from(<(Member, User, Rest)>::params());
    let mut parser = ArgParser::new(params, format!("<@{CAROL}> <@{CAROL}> hi there"), false);
    let step = parser.step(&ctx, None);
    assert!(
        matches!(step, ArgStep::Fetch(Lookup::Member { .. })),
        "{step:?}"
    );
    let member: Member = serde_json::from_value(
        json!({"_id": {"server": SERVER, "user": CAROL}, "joined_at": "2026-11-21T10:21:00.440Z"}),
    )
    .unwrap();
    let step = parser.step(&ctx, Some(Ok(Fetched::Member(Box::new(member)))));
    assert!(matches!(step, ArgStep::Fetch(Lookup::User(_))), "{step:?}");
    let user: User =
        serde_json::from_value(json!({"_id": CAROL, "username": "carol", "discriminator": "0003"}))
            .unwrap();
    let ArgStep::Done(mut values) = parser.step(&ctx, Some(Ok(Fetched::User(Box::new(user)))))
    else {
        panic!("not done");
    };
    let (member, user, rest) = <(Member, User, Rest)>::from_values(&mut values).unwrap();
    assert_eq!(member.id.user, user.id);
    assert_eq!(rest.as_str(), "hi there");
    assert_eq!(parser.lookups(), 2);
    // Done is final.
    assert!(matches!(
        parser.step(&ctx, None),
        ArgStep::Failed(CommandError::ArgumentsMismatch)
    ));
}

#[test]
fn lookups_are_bounded() {
    let cache = world();
    let msg = message(GENERAL, ALICE, "");
    let ctx = ConvertContext::new(&cache, &msg, Timestamp::from_millis(NOW_MS));
    let many = vec![CAROL; MAX_LOOKUPS + 5].join(" ");
    let mut parser = ArgParser::new(Arc::from(<(Vec<User>,)>::params()), many, false);
    let mut fetched = None;
    let mut lookups = 0;
    loop {
        match parser.step(&ctx, fetched.take()) {
            ArgStep::Fetch(_) => {
                lookups += 1;
                let user: User = serde_json::from_value(
                    json!({"_id": CAROL, "username": "carol", "discriminator": "0003"}),
                )
                .unwrap();
                fetched = Some(Ok(Fetched::User(Box::new(user))));
            }
            ArgStep::Failed(CommandError::BadArgument {
                error: BadArgument::TooManyLookups,
                ..
            }) => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(lookups, MAX_LOOKUPS);
}

#[test]
fn a_hand_written_args_type_that_disagrees_is_an_error_not_a_panic() {
    struct Wrong;
    impl Args for Wrong {
        fn params() -> Vec<Param> {
            vec![Param::of::<i64>("n")]
        }
        fn from_values(values: &mut Values) -> Result<Self, CommandError> {
            let _: String = values.take()?;
            let _: String = values.take()?;
            Ok(Wrong)
        }
    }
    assert!(matches!(
        parse::<Wrong>("1"),
        Err(CommandError::ArgumentsMismatch)
    ));
}

#[test]
fn usage_signatures() {
    let signatures: Vec<String> = <(i64, Option<i64>, Vec<i64>, Option<Vec<i64>>, Rest)>::params()
        .iter()
        .map(Param::signature)
        .collect();
    assert_eq!(
        signatures,
        ["<arg1>", "[arg2]", "<arg3...>", "[arg4...]", "<arg5...>"]
    );
    assert_eq!(
        Param::of::<Option<Rest>>("reason").signature(),
        "[reason...]"
    );
}
