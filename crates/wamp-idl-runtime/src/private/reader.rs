//! A safe, bounds-checked little-endian FlatBuffers reader.
//!
//! Every read returns `None` (or the field default) instead of panicking when
//! an offset points outside the buffer, so reading a buffer that was verified
//! against a different schema gives wrong values, never undefined behaviour.

use core::marker::PhantomData;

/// A little-endian scalar as stored in a FlatBuffer.
pub trait Scalar: Copy + Default {
    /// Size in bytes.
    const SIZE: usize;
    /// Decodes from exactly `SIZE` bytes.
    fn from_le_slice(bytes: &[u8]) -> Option<Self>;
    /// Encodes into exactly `SIZE` bytes (`out.len() == SIZE`).
    fn write_le_slice(self, out: &mut [u8]);
}

macro_rules! impl_scalar {
    ($($t:ty),*) => {$(
        impl Scalar for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
            #[inline]
            fn from_le_slice(bytes: &[u8]) -> Option<Self> {
                Some(<$t>::from_le_bytes(bytes.try_into().ok()?))
            }
            #[inline]
            fn write_le_slice(self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
impl_scalar!(i8, u8, i16, u16, i32, u32, i64, u64, f32, f64);

impl Scalar for bool {
    const SIZE: usize = 1;
    #[inline]
    fn from_le_slice(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [b] => Some(*b != 0),
            _ => None,
        }
    }
    #[inline]
    fn write_le_slice(self, out: &mut [u8]) {
        out.copy_from_slice(&[u8::from(self)]);
    }
}

/// Reads a scalar at `pos`, `None` when out of bounds.
#[inline]
pub fn read_scalar<T: Scalar>(buf: &[u8], pos: usize) -> Option<T> {
    T::from_le_slice(buf.get(pos..pos.checked_add(T::SIZE)?)?)
}

/// Reads a scalar at `pos`, the type's default when out of bounds (struct fields).
#[inline]
pub fn read_scalar_or_default<T: Scalar>(buf: &[u8], pos: usize) -> T {
    read_scalar(buf, pos).unwrap_or_default()
}

/// Writes a scalar at `pos` (struct fields); out-of-bounds writes are skipped
/// (they cannot happen for a correctly sized struct buffer).
#[inline]
pub fn write_scalar<T: Scalar>(out: &mut [u8], pos: usize, value: T) {
    if let Some(end) = pos.checked_add(T::SIZE) {
        if let Some(dst) = out.get_mut(pos..end) {
            value.write_le_slice(dst);
        }
    }
}

/// The `len` bytes at `pos` (struct fields), an empty slice when out of bounds.
#[inline]
pub fn bytes_at(buf: &[u8], pos: usize, len: usize) -> &[u8] {
    pos.checked_add(len)
        .and_then(|end| buf.get(pos..end))
        .unwrap_or(&[])
}

/// The mutable `len` bytes at `pos`, an empty slice when out of bounds.
#[inline]
pub fn bytes_at_mut(buf: &mut [u8], pos: usize, len: usize) -> &mut [u8] {
    match pos.checked_add(len) {
        Some(end) if end <= buf.len() => &mut buf[pos..end],
        _ => &mut [],
    }
}

/// Follows the `uoffset` stored at `pos`.
#[inline]
pub fn follow_uoffset(buf: &[u8], pos: usize) -> Option<usize> {
    let offset: u32 = read_scalar(buf, pos)?;
    pos.checked_add(usize::try_from(offset).ok()?)
}

/// Reads the string whose length prefix is at `pos`; `None` when it is out of
/// bounds or not valid UTF-8 (the verifier checks strings by range only, so
/// this is where UTF-8 is checked: a view never hands out invalid UTF-8).
#[inline]
pub fn read_str(buf: &[u8], pos: usize) -> Option<&str> {
    core::str::from_utf8(read_str_bytes(buf, pos)?).ok()
}

/// The bytes of the string whose length prefix is at `pos`, UTF-8 not checked
/// (the owned decode checks it once, naming the field on failure).
#[inline]
pub fn read_str_bytes(buf: &[u8], pos: usize) -> Option<&[u8]> {
    let len: u32 = read_scalar(buf, pos)?;
    let start = pos.checked_add(4)?;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    buf.get(start..end)
}

/// A table in a buffer: its position and its vtable.
#[derive(Clone, Copy, Debug)]
pub struct Table<'a> {
    buf: &'a [u8],
    pos: usize,
    vtable: usize,
    vtable_len: usize,
}

impl<'a> Table<'a> {
    /// The table at `pos`, `None` when its vtable is out of bounds.
    #[inline]
    pub fn at(buf: &'a [u8], pos: usize) -> Option<Table<'a>> {
        let soffset: i32 = read_scalar(buf, pos)?;
        let vtable = i64::try_from(pos).ok()?.checked_sub(i64::from(soffset))?;
        let vtable = usize::try_from(vtable).ok()?;
        let vtable_len: u16 = read_scalar(buf, vtable)?;
        Some(Table {
            buf,
            pos,
            vtable,
            vtable_len: usize::from(vtable_len),
        })
    }

    /// A table without fields (what an unreadable table reads as).
    pub fn empty(buf: &'a [u8]) -> Table<'a> {
        Table {
            buf,
            pos: 0,
            vtable: 0,
            vtable_len: 0,
        }
    }

    /// The root table of a finished buffer.
    #[inline]
    pub fn root(buf: &'a [u8]) -> Option<Table<'a>> {
        Table::at(buf, follow_uoffset(buf, 0)?)
    }

    /// The table the `uoffset` at `pos` points to (vector elements).
    #[inline]
    pub fn follow(buf: &'a [u8], pos: usize) -> Option<Table<'a>> {
        Table::at(buf, follow_uoffset(buf, pos)?)
    }

    /// The buffer the table is in.
    pub fn buffer(&self) -> &'a [u8] {
        self.buf
    }

    /// Absolute position of the field with vtable offset `voffset`, if present.
    #[inline]
    pub fn field_pos(&self, voffset: u16) -> Option<usize> {
        let voffset = usize::from(voffset);
        if voffset.checked_add(2)? > self.vtable_len {
            return None;
        }
        let field: u16 = read_scalar(self.buf, self.vtable.checked_add(voffset)?)?;
        if field == 0 {
            None
        } else {
            self.pos.checked_add(usize::from(field))
        }
    }

    /// Whether the field is present.
    #[inline]
    pub fn has(&self, voffset: u16) -> bool {
        self.field_pos(voffset).is_some()
    }

    /// A scalar field, `default` when absent.
    #[inline]
    pub fn scalar<T: Scalar>(&self, voffset: u16, default: T) -> T {
        self.scalar_opt(voffset).unwrap_or(default)
    }

    /// An optional scalar field (`= null`).
    #[inline]
    pub fn scalar_opt<T: Scalar>(&self, voffset: u16) -> Option<T> {
        read_scalar(self.buf, self.field_pos(voffset)?)
    }

    /// A string field.
    #[inline]
    pub fn string(&self, voffset: u16) -> Option<&'a str> {
        read_str(
            self.buf,
            follow_uoffset(self.buf, self.field_pos(voffset)?)?,
        )
    }

    /// The bytes of a string field, UTF-8 not checked.
    #[inline]
    pub fn string_bytes(&self, voffset: u16) -> Option<&'a [u8]> {
        read_str_bytes(
            self.buf,
            follow_uoffset(self.buf, self.field_pos(voffset)?)?,
        )
    }

    /// A table field.
    #[inline]
    pub fn table(&self, voffset: u16) -> Option<Table<'a>> {
        Table::follow(self.buf, self.field_pos(voffset)?)
    }

    /// An inline struct field of `size` bytes.
    #[inline]
    pub fn inline_struct(&self, voffset: u16, size: usize) -> Option<&'a [u8]> {
        let pos = self.field_pos(voffset)?;
        self.buf.get(pos..pos.checked_add(size)?)
    }

    /// A struct stored behind an offset (union members) of `size` bytes.
    #[inline]
    pub fn struct_by_offset(&self, voffset: u16, size: usize) -> Option<&'a [u8]> {
        let pos = follow_uoffset(self.buf, self.field_pos(voffset)?)?;
        self.buf.get(pos..pos.checked_add(size)?)
    }

    /// A vector field.
    #[inline]
    pub fn vector<T: Element<'a> + 'a>(&self, voffset: u16) -> Option<Vector<'a, T>> {
        Vector::at(
            self.buf,
            follow_uoffset(self.buf, self.field_pos(voffset)?)?,
        )
    }
}

