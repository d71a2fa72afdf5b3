//! Prints a simulated dose–response (drug key as the first argument).
use synapse_core::pharmacology::Catalogue;
use synapse_core::pharmacology::patch::{Patch, dose_response};
use synapse_core::receptors::ReceptorKind;
fn main() {
    let key = std::env::args().nth(1).unwrap_or("ketamine".into());
    let c = Catalogue::load_dir(std::path::Path::new("assets/drugs")).unwrap();
    let d = c.get(&key).unwrap();
    let t = std::time::Instant::now();
    let p = Patch::new(ReceptorKind::Nmda2A);
    let r = dose_response(&p, d, 0.03, 30.0, 7);
    for (c, i) in r.conc_um.iter().zip(&r.inhibition) {
        println!("{c:.4} uM -> {i:.3}");
    }
    println!("IC50 {:.3} uM, Hill {:.2}, {:.1} s", r.ic50_um, r.hill, t.elapsed().as_secs_f64());
}
