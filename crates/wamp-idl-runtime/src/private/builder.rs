//! Safe building helpers over flatbuffers' [`FlatBufferBuilder`].
//!
//! flatbuffers' `Push` trait is `unsafe` to implement, so structs are pushed
//! as little-endian words of the struct's alignment: a struct's size is a
//! multiple of its alignment, so the words land contiguously and the first
//! one starts aligned, reproducing flatc's byte layout exactly.

use flatbuffers::{FlatBufferBuilder, TableFinishedWIPOffset, WIPOffset};

use super::reader::read_scalar;

/// The offset of a finished table.
pub type TableOffset = WIPOffset<TableFinishedWIPOffset>;

/// Offset of a finished string.
pub type StringOffset<'fbb> = WIPOffset<&'fbb str>;

/// Offset of a finished vector (element type erased).
pub type VectorOffset = WIPOffset<flatbuffers::UnionWIPOffset>;

/// Pushes `bytes` (a struct's layout, `bytes.len()` a multiple of `align`) and
/// returns the offset of its first byte; `slot`, if given, records it as the
/// table field at that vtable offset.
fn push_words<'fbb>(
    fbb: &mut FlatBufferBuilder<'fbb>,
    bytes: &[u8],
    align: usize,
    slot: Option<u16>,
) -> WIPOffset<flatbuffers::UnionWIPOffset> {
    macro_rules! push_as {
        ($word:ty) => {{
            const W: usize = core::mem::size_of::<$word>();
            let words = bytes.len() / W;
            let word_at = |i: usize| -> $word { read_scalar::<$word>(bytes, i * W).unwrap_or(0) };
            // The builder grows downwards: push the last word first.
            for i in (1..words).rev() {
                fbb.push(word_at(i));
            }
            let first = word_at(0);
            match slot {
                Some(slot) => {
                    fbb.push_slot_always(slot, first);
                    // push_slot_always does not return the offset; a struct in a
                    // table is addressed through the vtable, so it is not needed.
                    WIPOffset::new(0)
                }
                None => WIPOffset::new(fbb.push(first).value()),
            }
        }};
    }
    match align {
        8 => push_as!(u64),
        4 => push_as!(u32),
        2 => push_as!(u16),
        _ => push_as!(u8),
    }
}

/// Stores a struct inline as the table field at `slot` (call between `start_table` and `end_table`).
pub fn push_struct_slot(fbb: &mut FlatBufferBuilder<'_>, slot: u16, bytes: &[u8], align: usize) {
    if !bytes.is_empty() {
        push_words(fbb, bytes, align, Some(slot));
    }
}

/// Stores a struct on its own (a union member) and returns its offset.
pub fn push_struct(
    fbb: &mut FlatBufferBuilder<'_>,
    bytes: &[u8],
    align: usize,
) -> WIPOffset<flatbuffers::UnionWIPOffset> {
    push_words(fbb, bytes, align, None)
}

/// Builds a vector of structs from their byte layouts (each `size` bytes).
pub fn create_struct_vector<'fbb>(
    fbb: &mut FlatBufferBuilder<'fbb>,
    elements: &[&[u8]],
    size: usize,
    align: usize,
) -> VectorOffset {
    let total = elements.len().saturating_mul(size);
    let mut all = std::vec::Vec::with_capacity(total);
    for element in elements {
        all.extend_from_slice(element);
    }
    macro_rules! build_as {
        ($word:ty) => {{
            const W: usize = core::mem::size_of::<$word>();
            fbb.start_vector::<$word>(total / W);
            for i in (0..total / W).rev() {
                fbb.push(read_scalar::<$word>(&all, i * W).unwrap_or(0));
            }
            WIPOffset::new(fbb.end_vector::<$word>(elements.len()).value())
        }};
    }
    match align {
        8 => build_as!(u64),
        4 => build_as!(u32),
        2 => build_as!(u16),
        _ => build_as!(u8),
    }
}

