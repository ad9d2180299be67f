//! Command parameters: how many words each takes, and turning the words into a typed
//! arguments struct.
//!
//! A command's arguments are a type implementing [`Args`], normally by
//! `#[derive(Args)]` on a struct whose fields are the parameters in order. A field's type
//! decides how many words it takes ([`Parameter`]):
//!
//! | field type | takes | usage |
//! |---|---|---|
//! | `T` (any [`Convert`] type) | one word; missing is an error | `<name>` |
//! | `Option<T>` | one word if it converts, otherwise none (the word is left for the next parameter) | `[name]` |
//! | `Vec<T>` | as many words as convert, at least one | `<name...>` |
//! | `Option<Vec<T>>` | as many words as convert, maybe none | `[name...]` |
//! | [`Rest`] | the rest of the message, raw; missing is an error | `<name...>` |
//! | `Option<Rest>` | the rest of the message, if any | `[name...]` |
//!
//! `()` and tuples of parameters (named `arg1`, `arg2`, ...) implement [`Args`] too.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use super::convert::{BadArgument, Conversion, Convert, ConvertContext, Fetched, Lookup};
use super::error::CommandError;
use super::tokenizer::Tokenizer;
use crate::http::Error as HttpError;

/// A converted value, before it is put into the arguments struct.
pub type AnyValue = Box<dyn Any + Send>;

/// How many words a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shape {
    /// Exactly one word.
    Required,
    /// One word if it converts.
    Optional,
    /// As many words as convert, at least `min`.
    Greedy {
        /// The fewest accepted.
        min: usize,
    },
    /// Everything left, raw.
    Rest {
        /// Whether an empty rest is an error.
        required: bool,
    },
}

type ConvertFn = fn(&ConvertContext<'_>, &str) -> Conversion<AnyValue>;
type ResumeFn = fn(&ConvertContext<'_>, &str, Result<Fetched, HttpError>) -> Conversion<AnyValue>;

fn erased_convert<T: Convert>(ctx: &ConvertContext<'_>, word: &str) -> Conversion<AnyValue> {
    T::convert(ctx, word).map(|v| Box::new(v) as AnyValue)
}

fn erased_resume<T: Convert>(
    ctx: &ConvertContext<'_>,
    word: &str,
    fetched: Result<Fetched, HttpError>,
) -> Conversion<AnyValue> {
    T::resume(ctx, word, fetched).map(|v| Box::new(v) as AnyValue)
}

/// One parameter of a command: its name, shape, and converter.
#[derive(Clone)]
pub struct Param {
    name: Cow<'static, str>,
    description: Option<Cow<'static, str>>,
    shape: Shape,
    kind: Cow<'static, str>,
    convert: ConvertFn,
    resume: ResumeFn,
}

impl fmt::Debug for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Param")
            .field("name", &self.name)
            .field("shape", &self.shape)
            .field("kind", &self.kind)
            .finish()
    }
}

impl Param {
    /// The parameter `name` of type `P`.
    pub fn of<P: Parameter>(name: impl Into<Cow<'static, str>>) -> Self {
        Self {
            name: name.into(),
            description: None,
            shape: P::SHAPE,
            kind: <P::Item as Convert>::describe(),
            convert: erased_convert::<P::Item>,
            resume: erased_resume::<P::Item>,
        }
    }

    /// Describes the parameter (shown by `help`).
    pub fn description(mut self, description: impl Into<Cow<'static, str>>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The description, if any.
    pub fn describe(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The shape.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// What its converter accepts (`"member"`, `"integer from 1 to 100"`).
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// How it appears in a usage string: `<name>`, `[name]`, `<name...>`, `[name...]`.
    pub fn signature(&self) -> String {
        match self.shape {
            Shape::Required => format!("<{}>", self.name),
            Shape::Optional => format!("[{}]", self.name),
            Shape::Greedy { min: 1.. } | Shape::Rest { required: true } => {
                format!("<{}...>", self.name)
            }
            Shape::Greedy { min: 0 } | Shape::Rest { required: false } => {
                format!("[{}...]", self.name)
            }
        }
    }
}

/// The words a parameter took, converted.
#[derive(Debug)]
#[non_exhaustive]
pub enum Raw {
    /// None (an optional parameter with nothing for it).
    Missing,
    /// One value.
    One(AnyValue),
    /// Several values (greedy parameters).
    Many(Vec<AnyValue>),
}

/// The raw value did not have the type the parameter declared: the [`Args`]
/// implementation's `params` and `from_values` disagree.
fn mismatch() -> CommandError {
    CommandError::ArgumentsMismatch
}

fn downcast<T: 'static>(value: AnyValue) -> Result<T, CommandError> {
    value.downcast::<T>().map(|v| *v).map_err(|_| mismatch())
}

/// A field type of an arguments struct: how many words it takes and how its value is made
/// from what its converter produced. See the [module docs](self) for the implementations.
pub trait Parameter: Sized + Send + 'static {
    /// The converter applied to each word.
    type Item: Convert;
    /// How many words it takes.
    const SHAPE: Shape;
    /// Builds the value from the converted words.
    fn assemble(raw: Raw) -> Result<Self, CommandError>;
}

