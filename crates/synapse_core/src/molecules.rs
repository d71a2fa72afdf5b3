//! Free glutamate molecules as struct-of-arrays (x, y, z in µm, f32), and the
//! Brownian step that moves them.
//!
//! Geometry of the step: the cleft and the perisynaptic sheet of
//! extracellular space are one slab 0 ≤ z ≤ h (membranes at both faces
//! reflect; a step longer than h is folded back as often as needed, so no
//! molecule ever ends outside, unlike a single reflection). The slab is cut
//! at radius R: an absorbing rim (molecules join the extracellular pool, or
//! the porous extracellular space of `ecs.rs`) or a reflecting one (closed box). Each chunk of `CHUNK` molecules draws from its
//! own stream keyed by (seed, step, chunk), so any thread count gives the same bits.

use crate::rng::{NormalTable, domain, stream};
use rand::Rng;
use rayon::prelude::*;

/// Molecules per random stream and per parallel task (part of the
/// determinism contract: changing it changes the bits).
pub const CHUNK: usize = 4096;

/// Below this many molecules a step runs on one thread (a task costs more).
const PARALLEL_MIN: usize = 4 * CHUNK;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Molecules {
    pub x: Vec<f32>,
    pub y: Vec<f32>,
    pub z: Vec<f32>,
}

impl Molecules {
    pub fn len(&self) -> usize {
        self.x.len()
    }

    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    #[inline]
    pub fn push(&mut self, x: f32, y: f32, z: f32) {
        self.x.push(x);
        self.y.push(y);
        self.z.push(z);
    }

    pub fn truncate(&mut self, n: usize) {
        self.x.truncate(n);
        self.y.truncate(n);
        self.z.truncate(n);
    }
}

/// How one Brownian step treats the boundaries.
#[derive(Clone, Copy, Debug)]
pub struct StepBounds {
    /// Slab height h (µm); `f32::INFINITY` for free 3D diffusion (tests).
    pub height_um: f32,
    /// Reflect at this radius (µm), or `None` to leave the rim to the caller.
    pub reflect_radius_um: Option<f32>,
}

/// Fold z into [0, h], as repeated reflection at both faces would, without
/// branches (a step crosses a face about half the time at dt = 1 µs, and
/// a mispredicted branch costs more than the whole step):
/// with u = z mod 2h, the folded position is h − |u − h|.
#[inline(always)]
fn fold(z: f32, h: f32, inv_2h: f32) -> f32 {
    // Truncation of a positive number is floor; the offset keeps it positive
    // for any z above −2048·h (a step of ~1,600 σ at the defaults).
    let k = ((z * inv_2h + 1024.0) as i32 - 1024) as f32;
    let u = z - 2.0 * h * k;
    (h - (u - h).abs()).clamp(0.0, h)
}

#[inline(always)]
fn step_chunk(x: &mut [f32], y: &mut [f32], z: &mut [f32], sigma: f32, bounds: StepBounds, seed: u64, step: u64, chunk: u64) {
    // Monomorphise the loop per boundary case so the hot loop carries no
    // per-molecule test of the configuration.
    match (bounds.height_um.is_finite(), bounds.reflect_radius_um) {
        (true, Some(r)) => walk::<true, true>(x, y, z, sigma, bounds.height_um, r, seed, step, chunk),
        (true, None) => walk::<true, false>(x, y, z, sigma, bounds.height_um, 0.0, seed, step, chunk),
        (false, Some(r)) => walk::<false, true>(x, y, z, sigma, 0.0, r, seed, step, chunk),
        (false, None) => walk::<false, false>(x, y, z, sigma, 0.0, 0.0, seed, step, chunk),
    }
}

#[inline(always)]
fn walk<const SLAB: bool, const RIM: bool>(x: &mut [f32], y: &mut [f32], z: &mut [f32], sigma: f32, h: f32, r: f32, seed: u64, step: u64, chunk: u64) {
    let table = NormalTable::get();
    let mut rng = stream(seed, domain::DIFFUSION, step, chunk);
    let inv_2h = 0.5 / h;
    let r2 = r * r;
    for i in 0..x.len() {
        // One 64-bit draw gives the three 16-bit normal samples.
        let a = rng.next_u64();
        let nx = table.sample(a as u16, &mut rng);
        let ny = table.sample((a >> 16) as u16, &mut rng);
        let nz = table.sample((a >> 32) as u16, &mut rng);
        let (mut xi, mut yi) = (x[i] + sigma * nx, y[i] + sigma * ny);
        z[i] = if SLAB { fold(z[i] + sigma * nz, h, inv_2h) } else { z[i] + sigma * nz };
        if RIM {
            let d2 = xi * xi + yi * yi;
            if d2 > r2 {
                // Radial reflection at the rim: r' = 2R − r (clamped inside).
                let d = d2.sqrt();
                let s = (2.0 * r - d).clamp(0.0, r) / d;
                xi *= s;
                yi *= s;
            }
        }
        x[i] = xi;
        y[i] = yi;
    }
}

/// One Brownian step of every molecule with per-axis deviation
/// `sigma_um = sqrt(2·D·dt)`. `parallel` lets rayon spread chunks on threads.
pub fn diffuse(m: &mut Molecules, sigma_um: f32, bounds: StepBounds, seed: u64, step: u64, parallel: bool) {
    let n = m.len();
    if parallel && n >= PARALLEL_MIN {
        m.x.par_chunks_mut(CHUNK).zip(m.y.par_chunks_mut(CHUNK)).zip(m.z.par_chunks_mut(CHUNK)).enumerate().for_each(|(c, ((x, y), z))| step_chunk(x, y, z, sigma_um, bounds, seed, step, c as u64));
    } else {
        for (c, ((x, y), z)) in m.x.chunks_mut(CHUNK).zip(m.y.chunks_mut(CHUNK)).zip(m.z.chunks_mut(CHUNK)).enumerate() {
            step_chunk(x, y, z, sigma_um, bounds, seed, step, c as u64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_keeps_long_steps_inside() {
        let h = 0.02;
        let inv = 0.5 / h;
        // Against the reflect-until-inside loop it replaces.
        let slow = |mut z: f32| loop {
            if z < 0.0 {
                z = -z
            } else if z > h {
                z = 2.0 * h - z
            } else {
                return z;
            }
        };
        for z in [-0.05f32, -0.021, 0.0, 0.01, 0.02, 0.039, 0.061, 0.1, -0.3, 0.77] {
            let f = fold(z, h, inv);
            assert!((0.0..=h).contains(&f), "{z} -> {f}");
            assert!((f - slow(z)).abs() < 1e-6, "{z}: {f} vs {}", slow(z));
        }
    }

    #[test]
    fn one_and_many_threads_give_the_same_bits() {
        let mut a = Molecules::default();
        for i in 0..50_000 {
            a.push((i % 100) as f32 * 1e-3, (i % 37) as f32 * 1e-3, 0.01);
        }
        let mut b = a.clone();
        let bounds = StepBounds { height_um: 0.02, reflect_radius_um: Some(0.5) };
        for s in 0..5 {
            diffuse(&mut a, 0.025, bounds, 42, s, false);
            diffuse(&mut b, 0.025, bounds, 42, s, true);
        }
        assert_eq!(a, b);
    }
}