/// Builds a vector of strings (children first, then the vector).
pub fn create_string_vector<'fbb, S: AsRef<str>>(
    fbb: &mut FlatBufferBuilder<'fbb>,
    strings: &[S],
) -> VectorOffset {
    let offsets: std::vec::Vec<StringOffset<'fbb>> = strings
        .iter()
        .map(|s| fbb.create_string(s.as_ref()))
        .collect();
    WIPOffset::new(fbb.create_vector(&offsets).value())
}

/// Builds a vector of already built tables.
#[inline]
pub fn create_table_vector(
    fbb: &mut FlatBufferBuilder<'_>,
    tables: &[TableOffset],
) -> VectorOffset {
    WIPOffset::new(fbb.create_vector(tables).value())
}

/// Builds a vector of already built values of any kind (union members).
#[inline]
pub fn create_offset_vector(
    fbb: &mut FlatBufferBuilder<'_>,
    offsets: &[VectorOffset],
) -> VectorOffset {
    WIPOffset::new(fbb.create_vector(offsets).value())
}

/// Builds a vector of scalars.
#[inline]
pub fn create_scalar_vector<'fbb, T>(fbb: &mut FlatBufferBuilder<'fbb>, items: &[T]) -> VectorOffset
where
    T: flatbuffers::Push + Copy,
    T::Output: 'fbb,
{
    WIPOffset::new(fbb.create_vector(items).value())
}

/// Builds a string.
#[inline]
pub fn create_string(fbb: &mut FlatBufferBuilder<'_>, s: &str) -> VectorOffset {
    WIPOffset::new(fbb.create_string(s).value())
}

/// Stores an offset (string, vector, table, union value) as the table field at `slot`.
#[inline]
pub fn push_offset_slot(fbb: &mut FlatBufferBuilder<'_>, slot: u16, offset: VectorOffset) {
    fbb.push_slot_always(slot, offset);
}

/// Erases the type of a table offset (for union values and generic slots).
#[inline]
pub fn erase(offset: TableOffset) -> VectorOffset {
    WIPOffset::new(offset.value())
}

/// Finishes `fbb` with `root` and the optional file identifier and returns the bytes.
pub fn finish(
    mut fbb: FlatBufferBuilder<'_>,
    root: TableOffset,
    file_identifier: Option<&str>,
) -> std::vec::Vec<u8> {
    fbb.finish(root, file_identifier);
    fbb.finished_data().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::__private::reader::{read_scalar, Table, Vector};

    #[test]
    fn structs_keep_their_layout_and_alignment() {
        // A 16-byte struct with 8-byte alignment, pushed after a 1-byte field.
        let layout: std::vec::Vec<u8> = (1..=16).collect();
        let mut fbb = FlatBufferBuilder::new();
        let start = fbb.start_table();
        fbb.push_slot_always::<u8>(6, 7);
        push_struct_slot(&mut fbb, 4, &layout, 8);
        let root = fbb.end_table(start);
        fbb.finish(root, None);
        let buf = fbb.finished_data();
        let table = Table::root(buf).unwrap();
        let pos = table.field_pos(4).unwrap();
        assert_eq!(pos % 8, 0, "struct aligned to 8 from the buffer start");
        assert_eq!(table.inline_struct(4, 16).unwrap(), &layout[..]);
        assert_eq!(table.scalar::<u8>(6, 0), 7);
    }

    #[test]
    fn struct_vectors_are_contiguous() {
        let a = [1u8, 0, 2, 0];
        let b = [3u8, 0, 4, 0];
        let mut fbb = FlatBufferBuilder::new();
        let vector = create_struct_vector(&mut fbb, &[&a, &b], 4, 2);
        let start = fbb.start_table();
        push_offset_slot(&mut fbb, 4, vector);
        let root = fbb.end_table(start);
        fbb.finish(root, None);
        let buf = fbb.finished_data();
        let table = Table::root(buf).unwrap();
        // Two 4-byte structs, back to back: read them as two u32 words.
        let structs: Vector<'_, u32> = table.vector(4).unwrap();
        assert_eq!(structs.len(), 2);
        assert_eq!(structs.get(0), read_scalar::<u32>(&a, 0));
        assert_eq!(structs.get(1), read_scalar::<u32>(&b, 0));
    }
}
