//! Times the bare Brownian kernel (no simulation around it).
use rand::Rng;
use synapse_core::molecules::{Molecules, StepBounds, diffuse};
use synapse_core::rng::{NormalTable, stream};
fn main() {
    let n = 100_000;
    let mut m = Molecules::default();
    for i in 0..n {
        m.push((i % 300) as f32 * 1e-3, 0.0, 0.01);
    }
    for (name, b) in [
        ("slab", StepBounds { height_um: 0.02, reflect_radius_um: None }),
        ("slab+rim", StepBounds { height_um: 0.02, reflect_radius_um: Some(0.75) }),
        ("free", StepBounds { height_um: f32::INFINITY, reflect_radius_um: None }),
    ] {
        let t = std::time::Instant::now();
        for s in 0..300 {
            diffuse(&mut m, 0.025, b, 1, s, false);
        }
        println!("{name}: {:.2} ns/molecule-step", t.elapsed().as_secs_f64() * 1e9 / (n as f64 * 300.0));
    }
    let table = NormalTable::get();
    let mut rng = stream(1, 1, 0, 0);
    let t = std::time::Instant::now();
    let mut acc = 0.0f32;
    for _ in 0..30_000_000 {
        let b = rng.next_u64() as u16;
        acc += table.sample(b, &mut rng);
    }
    println!("normal sample: {:.2} ns ({acc})", t.elapsed().as_secs_f64() * 1e9 / 3e7);
    let t = std::time::Instant::now();
    let mut x = 0u64;
    for _ in 0..30_000_000 {
        x ^= rng.next_u64();
    }
    println!("xoshiro u64: {:.2} ns ({x})", t.elapsed().as_secs_f64() * 1e9 / 3e7);
}
