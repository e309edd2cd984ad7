//! The typed error every fallible call in reweigh returns.

use thiserror::Error;

/// Everything that can be wrong with user input. Public functions return one of these for bad
/// input instead of panicking, naming the problem; a panic on any input is a bug.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ReweighError {
    /// Two arrays that must agree in shape do not.
    #[error("shape mismatch: {what}: expected {expected:?}, got {got:?}")]
    ShapeMismatch {
        /// Which argument is wrong.
        what: &'static str,
        /// The shape that was required.
        expected: Vec<usize>,
        /// The shape that was given.
        got: Vec<usize>,
    },
    /// An array has the wrong number of dimensions or a zero-length class axis.
    #[error("bad shape for {what}: {reason} (got {got:?})")]
    BadShape {
        /// Which argument is wrong.
        what: &'static str,
        /// What is wrong with it.
        reason: &'static str,
        /// The shape that was given.
        got: Vec<usize>,
    },
    /// The batch holds no element.
    #[error("empty batch: {what} has no element")]
    EmptyBatch {
        /// Which argument is empty.
        what: &'static str,
    },
    /// An integer label is outside `[0, num_classes)` and is not the ignore index.
    #[error("label {label} at position {index} is outside the valid range [0, {num_classes})")]
    LabelOutOfRange {
        /// The offending label.
        label: i64,
        /// Its flat position in the label array.
        index: usize,
        /// The number of classes.
        num_classes: usize,
    },
    /// A weight (class weight, sample weight, pos_weight, alpha...) is negative where it must not be.
    #[error("negative value {value} in {what} at position {index}")]
    NegativeWeight {
        /// Which argument.
        what: &'static str,
        /// Its flat position.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A value that must be finite is NaN or infinite.
    #[error("non-finite value {value} in {what} at position {index}")]
    NonFinite {
        /// Which argument.
        what: &'static str,
        /// Its flat position.
        index: usize,
        /// The value.
        value: f64,
    },
    /// An input value lies outside the range the loss accepts (e.g. a probability outside
    /// `[0, 1]` for PyTorch's `binary_cross_entropy`, which raises there).
    #[error("value {value} in {what} at position {index} is outside {expected}")]
    ValueOutOfRange {
        /// Which argument.
        what: &'static str,
        /// Its flat position.
        index: usize,
        /// The value.
        value: f64,
        /// The valid range, in words.
        expected: &'static str,
    },
    /// All weights are zero where at least one must be positive.
    #[error("all weights in {what} are zero")]
    AllZeroWeights {
        /// Which argument.
        what: &'static str,
    },
    /// A scalar parameter is outside its valid range.
    #[error("parameter {name} = {value} is invalid: must be {expected}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The valid range, in words.
        expected: &'static str,
    },
    /// A name (reduction, scheme, framework...) that reweigh does not know.
    #[error("unknown {kind} {name:?}; valid names: {valid}")]
    UnknownName {
        /// What kind of name.
        kind: &'static str,
        /// The name given.
        name: String,
        /// The accepted names, comma separated.
        valid: String,
    },
    /// A class has a zero count (or zero total sample weight) where a scheme divides by it.
    #[error("class {class} has a zero {what}; this scheme divides by it")]
    ZeroCount {
        /// What is zero (`"count"`, `"total sample weight"`, `"positive count"`...).
        what: &'static str,
        /// The class label (or column index for a multi-label matrix).
        class: i64,
    },
    /// A class label that is not one of the known classes (a dict key, a label outside the
    /// given `classes`, a sampling-strategy key...).
    #[error("class {class} in {what} is not one of the classes")]
    UnknownClass {
        /// Where the label was found.
        what: &'static str,
        /// The label.
        class: i64,
    },
    /// A label that is not an integer class label: a float with a fractional part, NaN, ±∞ or
    /// an integer outside `i64` (scikit-learn: "Unknown label type: continuous"; integral floats
    /// such as `1.0` are labels).
    #[error(
        "label {value} at position {index} of {what} is not an integer class label (continuous \
         targets are not classes; scikit-learn: \"Unknown label type: continuous\")"
    )]
    NonIntegerLabel {
        /// Which argument.
        what: &'static str,
        /// Its flat position.
        index: usize,
        /// The value (as `f64`; NaN when it has none).
        value: f64,
    },
    /// Reading external data (a CSV file, a polars column) failed.
    #[error("cannot read {what}: {message}")]
    Input {
        /// What was being read.
        what: String,
        /// Why it failed.
        message: String,
    },
    /// A size taken from the input that cannot be allocated: an element count that overflows,
    /// a buffer over `isize::MAX` bytes, or one the allocator refuses ([`crate::alloc`]).
    #[error("{what} is too large: {reason}")]
    TooLarge {
        /// What would have been allocated.
        what: &'static str,
        /// Why it cannot be.
        reason: String,
    },
    /// Options that cannot be combined.
    #[error("incompatible options: {0}")]
    Incompatible(String),
    /// A configuration that does not deserialise: an unknown option name, a value of the wrong
    /// type, a malformed array (see [`crate::config`]).
    #[error("invalid configuration of {what}: {message}")]
    InvalidConfig {
        /// The configuration type.
        what: &'static str,
        /// serde's message (it names the unknown field and lists the valid ones).
        message: String,
    },
}

/// Shorthand for `Result<T, ReweighError>`.
pub type Result<T> = std::result::Result<T, ReweighError>;