/// A type that can be a vector element: its stride and how to read one.
pub trait Element<'a>: Sized {
    /// Bytes per element in the vector.
    const STRIDE: usize;
    /// Reads the element stored at `pos`.
    fn read_at(buf: &'a [u8], pos: usize) -> Option<Self>;
}

macro_rules! impl_element_for_scalar {
    ($($t:ty),*) => {$(
        impl<'a> Element<'a> for $t {
            const STRIDE: usize = <$t as Scalar>::SIZE;
            #[inline]
            fn read_at(buf: &'a [u8], pos: usize) -> Option<Self> {
                read_scalar(buf, pos)
            }
        }
    )*};
}
impl_element_for_scalar!(bool, i8, u8, i16, u16, i32, u32, i64, u64, f32, f64);

impl<'a> Element<'a> for &'a str {
    const STRIDE: usize = 4;
    #[inline]
    fn read_at(buf: &'a [u8], pos: usize) -> Option<Self> {
        read_str(buf, follow_uoffset(buf, pos)?)
    }
}

/// A string vector element as its bytes, UTF-8 not checked (for the owned decode).
#[derive(Clone, Copy, Debug)]
pub struct StrBytes<'a>(pub &'a [u8]);

impl<'a> Element<'a> for StrBytes<'a> {
    const STRIDE: usize = 4;
    #[inline]
    fn read_at(buf: &'a [u8], pos: usize) -> Option<Self> {
        read_str_bytes(buf, follow_uoffset(buf, pos)?).map(StrBytes)
    }
}

