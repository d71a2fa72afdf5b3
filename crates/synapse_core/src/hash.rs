//! FNV-1a, 64 bit: the one hash of the project (the model's state hash, the
//! scenario, lecture and recording hashes an export writes beside a video).
//! A fixed, documented function, so a pinned value means the same thing on
//! every Rust version and platform (std's `DefaultHasher` promises neither).

/// FNV-1a as a `Hasher`, starting from the offset basis.
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The FNV-1a hash of some bytes.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a::default();
    std::hash::Hasher::write(&mut h, bytes);
    std::hash::Hasher::finish(&h)
}

#[cfg(test)]
mod tests {
    /// The published FNV-1a test vectors (Fowler, Noll & Vo).
    #[test]
    fn matches_the_reference_vectors() {
        assert_eq!(super::fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(super::fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
