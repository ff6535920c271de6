//! Verification entry points for generated `from_flatbuffer`, over flatbuffers'
//! safe [`Verifier`] API.
//!
//! Strings are verified by range only ([`StringRange`]): offset, length,
//! bounds and the 0 terminator, not UTF-8. The bounds-checked reader has to
//! check UTF-8 anyway (no `unsafe`, so no `from_utf8_unchecked`), so checking
//! it here too would validate every string twice. The owned decode
//! (`unpack`, `from_flatbuffer`) fails with [`DecodeError::InvalidUtf8`]
//! naming the field; view accessors read such a string as absent.

use core::cell::Cell;

use flatbuffers::{ForwardsUOffset, InvalidFlatbuffer, TableVerifier, Verifiable, Verifier};

use super::validate::FieldPath;

/// Limits applied while verifying an untrusted buffer (depth, number of tables,
/// apparent size); flatbuffers' defaults are 64, 1 000 000 and 2 GiB.
pub type VerifyOptions = flatbuffers::VerifierOptions;

/// Why a buffer could not be decoded.
#[derive(Clone, Debug, PartialEq)]
pub enum DecodeError {
    /// The buffer does not carry the schema's `file_identifier`.
    FileIdentifier {
        /// The schema's identifier.
        expected: &'static str,
        /// The four bytes found at offset 4 (lossy UTF-8), or empty when the buffer is shorter.
        found: std::string::String,
    },
    /// The buffer failed verification.
    Invalid(InvalidFlatbuffer),
    /// A string field is not valid UTF-8 (found while decoding to the owned type).
    InvalidUtf8 {
        /// Field path of the string (`enemy.name`, `tags[2]`).
        path: std::string::String,
        /// Length of the valid UTF-8 prefix, in bytes.
        valid_up_to: usize,
    },
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DecodeError::FileIdentifier { expected, found } => write!(
                f,
                "wrong file identifier: expected `{expected}`, found `{found}`"
            ),
            DecodeError::Invalid(error) => write!(f, "invalid flatbuffer: {error}"),
            DecodeError::InvalidUtf8 { path, valid_up_to } => write!(
                f,
                "the string field `{path}` is not valid UTF-8 (invalid byte at {valid_up_to})"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

impl From<InvalidFlatbuffer> for DecodeError {
    fn from(error: InvalidFlatbuffer) -> Self {
        DecodeError::Invalid(error)
    }
}

/// Checks the file identifier (if the schema has one) and verifies the buffer
/// with root table type `T`.
pub fn verify_root<T: Verifiable>(
    buf: &[u8],
    options: &VerifyOptions,
    file_identifier: Option<&'static str>,
) -> Result<(), DecodeError> {
    if let Some(expected) = file_identifier {
        let found = buf.get(4..8).unwrap_or(&[]);
        if found != expected.as_bytes() {
            return Err(DecodeError::FileIdentifier {
                expected,
                found: std::string::String::from_utf8_lossy(found).into_owned(),
            });
        }
    }
    let mut verifier = Verifier::new(options, buf);
    // `Verifier` does not expose its options; `StringRange` reads this one here.
    let previous = IGNORE_MISSING_NULL_TERMINATOR.replace(options.ignore_missing_null_terminator);
    let result = <ForwardsUOffset<T>>::run_verifier(&mut verifier, 0);
    IGNORE_MISSING_NULL_TERMINATOR.set(previous);
    result?;
    Ok(())
}

std::thread_local! {
    /// `VerifyOptions::ignore_missing_null_terminator` of the running [`verify_root`].
    static IGNORE_MISSING_NULL_TERMINATOR: Cell<bool> = const { Cell::new(false) };
}

/// A string verified by range only: what flatbuffers' `Verifiable for &str`
/// checks (aligned length, bytes in the buffer, 0 terminator), except UTF-8.
/// Generated verifiers use it for string fields, vectors of strings and string
/// union members, so UTF-8 is checked once, when the string is read.
pub struct StringRange;

impl Verifiable for StringRange {
    #[inline]
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
        let len = v.get_uoffset(pos)? as usize;
        let start = pos.saturating_add(4);
        v.range_in_buffer(start, len)?;
        let end = start.saturating_add(len);
        if IGNORE_MISSING_NULL_TERMINATOR.get() {
            return Ok(());
        }
        match v.get_u8(end) {
            Ok(0) => Ok(()),
            _ => Err(InvalidFlatbuffer::MissingNullTerminator {
                range: start..end,
                error_trace: Default::default(),
            }),
        }
    }
}

/// A vector of strings verified by range only (see [`StringRange`]), without
/// the per-element error-trace bookkeeping of flatbuffers' `Vector` verifier;
/// [`visit_leaf_with`] falls back to that one for the error.
pub struct StringVector;

impl Verifiable for StringVector {
    #[inline]
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
        let len = v.get_uoffset(pos)? as usize;
        let start = pos.saturating_add(4);
        v.range_in_buffer(start, len.saturating_mul(4))?;
        for index in 0..len {
            <ForwardsUOffset<StringRange>>::run_verifier(v, start.saturating_add(index * 4))?;
        }
        Ok(())
    }
}