/// A lazy, typed view of a FlatBuffers vector.
pub struct Vector<'a, T> {
    buf: &'a [u8],
    start: usize,
    len: usize,
    element: PhantomData<T>,
}

impl<T> Clone for Vector<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Vector<'_, T> {}

impl<T> core::fmt::Debug for Vector<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Vector").field("len", &self.len).finish()
    }
}

impl<'a, T: Element<'a> + 'a> Vector<'a, T> {
    /// The vector whose length prefix is at `pos`; `None` when its elements are out of bounds.
    #[inline]
    pub fn at(buf: &'a [u8], pos: usize) -> Option<Vector<'a, T>> {
        let len: u32 = read_scalar(buf, pos)?;
        let len = usize::try_from(len).ok()?;
        let start = pos.checked_add(4)?;
        let end = start.checked_add(len.checked_mul(T::STRIDE)?)?;
        if end > buf.len() {
            return None;
        }
        Some(Vector {
            buf,
            start,
            len,
            element: PhantomData,
        })
    }

    /// Number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the vector has no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The element at `index`, `None` past the end.
    #[inline]
    pub fn get(&self, index: usize) -> Option<T> {
        if index >= self.len {
            return None;
        }
        T::read_at(
            self.buf,
            self.start.checked_add(index.checked_mul(T::STRIDE)?)?,
        )
    }

    /// The elements in order (stops early at an unreadable element, which a verified buffer has not).
    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = T> + 'a {
        let this = *self;
        (0..self.len).map_while(move |i| this.get(i))
    }

    /// Binary search by key on a vector sorted by key (generated `to_flatbuffer`
    /// sorts vectors of tables with a `key` field, as flatc's builders do).
    pub fn lookup_by<K: PartialOrd>(&self, key: K, key_of: impl Fn(&T) -> K) -> Option<T> {
        let (mut low, mut high) = (0usize, self.len);
        while low < high {
            let mid = low + (high - low) / 2;
            let element = self.get(mid)?;
            let ordering = key_of(&element).partial_cmp(&key)?;
            match ordering {
                core::cmp::Ordering::Equal => return Some(element),
                core::cmp::Ordering::Less => low = mid + 1,
                core::cmp::Ordering::Greater => high = mid,
            }
        }
        None
    }
}

