//! A single-value channel whose [`Receiver`] is a [`Future`] woken through
//! its [`Waker`]: how a [`Pending`](super::Pending) request hands its reply
//! to the future that waits for it, on any executor (or none: the in-process
//! router polls it itself).
//!
//! ```
//! use wamp_idl_runtime::client_state::oneshot;
//!
//! let (tx, rx) = oneshot::channel();
//! tx.send(7);
//! assert_eq!(futures::executor::block_on(rx), Some(7));
//!
//! let (tx, rx) = oneshot::channel::<u32>();
//! drop(tx);
//! assert_eq!(futures::executor::block_on(rx), None);
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

/// The shared slot: the value once sent, the waker of the last poll, and
/// whether the sender is gone.
struct Slot<T> {
    value: Option<T>,
    waker: Option<Waker>,
    sender_gone: bool,
}

/// Sends the one value; dropping it unsent resolves the [`Receiver`] to `None`.
pub struct Sender<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

/// Resolves to `Some(value)` once sent, or `None` if the sender was dropped
/// without sending.
pub struct Receiver<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

/// A connected sender/receiver pair.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Arc::new(Mutex::new(Slot {
        value: None,
        waker: None,
        sender_gone: false,
    }));
    (Sender { slot: slot.clone() }, Receiver { slot })
}

impl<T> Sender<T> {
    /// Stores the value and wakes the receiver (the lock is released before
    /// waking, so a waker that polls synchronously cannot deadlock). If the
    /// receiver is gone the value is simply dropped: nobody waits for it.
    pub fn send(self, value: T) {
        let waker = {
            let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
            slot.value = Some(value);
            slot.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        // `Drop` runs next and finds the value already there.
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
            slot.sender_gone = true;
            slot.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(value) = slot.value.take() {
            return Poll::Ready(Some(value));
        }
        if slot.sender_gone {
            return Poll::Ready(None);
        }
        match &mut slot.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            waker => *waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Wake;

    struct Flag(Mutex<bool>);
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            *self.0.lock().unwrap_or_else(PoisonError::into_inner) = true;
        }
    }

    fn poll_once<T>(rx: &mut Receiver<T>, flag: &Arc<Flag>) -> Poll<Option<T>> {
        let waker = Waker::from(flag.clone());
        let mut cx = Context::from_waker(&waker);
        Pin::new(rx).poll(&mut cx)
    }

    #[test]
    fn value_sent_after_first_poll_wakes_and_arrives() {
        let (tx, mut rx) = channel();
        let flag = Arc::new(Flag(Mutex::new(false)));
        assert!(poll_once(&mut rx, &flag).is_pending());
        tx.send(7u32);
        assert!(*flag.0.lock().unwrap());
        assert_eq!(poll_once(&mut rx, &flag), Poll::Ready(Some(7)));
    }

    #[test]
    fn dropped_sender_resolves_to_none() {
        let (tx, mut rx) = channel::<u32>();
        let flag = Arc::new(Flag(Mutex::new(false)));
        assert!(poll_once(&mut rx, &flag).is_pending());
        drop(tx);
        assert!(*flag.0.lock().unwrap());
        assert_eq!(poll_once(&mut rx, &flag), Poll::Ready(None));
    }
}