impl<T: Convert> Parameter for T {
    type Item = T;
    const SHAPE: Shape = Shape::Required;
    fn assemble(raw: Raw) -> Result<Self, CommandError> {
        match raw {
            Raw::One(value) => downcast(value),
            _ => Err(mismatch()),
        }
    }
}

impl<T: Convert> Parameter for Option<T> {
    type Item = T;
    const SHAPE: Shape = Shape::Optional;
    fn assemble(raw: Raw) -> Result<Self, CommandError> {
        match raw {
            Raw::Missing => Ok(None),
            Raw::One(value) => downcast(value).map(Some),
            Raw::Many(_) => Err(mismatch()),
        }
    }
}

impl<T: Convert> Parameter for Vec<T> {
    type Item = T;
    const SHAPE: Shape = Shape::Greedy { min: 1 };
    fn assemble(raw: Raw) -> Result<Self, CommandError> {
        match raw {
            Raw::Many(values) => values.into_iter().map(downcast).collect(),
            _ => Err(mismatch()),
        }
    }
}

impl<T: Convert> Parameter for Option<Vec<T>> {
    type Item = T;
    const SHAPE: Shape = Shape::Greedy { min: 0 };
    fn assemble(raw: Raw) -> Result<Self, CommandError> {
        match raw {
            Raw::Many(values) if values.is_empty() => Ok(None),
            Raw::Many(values) => values
                .into_iter()
                .map(downcast)
                .collect::<Result<_, _>>()
                .map(Some),
            _ => Err(mismatch()),
        }
    }
}

/// The rest of the message, raw (trimmed; quotes and backslashes as typed):
/// `reason: Option<Rest>`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Rest(pub String);

impl Rest {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::ops::Deref for Rest {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Rest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Parameter for Rest {
    type Item = String;
    const SHAPE: Shape = Shape::Rest { required: true };
    fn assemble(raw: Raw) -> Result<Self, CommandError> {
        match raw {
            Raw::One(value) => downcast(value).map(Rest),
            _ => Err(mismatch()),
        }
    }
}

impl Parameter for Option<Rest> {
    type Item = String;
    const SHAPE: Shape = Shape::Rest { required: false };
    fn assemble(raw: Raw) -> Result<Self, CommandError> {
        match raw {
            Raw::Missing => Ok(None),
            Raw::One(value) => downcast(value).map(|s| Some(Rest(s))),
            Raw::Many(_) => Err(mismatch()),
        }
    }
}

/// The converted values of a command's parameters, in order; [`Args::from_values`] takes
/// them one by one.
#[derive(Debug)]
pub struct Values {
    raw: std::vec::IntoIter<Raw>,
}

impl Values {
    /// Values from raw parts (for tests of hand-written [`Args`] implementations).
    pub fn new(raw: Vec<Raw>) -> Self {
        Self {
            raw: raw.into_iter(),
        }
    }

