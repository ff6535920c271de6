//! Verification entry points for generated `from_flatbuffer`, over flatbuffers'
//! safe [`Verifier`] API.

use flatbuffers::{ForwardsUOffset, InvalidFlatbuffer, TableVerifier, Verifiable, Verifier};

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
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DecodeError::FileIdentifier { expected, found } => write!(
                f,
                "wrong file identifier: expected `{expected}`, found `{found}`"
            ),
            DecodeError::Invalid(error) => write!(f, "invalid flatbuffer: {error}"),
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
    <ForwardsUOffset<T>>::run_verifier(&mut verifier, 0)?;
    Ok(())
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
