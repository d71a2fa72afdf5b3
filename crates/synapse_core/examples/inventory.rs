//! Prints what the default synapse contains (counts of each kind of thing).
use synapse_core::receptors::ReceptorKind;
fn main() {
    let s = synapse_core::Scenario::default();
    let sim = synapse_core::Simulation::new(&s);
    for k in ReceptorKind::ALL {
        println!("{:>14}: {}", k.label(), sim.receptors.counts(k).total);
    }
    let n = sim.transporters.count();
    println!("   transporters: {n} ({:.2} vesicles' worth)", n as f64 / s.presynaptic.glutamate_per_vesicle as f64);
    println!("  docked sites: {}, reserve vesicles: {}", sim.pre.sites.len(), sim.pre.reserve.len());
}