    /// The next parameter's value.
    pub fn take<P: Parameter>(&mut self) -> Result<P, CommandError> {
        P::assemble(self.raw.next().ok_or_else(mismatch)?)
    }
}

/// The typed arguments of a command. Derive it (`#[derive(Args)]`), or implement it by
/// hand: `params` lists the parameters, `from_values` takes their values in the same order.
///
/// ```
/// use stoat_core::commands::{Args, CommandError, Param, Rest, Values};
///
/// // What `#[derive(Args)] struct Say { times: u8, text: Rest }` generates.
/// struct Say { times: u8, text: Rest }
///
/// impl Args for Say {
///     fn params() -> Vec<Param> {
///         vec![Param::of::<u8>("times"), Param::of::<Rest>("text")]
///     }
///     fn from_values(values: &mut Values) -> Result<Self, CommandError> {
///         Ok(Say { times: values.take()?, text: values.take()? })
///     }
/// }
/// ```
///
/// The derive only accepts structs, known attributes, and field types that are
/// parameters; anything else is a compile error:
///
/// ```compile_fail
/// #[derive(stoat_core::commands::Args)]
/// enum Choice { A, B }
/// ```
///
/// ```compile_fail
/// #[derive(stoat_core::commands::Args)]
/// struct Typo { #[arg(nmae = "count")] n: u8 }
/// ```
///
/// ```compile_fail
/// struct NoConverter;
/// #[derive(stoat_core::commands::Args)]
/// struct Unconvertible { value: NoConverter }
/// ```
pub trait Args: Sized + Send + 'static {
    /// The parameters, in order.
    fn params() -> Vec<Param>;
    /// Builds the arguments from the converted values of [`params`](Self::params).
    fn from_values(values: &mut Values) -> Result<Self, CommandError>;
}

impl Args for () {
    fn params() -> Vec<Param> {
        Vec::new()
    }
    fn from_values(_values: &mut Values) -> Result<Self, CommandError> {
        Ok(())
    }
}

macro_rules! tuple_args {
    ($($name:ident $label:literal),+) => {
        impl<$($name: Parameter),+> Args for ($($name,)+) {
            fn params() -> Vec<Param> {
                vec![$(Param::of::<$name>($label)),+]
            }
            fn from_values(values: &mut Values) -> Result<Self, CommandError> {
                Ok(($(values.take::<$name>()?,)+))
            }
        }
    };
}

tuple_args!(A "arg1");
tuple_args!(A "arg1", B "arg2");
tuple_args!(A "arg1", B "arg2", D "arg3");
tuple_args!(A "arg1", B "arg2", D "arg3", E "arg4");
tuple_args!(A "arg1", B "arg2", D "arg3", E "arg4", F "arg5");
tuple_args!(A "arg1", B "arg2", D "arg3", E "arg4", F "arg5", G "arg6");

/// How many REST lookups one invocation's arguments may make.
pub const MAX_LOOKUPS: usize = 25;

/// A word waiting for the lookup its converter asked for.
#[derive(Debug)]
struct Pending {
    word: String,
    start: usize,
    end: usize,
}

/// An optional parameter that did not accept its word (reported if nothing else takes it).
#[derive(Debug)]
struct Skipped {
    start: usize,
    param: String,
    error: BadArgument,
}

/// What the argument parser needs next.
#[derive(Debug)]
pub enum ArgStep {
    /// A converter needs this looked up; pass the result to the next
    /// [`step`](ArgParser::step).
    Fetch(Lookup),
    /// Every parameter has its value.
    Done(Values),
    /// The arguments are wrong.
    Failed(CommandError),
}

/// Converts a command's text into parameter values, one step at a time (a step stops at
/// each REST lookup a converter needs). Pure: the cache comes in with each step.
#[derive(Debug)]
pub struct ArgParser {
    params: Arc<[Param]>,
    input: String,
    pos: usize,
    index: usize,
    values: Vec<Raw>,
    greedy: Vec<AnyValue>,
    greedy_error: Option<BadArgument>,
    pending: Option<Pending>,
    skipped: Option<Skipped>,
    ignore_extra: bool,
    lookups: usize,
    finished: bool,
}

impl ArgParser {
    /// A parser of `input` (the text after the command name) for `params`. With
    /// `ignore_extra`, words left over after the last parameter are ignored instead of an
    /// error.
    pub fn new(params: Arc<[Param]>, input: impl Into<String>, ignore_extra: bool) -> Self {
        Self {
            values: Vec::with_capacity(params.len()),
            params,
            input: input.into(),
            pos: 0,
            index: 0,
            greedy: Vec::new(),
            greedy_error: None,
            pending: None,
            skipped: None,
            ignore_extra,
            lookups: 0,
            finished: false,
        }
    }

    /// How many lookups the parser has asked for so far.
    pub fn lookups(&self) -> usize {
        self.lookups
    }

    /// Runs until the arguments are converted, wrong, or a converter needs a lookup.
    /// `fetched` is the answer to the lookup the previous step asked for (`None` on the
    /// first step). After `Done` or `Failed`, further steps fail.
    pub fn step(
        &mut self,
        ctx: &ConvertContext<'_>,
        fetched: Option<Result<Fetched, HttpError>>,
    ) -> ArgStep {
        if self.finished {
            return ArgStep::Failed(CommandError::ArgumentsMismatch);
        }
        let step = self.run(ctx, fetched);
        if !matches!(step, ArgStep::Fetch(_)) {
            self.finished = true;
        }
        step
    }