/// Verifies a field whose type is a leaf (a scalar, a string, a vector of
/// scalars or of strings), like `TableVerifier::visit_field::<T>` but
/// without flatbuffers' error-trace bookkeeping,
/// a non-inlined call per field and per vector element that is 10-20% of
/// verification. On failure it runs `visit_field` on the same bytes,
/// which fails the same way (leaves hold no tables, so the depth and table
/// counters are untouched) and returns the error with its trace.
#[inline]
pub fn visit_leaf<'ver, 'opts, 'buf, T: Verifiable>(
    tv: TableVerifier<'ver, 'opts, 'buf>,
    field_name: &'static str,
    voffset: u16,
    required: bool,
) -> Result<TableVerifier<'ver, 'opts, 'buf>, InvalidFlatbuffer> {
    visit_leaf_with::<T, T>(tv, field_name, voffset, required)
}

/// [`visit_leaf`] checking with `Fast` and, on failure, with `Traced` (a type
/// that checks the same bytes the same way, with flatbuffers' error trace).
#[inline]
pub fn visit_leaf_with<'ver, 'opts, 'buf, Fast: Verifiable, Traced: Verifiable>(
    mut tv: TableVerifier<'ver, 'opts, 'buf>,
    field_name: &'static str,
    voffset: u16,
    required: bool,
) -> Result<TableVerifier<'ver, 'opts, 'buf>, InvalidFlatbuffer> {
    match tv.deref(voffset) {
        Ok(Some(pos)) if Fast::run_verifier(tv.verifier(), pos).is_ok() => return Ok(tv),
        Ok(None) if !required => return Ok(tv),
        _ => {}
    }
    tv.visit_field::<Traced>(field_name, voffset, required)
}

/// Decodes the bytes of a verified string into an owned `String`, checking
/// UTF-8 (the only time it is checked on the owned path).
#[inline]
pub fn owned_string(
    bytes: &[u8],
    path: &FieldPath<'_>,
) -> Result<std::string::String, DecodeError> {
    match core::str::from_utf8(bytes) {
        Ok(text) => Ok(std::string::String::from(text)),
        Err(error) => Err(DecodeError::InvalidUtf8 {
            path: std::string::ToString::to_string(path),
            valid_up_to: error.valid_up_to(),
        }),
    }
}

/// Verifies `size` bytes of a struct at `pos`.
pub fn verify_struct(
    v: &mut Verifier<'_, '_>,
    pos: usize,
    size: usize,
) -> Result<(), InvalidFlatbuffer> {
    v.range_in_buffer(pos, size)
}

/// Verifies the struct the `uoffset` at `pos` points to (union members).
pub fn verify_struct_by_offset(
    v: &mut Verifier<'_, '_>,
    pos: usize,
    size: usize,
) -> Result<(), InvalidFlatbuffer> {
    let offset = v.get_uoffset(pos)? as usize;
    v.range_in_buffer(pos.saturating_add(offset), size)
}

/// Verifies a vector of structs of `size` bytes each, whose `uoffset` is at `pos`.
pub fn verify_struct_vector(
    v: &mut Verifier<'_, '_>,
    pos: usize,
    size: usize,
) -> Result<(), InvalidFlatbuffer> {
    let offset = v.get_uoffset(pos)? as usize;
    let vector = pos.saturating_add(offset);
    let len = v.get_uoffset(vector)? as usize;
    v.range_in_buffer(vector.saturating_add(4), len.saturating_mul(size))
}

