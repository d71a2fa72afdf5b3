//! Prints equilibrium occupancy against mass action for several dt values.
fn main() {
    let args: Vec<f64> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    let t = args.first().copied().unwrap_or(2000.0);
    for dt in [0.5, 1.0, 2.0, 4.0] {
        let (sim, theory) = synapse_core::validation::occupancy_vs_mass_action(dt, 110, 150, t);
        println!("dt {dt} us: simulated {sim:.4} mass action {theory:.4} ratio {:.4}", sim / theory);
    }
}
