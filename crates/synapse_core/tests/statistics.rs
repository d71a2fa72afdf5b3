//! Statistical checks of the particle engine (MCell/Smoldyn-style): mean
//! squared displacement against 2·d·D·t, a Kolmogorov–Smirnov test of the
//! step distribution, and receptor occupancy against mass action at two dt.

use synapse_core::math;
use synapse_core::molecules::{Molecules, StepBounds, diffuse};
use synapse_core::rng::norm_cdf;
use synapse_core::stats::{ks_p_value, ks_statistic, mean_var};
use synapse_core::validation::occupancy_vs_mass_action;

fn walkers(n: usize, z0: f32) -> Molecules {
    let mut m = Molecules::default();
    for _ in 0..n {
        m.push(0.0, 0.0, z0);
    }
    m
}

#[test]
fn msd_in_3d_is_6dt_within_5_sigma() {
    // book/src/model.md §10: 1e5 walkers, 1,000 steps of 1 µs, D = 0.33 µm²/ms:
    // <r²> = 1.98 µm² with a 5σ band of ±1.3%.
    let (n, steps, d, dt) = (100_000, 1000u64, 0.33f64, 1e-3f64);
    let mut m = walkers(n, 0.0);
    let free = StepBounds { height_um: f32::INFINITY, reflect_radius_um: None };
    for s in 0..steps {
        diffuse(&mut m, (2.0 * d * dt).sqrt() as f32, free, 5, s, true);
    }
    let r2: Vec<f64> = (0..n).map(|i| math::powi(m.x[i] as f64, 2) + math::powi(m.y[i] as f64, 2) + math::powi(m.z[i] as f64, 2)).collect();
    let (msd, _) = mean_var(&r2);
    let expect = 6.0 * d * steps as f64 * dt;
    let sigma = 6f64.sqrt() * 2.0 * d * steps as f64 * dt / (n as f64).sqrt();
    assert!((expect - 1.98).abs() < 1e-9);
    assert!((msd - expect).abs() < 5.0 * sigma, "MSD {msd} vs {expect} ± {}", 5.0 * sigma);
}

#[test]
fn msd_in_the_cleft_slab_is_4dt_in_plane_and_z_stays_inside() {
    // In the 20 nm slab the walk is free in x, y (d = 2) and folded in z.
    let (n, steps, d, dt, h) = (50_000, 500u64, 0.32f64, 1e-3f64, 0.020f32);
    let mut m = walkers(n, h / 2.0);
    let slab = StepBounds { height_um: h, reflect_radius_um: None };
    for s in 0..steps {
        diffuse(&mut m, (2.0 * d * dt).sqrt() as f32, slab, 6, s, false);
        assert!(m.z.iter().all(|&z| (0.0..=h).contains(&z)), "a molecule left the slab at step {s}");
    }
    let r2: Vec<f64> = (0..n).map(|i| math::powi(m.x[i] as f64, 2) + math::powi(m.y[i] as f64, 2)).collect();
    let (msd, _) = mean_var(&r2);
    let expect = 4.0 * d * steps as f64 * dt;
    // 2D Gaussian: var(r²) = (4Dt)², so sd of the mean = 4Dt/√n.
    let sigma = expect / (n as f64).sqrt();
    assert!((msd - expect).abs() < 5.0 * sigma, "MSD {msd} vs {expect}");
    // Folded z is uniform across the slab by now: mean h/2, variance h²/12.
    let zs: Vec<f64> = m.z.iter().map(|&z| z as f64).collect();
    let (mz, vz) = mean_var(&zs);
    assert!((mz - h as f64 / 2.0).abs() < 5.0 * (h as f64 / 12f64.sqrt()) / (n as f64).sqrt());
    assert!((vz / math::powi(h as f64, 2) * 12.0 - 1.0).abs() < 0.03);
}

#[test]
fn single_steps_pass_a_kolmogorov_smirnov_test() {
    // One free step of 2e5 molecules: dx/σ, dy/σ, dz/σ must be N(0, 1).
    let n = 200_000;
    let mut m = walkers(n, 0.0);
    let sigma = 0.025f32;
    diffuse(&mut m, sigma, StepBounds { height_um: f32::INFINITY, reflect_radius_um: None }, 9, 0, false);
    let steps: Vec<f64> = m.x.iter().chain(&m.y).chain(&m.z).map(|&v| (v / sigma) as f64).collect();
    let d = ks_statistic(&steps, norm_cdf);
    let p = ks_p_value(d, steps.len());
    assert!(p > 1e-3, "KS D = {d}, p = {p}");
    // And a wrong distribution is rejected: the same data against σ·1.01.
    let d_wrong = ks_statistic(&steps, |x| norm_cdf(x / 1.01));
    assert!(ks_p_value(d_wrong, steps.len()) < 1e-3, "the KS test cannot see a 1% width error");
}

#[test]
fn occupancy_equals_mass_action_at_two_time_steps() {
    // Local-concentration binding of the group I mGluR scheme (K_D 5 µM) in a
    // closed box: the time-averaged occupancy against c/(c + K_D) from the
    // time-averaged free concentration.
    for dt_us in [1.0, 4.0] {
        let (sim, theory) = occupancy_vs_mass_action(dt_us, 110, 150, 2000.0);
        assert!(theory > 0.25 && theory < 0.45, "theta {theory} should sit near K_D");
        assert!((sim / theory - 1.0).abs() < 0.04, "dt {dt_us} µs: occupancy {sim} vs mass action {theory}");
    }
}
