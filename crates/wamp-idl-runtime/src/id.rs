//! WAMP IDs: integers in `1 ..= 2^53` (WAMP-REFERENCE §3.1).

/// The largest valid WAMP ID, 2^53 (exactly representable as an IEEE double).
pub const MAX_ID: u64 = 1 << 53;

/// Whether `id` is a valid WAMP ID (`1 ..= 2^53`).
///
/// # Examples
///
/// ```
/// use wamp_idl_runtime::id::{is_valid_id, MAX_ID};
///
/// assert!(is_valid_id(1) && is_valid_id(MAX_ID));
/// assert!(!is_valid_id(0) && !is_valid_id(MAX_ID + 1));
/// ```
pub fn is_valid_id(id: u64) -> bool {
    (1..=MAX_ID).contains(&id)
}

/// Whether `id` is valid where the revocation forms allow request id 0
/// (`UNSUBSCRIBED`/`UNREGISTERED` sent by the router without a request).
///
/// # Examples
///
/// ```
/// assert!(wamp_idl_runtime::id::is_valid_id_or_zero(0));
/// ```
pub fn is_valid_id_or_zero(id: u64) -> bool {
    id <= MAX_ID
}
