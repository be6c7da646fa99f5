//! Fixed chunks of workers for parallel work: the chunk size does not depend on the thread
//! count, and per-chunk results are combined in chunk order, so output is the same for any
//! number of threads (see `tests/determinism.rs`).

use rayon::prelude::*;

/// Workers per parallel work item. Fixed, so that per-chunk results combine identically for
/// any number of threads.
pub const CHUNK: usize = 1 << 15;

/// Run `f` on each fixed chunk of `0..n` in parallel, each with its own reusable buffer.
pub fn for_each_chunk<T: Send>(
    n: usize,
    bufs: &mut Vec<T>,
    make: impl Fn() -> T,
    f: impl Fn(std::ops::Range<usize>, &mut T) + Sync + Send,
) {
    let chunks = n.div_ceil(CHUNK);
    if bufs.len() < chunks {
        bufs.resize_with(chunks, make);
    }
    bufs[..chunks]
        .par_iter_mut()
        .enumerate()
        .for_each(|(c, buf)| f(c * CHUNK..((c + 1) * CHUNK).min(n), buf));
}

/// Make room for `n` elements in all, with an eighth to spare, allocating exactly that when
/// `v` must grow. `Vec`'s own growth doubles, which left the step buffers near twice what a
/// step uses (docs: README, "Performance").
pub fn reserve_for<T>(v: &mut Vec<T>, n: usize) {
    if v.capacity() < n {
        v.reserve_exact(n + n / 8 - v.len());
    }
}

/// Give back a buffer's spare capacity beyond a quarter of its length (down to an eighth),
/// after a step filled it by `Vec`'s doubling growth.
pub fn trim<T>(v: &mut Vec<T>) {
    let len = v.len();
    if v.capacity() > len + len / 4 {
        v.shrink_to(len + len / 8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_keep_an_eighth_to_spare_not_double() {
        let mut v: Vec<u32> = Vec::new();
        reserve_for(&mut v, 800);
        assert_eq!(v.capacity(), 900);
        v.extend(0..800);
        reserve_for(&mut v, 850);
        assert_eq!(v.capacity(), 900, "no growth while it fits");
        reserve_for(&mut v, 900);
        assert_eq!(
            v.capacity(),
            900,
            "a buffer exactly full enough does not grow"
        );
        reserve_for(&mut v, 1600);
        assert_eq!(
            v.capacity(),
            1800,
            "it grows to what is asked, an eighth to spare"
        );
        let mut w: Vec<u32> = (0..1000).collect();
        w.truncate(400);
        trim(&mut w);
        assert!(
            w.capacity() >= 450 && w.capacity() < 500,
            "{}",
            w.capacity()
        );
        // Spare capacity up to a quarter of the length stays, however close to it.
        for spare in [80, 100] {
            let mut x: Vec<u32> = Vec::with_capacity(400 + spare);
            x.extend(0..400);
            let cap = x.capacity();
            trim(&mut x);
            assert_eq!(x.capacity(), cap, "{spare} spare of 400 stays");
        }
    }
}