/// Implemented by generated union readers (`NameRef<'a>`): reads the member
/// with tag `tag` whose `uoffset` is at `pos`.
pub trait UnionMember<'a>: Sized {
    /// The member, `None` for an unknown tag or an unreadable value.
    fn read_member(buf: &'a [u8], tag: u8, pos: usize) -> Option<Self>;
}

/// A vector of unions: the `<field>_type` vector of tags and the `<field>`
/// vector of offsets, read pairwise (the verifier checks they have the same length).
pub struct UnionVector<'a, T> {
    buf: &'a [u8],
    tags: usize,
    values: usize,
    len: usize,
    member: PhantomData<T>,
}

impl<T> Clone for UnionVector<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for UnionVector<'_, T> {}

impl<T> core::fmt::Debug for UnionVector<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("UnionVector")
            .field("len", &self.len)
            .finish()
    }
}

impl<'a, T: UnionMember<'a> + 'a> UnionVector<'a, T> {
    /// The vector of unions of `table` whose tags are at `type_voffset` and
    /// values at `value_voffset`; `None` when either is absent or out of bounds.
    #[inline]
    pub fn at(table: &Table<'a>, type_voffset: u16, value_voffset: u16) -> Option<Self> {
        let tags: Vector<'a, u8> = table.vector(type_voffset)?;
        let values: Vector<'a, u32> = table.vector(value_voffset)?;
        Some(UnionVector {
            buf: table.buf,
            tags: tags.start,
            values: values.start,
            len: tags.len.min(values.len),
            member: PhantomData,
        })
    }

    /// Number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the vector has no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The tag of the element at `index` (`0` is `NONE`), `None` past the end.
    #[inline]
    pub fn tag(&self, index: usize) -> Option<u8> {
        if index >= self.len {
            return None;
        }
        read_scalar(self.buf, self.tags.checked_add(index)?)
    }

    /// The tag and the position of the value's `uoffset` of the element at `index`.
    #[doc(hidden)]
    #[inline]
    pub fn raw(&self, index: usize) -> Option<(u8, usize)> {
        let tag = self.tag(index)?;
        Some((tag, self.values.checked_add(index.checked_mul(4)?)?))
    }

    /// The buffer the vector is in.
    #[doc(hidden)]
    pub fn buffer(&self) -> &'a [u8] {
        self.buf
    }

    /// The element at `index`; `None` past the end and for a member this
    /// schema does not declare (written by a newer schema) or a string member
    /// that is not valid UTF-8.
    #[inline]
    pub fn get(&self, index: usize) -> Option<T> {
        let (tag, pos) = self.raw(index)?;
        T::read_member(self.buf, tag, pos)
    }

    /// The elements in order, `None` where [`Self::get`] gives `None`.
    pub fn iter(&self) -> impl Iterator<Item = Option<T>> + 'a {
        let this = *self;
        (0..self.len).map(move |i| this.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounds_checked() {
        let buf = [1u8, 0, 0, 0, 0xff];
        assert_eq!(read_scalar::<u32>(&buf, 0), Some(1));
        assert_eq!(read_scalar::<u32>(&buf, 2), None);
        assert_eq!(read_scalar::<u32>(&buf, usize::MAX), None);
        assert_eq!(read_scalar_or_default::<i16>(&buf, 4), 0);
        assert_eq!(follow_uoffset(&buf, 0), Some(1));
        assert_eq!(read_str(&buf, 0), None);
        assert!(Table::at(&buf, 3).is_none());
        assert!(Table::root(&[]).is_none());
        assert_eq!(bytes_at(&buf, 3, 9), &[] as &[u8]);
    }

    #[test]
    fn vectors_reject_lengths_past_the_end() {
        // Claims 2^30 u32 elements in a 8-byte buffer.
        let buf = [0u8, 0, 0, 0x40, 0, 0, 0, 0];
        assert!(Vector::<u32>::at(&buf, 0).is_none());
        let buf = [2u8, 0, 0, 0, 7, 0, 9, 0];
        let vector = Vector::<u16>::at(&buf, 0).unwrap();
        assert_eq!(vector.iter().collect::<std::vec::Vec<_>>(), [7, 9]);
        assert_eq!(vector.get(2), None);
        assert_eq!(vector.lookup_by(9, |x| *x), Some(9));
        assert_eq!(vector.lookup_by(8, |x| *x), None);
    }
}
