//! Sorting parameters by the UTF-8 bytes of their names, as both signatures do.
//!
//! A request has a dozen or two parameters, so sorting them is dominated by comparisons that
//! call `memcmp` and by branches the processor cannot predict. [`Sorted`] sorts plain words
//! instead: the first seven bytes of each name above the pair's index in the input, so that a
//! comparison is one instruction and the keys are all distinct. Only runs of names that share
//! those seven bytes (`SignatureMethod`, `SignatureNonce`, ...) are compared again, from their
//! eighth byte.
//!
//! Measured and slower here: 16-byte keys (no ties, but twice the data to move), Batcher's
//! 63-comparator network for 16 keys (through memory, or on a local array of branch-free
//! minimums and maximums), counting each key's rank (225 comparisons for 15 pairs), and
//! comparing the names of a tied run with `memcmp` from their start.

use std::cmp::Ordering;

/// The first seven bytes of `name`, zero-padded, as the top of a big-endian word whose low byte
/// is left for an index. Comparing these orders names as their bytes do, except that a tie
/// needs the whole names.
#[inline]
fn prefix(name: &[u8]) -> u64 {
    let len = name.len();
    let word = match (
        name.first_chunk::<8>(),
        name.first_chunk::<4>(),
        name.last_chunk::<4>(),
    ) {
        (Some(head), _, _) => u64::from_be_bytes(*head),
        // Four to seven bytes: two overlapping halves, whose shared bytes are the same.
        (None, Some(head), Some(last)) => {
            u64::from(u32::from_be_bytes(*head)) << 32
                | u64::from(u32::from_be_bytes(*last)) << (64 - 8 * len)
        }
        // One to three bytes: the first, middle and last, which cover them all.
        _ => match name {
            [] => 0,
            [first, ..] => {
                let at = |i: usize| u64::from(name[i]) << (56 - 8 * i);
                u64::from(*first) << 56 | at(len / 2) | at(len - 1)
            }
        },
    };
    word & !0xFF
}

/// Orders two strings by their UTF-8 bytes.
#[inline]
pub(crate) fn cmp_bytes(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    prefix(a).cmp(&prefix(b)).then_with(|| a.cmp(b))
}

/// The most pairs whose keys are kept on the stack.
pub(crate) const STACK: usize = 32;
/// The most pairs whose index fits in a key's low byte, beside a name prefix.
const PREFIXED: usize = 256;

/// A key marking a pair whose name is given again later. No pair's key equals it: UTF-8 has
/// no byte `0xFF` for a prefix, and a bare index is below the length of a slice.
const SUPERSEDED: u64 = u64::MAX;

/// Stack room for the keys of up to 32 pairs, lent to [`Sorted::new`]. The caller owns it so
/// that returning a `Sorted` never copies the keys: when `Sorted` held the array itself, that
/// copy and its zeroing cost 75 ns of a V1 signature.
pub(crate) type Scratch = [u64; STACK];

/// How [`Sorted`] orders pairs, always by the UTF-8 bytes of their names first.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    /// Of pairs with equal names, only the last given is kept, as in a map written in order
    /// (V1).
    LastOfEachName,
    /// Pairs with equal names are all kept, ordered by value (V3).
    NameThenValue,
}

/// The order of `(name, value)` pairs sorted by the UTF-8 bytes of the name, as [`Order`]
/// says; with the sizes a signer needs to reserve its output.
pub(crate) struct Sorted<'a, 's, K, V> {
    pairs: &'a [(K, V)],
    keys: Keys<'s>,
    /// How many keys remain, first in `keys`.
    len: usize,
    /// The bits of a key that hold the index; the others hold the name's prefix.
    index: u64,
    /// The length of every name and value plus two separators per pair.
    pub(crate) text_len: usize,
    /// The length of the longest pair, with its two separators.
    pub(crate) longest: usize,
}

/// The sorted keys: in the caller's scratch, or on the heap past [`STACK`] pairs.
enum Keys<'s> {
    Stack(&'s mut [u64]),
    Heap(Vec<u64>),
}

