//! Helpers of the generated owned decode (`NameRef::unpack`): copies a verified
//! table into its owned form, checking each string's UTF-8 once and naming the
//! field path in the error.

use super::reader::{Element, StrBytes, Table, UnionMember, UnionVector, Vector};
use super::validate::FieldPath;
use super::verify::{owned_string, DecodeError};

/// The string field at `voffset` as an owned `String`, `None` when absent.
#[inline]
pub fn string(
    table: &Table<'_>,
    voffset: u16,
    path: &FieldPath<'_>,
) -> Result<Option<std::string::String>, DecodeError> {
    match table.string_bytes(voffset) {
        Some(bytes) => owned_string(bytes, path).map(Some),
        None => Ok(None),
    }
}

/// The strings of a vector of strings at `path`.
pub fn strings(
    vector: Vector<'_, StrBytes<'_>>,
    path: &FieldPath<'_>,
) -> Result<std::vec::Vec<std::string::String>, DecodeError> {
    let mut out = std::vec::Vec::with_capacity(vector.len());
    for (index, StrBytes(bytes)) in vector.iter().enumerate() {
        out.push(owned_string(bytes, &path.index(index))?);
    }
    Ok(out)
}

/// The elements of a vector of tables (or other elements needing a fallible
/// conversion) at `path`, each converted with `unpack` at its indexed path.
pub fn elements<'a, T: Element<'a> + 'a, O>(
    vector: Vector<'a, T>,
    path: &FieldPath<'_>,
    unpack: impl Fn(T, &FieldPath<'_>) -> Result<O, DecodeError>,
) -> Result<std::vec::Vec<O>, DecodeError> {
    let mut out = std::vec::Vec::with_capacity(vector.len());
    for (index, element) in vector.iter().enumerate() {
        out.push(unpack(element, &path.index(index))?);
    }
    Ok(out)
}

/// The members of a vector of unions at `path`, decoded with `read_owned`
/// (the generated `UnionRef::read_owned`). Elements whose member this schema
/// does not declare (`NONE` or a newer schema's member) are left out: their
/// bytes cannot be interpreted, as for a union field, which reads as absent.
pub fn union_elements<'a, T: UnionMember<'a> + 'a, O>(
    vector: UnionVector<'a, T>,
    path: &FieldPath<'_>,
    read_owned: impl Fn(&'a [u8], u8, usize, &FieldPath<'_>) -> Result<Option<O>, DecodeError>,
) -> Result<std::vec::Vec<O>, DecodeError> {
    let mut out = std::vec::Vec::with_capacity(vector.len());
    for index in 0..vector.len() {
        if let Some((tag, pos)) = vector.raw(index) {
            if let Some(member) = read_owned(vector.buffer(), tag, pos, &path.index(index))? {
                out.push(member);
            }
        }
    }
    Ok(out)
}