/// Verifies a field with a custom check (structs, vectors of structs).
pub fn visit_custom<'ver, 'opts, 'buf>(
    mut tv: TableVerifier<'ver, 'opts, 'buf>,
    field_name: &'static str,
    voffset: u16,
    required: bool,
    check: impl FnOnce(&mut Verifier<'opts, 'buf>, usize) -> Result<(), InvalidFlatbuffer>,
) -> Result<TableVerifier<'ver, 'opts, 'buf>, InvalidFlatbuffer> {
    match tv.deref(voffset)? {
        Some(pos) => {
            check(tv.verifier(), pos)?;
            Ok(tv)
        }
        None if required => InvalidFlatbuffer::new_missing_required(field_name),
        None => Ok(tv),
    }
}

/// Verifies a union: its `_type` byte, then the value with `check(tag, verifier, value_pos)`.
pub fn visit_union<'ver, 'opts, 'buf>(
    mut tv: TableVerifier<'ver, 'opts, 'buf>,
    type_name: &'static str,
    type_voffset: u16,
    value_name: &'static str,
    value_voffset: u16,
    required: bool,
    check: impl FnOnce(u8, &mut Verifier<'opts, 'buf>, usize) -> Result<(), InvalidFlatbuffer>,
) -> Result<TableVerifier<'ver, 'opts, 'buf>, InvalidFlatbuffer> {
    let tag = match tv.deref(type_voffset)? {
        Some(pos) => tv.verifier().get_u8(pos)?,
        None => 0,
    };
    match (tag, tv.deref(value_voffset)?) {
        (0, None) if required => InvalidFlatbuffer::new_missing_required(value_name),
        (0, _) => Ok(tv),
        (tag, Some(pos)) => {
            check(tag, tv.verifier(), pos)?;
            Ok(tv)
        }
        (_, None) => InvalidFlatbuffer::new_inconsistent_union(type_name, value_name),
    }
}

/// Verifies a vector of unions: the `<field>_type` vector of tags and the
/// `<field>` vector of offsets must both be present (or both absent) and have
/// the same length; each value is checked with `check(tag, verifier, pos)`
/// (`pos` the element's `uoffset`). `NONE` elements are not checked.
pub fn visit_union_vector<'ver, 'opts, 'buf>(
    mut tv: TableVerifier<'ver, 'opts, 'buf>,
    type_name: &'static str,
    type_voffset: u16,
    value_name: &'static str,
    value_voffset: u16,
    required: bool,
    mut check: impl FnMut(u8, &mut Verifier<'opts, 'buf>, usize) -> Result<(), InvalidFlatbuffer>,
) -> Result<TableVerifier<'ver, 'opts, 'buf>, InvalidFlatbuffer> {
    let types = tv.deref(type_voffset)?;
    let values = tv.deref(value_voffset)?;
    let (types, values) = match (types, values) {
        (None, None) if required => return InvalidFlatbuffer::new_missing_required(value_name),
        (None, None) => return Ok(tv),
        (Some(types), Some(values)) => (types, values),
        _ => return InvalidFlatbuffer::new_inconsistent_union(type_name, value_name),
    };
    let v = tv.verifier();
    let types = types.saturating_add(v.get_uoffset(types)? as usize);
    let len = v.get_uoffset(types)? as usize;
    let tags = types.saturating_add(4);
    v.range_in_buffer(tags, len)?;
    let values = values.saturating_add(v.get_uoffset(values)? as usize);
    if v.get_uoffset(values)? as usize != len {
        return InvalidFlatbuffer::new_inconsistent_union(type_name, value_name);
    }
    let offsets = values.saturating_add(4);
    v.range_in_buffer(offsets, len.saturating_mul(4))?;
    for index in 0..len {
        let tag = v.get_u8(tags.saturating_add(index))?;
        if tag != 0 {
            check(tag, v, offsets.saturating_add(index.saturating_mul(4)))?;
        }
    }
    Ok(tv)
}
