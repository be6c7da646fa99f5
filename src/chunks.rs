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