    fn run(
        &mut self,
        ctx: &ConvertContext<'_>,
        fetched: Option<Result<Fetched, HttpError>>,
    ) -> ArgStep {
        if let Some(pending) = self.pending.take() {
            let Some(fetched) = fetched else {
                return ArgStep::Failed(CommandError::ArgumentsMismatch);
            };
            let param = &self.params[self.index];
            let conversion = (param.resume)(ctx, &pending.word, fetched);
            if let Some(step) = self.handle(conversion, pending) {
                return step;
            }
        }
        loop {
            let Some(param) = self.params.get(self.index) else {
                return self.finish();
            };
            let shape = param.shape;
            let mut tokenizer = Tokenizer::new(&self.input);
            tokenizer.set_position(self.pos);
            let pending = if let Shape::Rest { .. } = shape {
                let start = {
                    tokenizer.skip_whitespace();
                    tokenizer.position()
                };
                let rest = tokenizer.rest();
                (!rest.is_empty()).then(|| Pending {
                    word: rest.to_owned(),
                    start,
                    end: self.input.len(),
                })
            } else {
                match tokenizer.next_word() {
                    Err(error) => {
                        return ArgStep::Failed(CommandError::BadQuotes {
                            param: Some(param.name.to_string()),
                            error,
                        })
                    }
                    Ok(word) => word.map(|w| Pending {
                        word: w.text.into_owned(),
                        start: w.start,
                        end: w.end,
                    }),
                }
            };
            let Some(pending) = pending else {
                if let Some(step) = self.missing() {
                    return step;
                }
                continue;
            };
            let conversion = (param.convert)(ctx, &pending.word);
            if let Some(step) = self.handle(conversion, pending) {
                return step;
            }
        }
    }

    /// Applies one conversion result; `Some` ends the step.
    fn handle(&mut self, conversion: Conversion<AnyValue>, word: Pending) -> Option<ArgStep> {
        let param = &self.params[self.index];
        match conversion {
            Conversion::Fetch(lookup) => {
                if self.lookups >= MAX_LOOKUPS {
                    return Some(ArgStep::Failed(CommandError::BadArgument {
                        param: param.name.to_string(),
                        error: BadArgument::TooManyLookups,
                    }));
                }
                self.lookups += 1;
                self.pending = Some(word);
                Some(ArgStep::Fetch(lookup))
            }
            Conversion::Done(Ok(value)) => {
                self.pos = word.end;
                match param.shape {
                    Shape::Greedy { .. } => self.greedy.push(value),
                    _ => {
                        self.values.push(Raw::One(value));
                        self.index += 1;
                    }
                }
                None
            }
            Conversion::Done(Err(error)) => match param.shape {
                Shape::Required | Shape::Rest { .. } => {
                    Some(ArgStep::Failed(CommandError::BadArgument {
                        param: param.name.to_string(),
                        error,
                    }))
                }
                Shape::Optional => {
                    // Leave the word for the next parameter; remember why it was refused.
                    self.skipped = Some(Skipped {
                        start: word.start,
                        param: param.name.to_string(),
                        error,
                    });
                    self.values.push(Raw::Missing);
                    self.index += 1;
                    None
                }
                Shape::Greedy { .. } => {
                    self.greedy_error = Some(error);
                    self.finish_greedy()
                }
            },
        }
    }

    /// No word left for the current parameter; `Some` ends the step.
    fn missing(&mut self) -> Option<ArgStep> {
        let param = &self.params[self.index];
        match param.shape {
            Shape::Required | Shape::Rest { required: true } => {
                Some(ArgStep::Failed(CommandError::MissingArgument {
                    param: param.name.to_string(),
                }))
            }
            Shape::Optional | Shape::Rest { required: false } => {
                self.values.push(Raw::Missing);
                self.index += 1;
                None
            }
            Shape::Greedy { .. } => self.finish_greedy(),
        }
    }

    fn finish_greedy(&mut self) -> Option<ArgStep> {
        let param = &self.params[self.index];
        let Shape::Greedy { min } = param.shape else {
            return Some(ArgStep::Failed(CommandError::ArgumentsMismatch));
        };
        let error = self.greedy_error.take();
        if self.greedy.len() < min {
            let name = param.name.to_string();
            return Some(ArgStep::Failed(match error {
                Some(error) => CommandError::BadArgument { param: name, error },
                None => CommandError::MissingArgument { param: name },
            }));
        }
        if let Some(error) = error {
            // Like a skipped optional: only reported if nothing else takes the word.
            let mut tokenizer = Tokenizer::new(&self.input);
            tokenizer.set_position(self.pos);
            tokenizer.skip_whitespace();
            self.skipped = Some(Skipped {
                start: tokenizer.position(),
                param: param.name.to_string(),
                error,
            });
        }
        self.values
            .push(Raw::Many(std::mem::take(&mut self.greedy)));
        self.index += 1;
        None
    }

    fn finish(&mut self) -> ArgStep {
        let mut tokenizer = Tokenizer::new(&self.input);
        tokenizer.set_position(self.pos);
        tokenizer.skip_whitespace();
        if !self.ignore_extra && !tokenizer.is_empty() {
            if let Some(skipped) = self.skipped.take() {
                if skipped.start == tokenizer.position() {
                    return ArgStep::Failed(CommandError::BadArgument {
                        param: skipped.param,
                        error: skipped.error,
                    });
                }
            }
            return ArgStep::Failed(CommandError::TooManyArguments {
                extra: super::convert::shown(tokenizer.rest()),
            });
        }
        ArgStep::Done(Values::new(std::mem::take(&mut self.values)))
    }
}
