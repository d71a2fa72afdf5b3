//! Prints NMDA peak open probability, rise and deactivation for a grid of
//! rate factors (used to fit `GLUN2A` and `GLUN2B` in receptors/nmda.rs).
use synapse_core::receptors::nmda::{Retune, Subunit, scheme_with};
use synapse_core::receptors::scheme::RateMods;
fn main() {
    let grid = [(Subunit::GluN2A, [3.0, 4.0, 5.0], [1.2, 1.8], [2.0, 3.0]), (Subunit::GluN2B, [0.2, 0.25, 0.3], [1.0, 1.3], [0.3, 0.4])];
    for (sub, fus, fgs, fos) in grid {
        for unbinding in fus {
            for gating in fgs {
                for opening in fos {
                    let s = scheme_with(sub, Retune { unbinding, gating, opening });
                    let dt = 0.01;
                    let p = s.mean_field_open(&RateMods::default(), |t| if t < 1.0 { 1.0 } else { 0.0 }, dt, 5000.0);
                    let (ip, peak) = p.iter().enumerate().fold((0, 0.0), |a, (i, &v)| if v > a.1 { (i, v) } else { a });
                    let tw: f64 = p[ip..].iter().sum::<f64>() * dt / peak;
                    let i10 = p.iter().position(|&v| v >= 0.1 * peak).unwrap();
                    let i90 = p.iter().position(|&v| v >= 0.9 * peak).unwrap();
                    println!(
                        "{sub:?} unbinding {unbinding} gating {gating} opening {opening}: peak Po {peak:.3} at {:.1} ms, rise10-90 {:.1} ms, weighted tau {tw:.1} ms",
                        ip as f64 * dt,
                        (i90 - i10) as f64 * dt
                    );
                }
            }
        }
    }
}