impl<'a, 's, K: AsRef<str>, V: AsRef<str>> Sorted<'a, 's, K, V> {
    /// Sorts `pairs` in `order`.
    #[inline(always)]
    pub(crate) fn new(pairs: &'a [(K, V)], order: Order, scratch: &'s mut Scratch) -> Self {
        // Past `PREFIXED` pairs, keys are bare indices, all in one run that the full
        // comparison sorts.
        let prefixed = pairs.len() <= PREFIXED;
        let index = if prefixed { 0xFF } else { u64::MAX };
        let mut keys = match scratch.get_mut(..pairs.len()) {
            Some(stack) => Keys::Stack(stack),
            None => Keys::Heap(vec![0; pairs.len()]),
        };
        let keys_mut = match &mut keys {
            Keys::Stack(stack) => &mut **stack,
            Keys::Heap(heap) => &mut heap[..],
        };
        let (mut text_len, mut longest) = (0, 0);
        for (i, ((name, value), key)) in pairs.iter().zip(keys_mut.iter_mut()).enumerate() {
            let (name, value) = (name.as_ref().as_bytes(), value.as_ref().as_bytes());
            let pair_len = name.len() + value.len() + 2;
            text_len += pair_len;
            longest = longest.max(pair_len);
            *key = (prefix(name) & !index) | i as u64;
        }
        keys_mut.sort_unstable();
        // Names in a run share the bytes of their prefix (none when keys are bare indices):
        // compare the next bytes as a word first.
        let shared = if prefixed { 7 } else { 0 };
        let compare = |a: &u64, b: &u64| {
            let (a, b) = (borrow(pairs, a & index), borrow(pairs, b & index));
            let (x, y) = (a.0.as_bytes(), b.0.as_bytes());
            let next = |s: &[u8]| prefix(s.get(shared..).unwrap_or_default());
            let by_name = next(x).cmp(&next(y)).then_with(|| x.cmp(y));
            match order {
                Order::NameThenValue => by_name.then_with(|| cmp_bytes(a.1, b.1)),
                Order::LastOfEachName => by_name,
            }
        };
        let name = |key: u64| borrow(pairs, key & index).0;
        let (mut start, mut superseded) = (0, false);
        for end in 1..=keys_mut.len() {
            if keys_mut
                .get(end)
                .is_some_and(|key| (key ^ keys_mut[start]) & !index == 0)
            {
                continue;
            }
            // Stable, and a run is in input order already: equal pairs keep that order.
            // Most runs are one key long and need nothing.
            let run = &mut keys_mut[start..end];
            if run.len() > 1 {
                match run.len() {
                    ..=4 => insertion_sort(run, compare),
                    _ => run.sort_by(compare),
                }
                // Names can only be equal within a run. The last of equal names wins: the
                // keys before it are marked, to be dropped below.
                if order == Order::LastOfEachName {
                    for i in 1..run.len() {
                        if name(run[i - 1]) == name(run[i]) {
                            run[i - 1] = SUPERSEDED;
                            superseded = true;
                        }
                    }
                }
            }
            start = end;
        }
        let mut len = keys_mut.len();
        if superseded {
            len = 0;
            for i in 0..keys_mut.len() {
                if keys_mut[i] != SUPERSEDED {
                    keys_mut[len] = keys_mut[i];
                    len += 1;
                }
            }
        }
        Self {
            pairs,
            keys,
            len,
            index,
            text_len,
            longest,
        }
    }

    /// The pairs in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        let keys = match &self.keys {
            Keys::Stack(stack) => &stack[..self.len],
            Keys::Heap(heap) => &heap[..self.len],
        };
        keys.iter().map(|&key| borrow(self.pairs, key & self.index))
    }
}

/// Sorts a few keys stably: a run of tied prefixes is rarely more than three names long.
fn insertion_sort(run: &mut [u64], compare: impl Fn(&u64, &u64) -> Ordering) {
    for i in 1..run.len() {
        let mut j = i;
        while j > 0 && compare(&run[j - 1], &run[j]) == Ordering::Greater {
            run.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Borrows the pair at `index` as two `&str`.
#[inline]
fn borrow<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)], index: u64) -> (&str, &str) {
    let (name, value) = &pairs[index as usize];
    (name.as_ref(), value.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_order_like_bytes() {
        let names = [
            "",
            "A",
            "Ab",
            "Abcdefg",
            "Abcdefg\0",
            "Abcdefgh",
            "Abcdefghi",
            "Abcdefghijkl",
            "Abcdefghijkl\0",
            "Abcdefghijklm",
            "SignatureMethod",
            "SignatureNonce",
            "B",
            "a",
            "\u{e9}",
        ];
        for a in names {
            for b in names {
                assert_eq!(
                    cmp_bytes(a, b),
                    a.as_bytes().cmp(b.as_bytes()),
                    "{a:?} vs {b:?}"
                );
            }
        }
    }

    /// Pairs whose names share long prefixes, differ only past them or in trailing NULs, and
    /// repeat, in a scrambled order.
    fn scrambled(count: usize) -> Vec<(String, String)> {
        const NAMES: [&str; 12] = [
            "Ab",
            "Ab\0",
            "A",
            "",
            "Abcdefg",
            "Abcdefg\0",
            "Abcdefgh",
            "SignatureNonce",
            "SignatureMethod",
            "Signature",
            "\u{e9}t\u{e9}",
            "Action",
        ];
        (0..count)
            .map(|i| {
                let j = (i * 7919) % count.max(1);
                let name = match j % 3 {
                    0 => NAMES[j % NAMES.len()].to_owned(),
                    _ => format!("Signature{}", j % (count / 3 + 1)),
                };
                (name, format!("{}", (j * 31) % 5))
            })
            .collect()
    }

    #[test]
    fn the_order_is_a_stable_sort_by_bytes_at_every_size() {
        for count in [0, 1, 2, 3, 15, 32, 33, 256, 257, 300] {
            let pairs = scrambled(count);
            for order in [Order::LastOfEachName, Order::NameThenValue] {
                let mut expected: Vec<(&str, &str)> = pairs
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                match order {
                    Order::LastOfEachName => {
                        // A stable sort by name; of equal names, the last given stays.
                        expected.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                        expected = (0..expected.len())
                            .filter(|&i| expected.get(i + 1).is_none_or(|n| n.0 != expected[i].0))
                            .map(|i| expected[i])
                            .collect();
                    }
                    Order::NameThenValue => expected.sort_by(|a, b| {
                        (a.0.as_bytes(), a.1.as_bytes()).cmp(&(b.0.as_bytes(), b.1.as_bytes()))
                    }),
                }
                let mut scratch = [0; STACK];
                let sorted = Sorted::new(&pairs, order, &mut scratch);
                let got: Vec<(&str, &str)> = sorted.iter().collect();
                assert_eq!(got, expected, "{count} pairs");
                assert_eq!(
                    sorted.text_len,
                    pairs
                        .iter()
                        .map(|(k, v)| k.len() + v.len() + 2)
                        .sum::<usize>()
                );
            }
        }
    }
}
