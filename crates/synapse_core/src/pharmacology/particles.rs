//! Drug molecules in the cleft: each drug that acts on the synapse's
//! receptors is present as individual molecules, as many as its free
//! concentration puts in the simulated slab (1 µM ≈ 24 in the default
//! 0.8 µm × 20 nm sheet), diffusing with D = 0.4 µm²/ms. They arrive from
//! the rim when a drug is applied and leave through it on washout. When an
//! open-channel blocker enters a pore, the nearest free molecule of that
//! drug is the one taken into it; when it leaves, it is put back at the
//! receptor. Receptor kinetics use the concentration (mass action, as the
//! receptors' binding columns do): the molecules show where the drug is, they
//! do not change the rates. Teaching simplification, said on screen.
use crate::math;

use super::catalogue::Mechanism;
use super::effects::Applied;
use crate::molecules::{Molecules, StepBounds, diffuse};
use crate::rng::{Stream, stream, unit_f64};

/// Diffusion of a small drug in brain extracellular space: free D ≈ 0.7
/// µm²/ms for a ~240 Da molecule over a tortuosity λ² ≈ 2.6 (Syková &
/// Nicholson, Physiol Rev 2008; approx.).
pub const DRUG_D_UM2_PER_MS: f64 = 0.4;
/// Most molecules drawn per drug (above ~120 µM the count is capped; the
/// concentration the receptors see is not).
pub const MAX_PER_DRUG: usize = 3000;
/// Avogadro's number.
const N_A: f64 = 6.022_140_76e23;
/// Stream salt so the drug walk never shares draws with glutamate's.
const SALT: u64 = 0xD4B6_11E5_0000_0001;

/// Does this drug act on the synapse's receptors (and so get molecules)?
pub fn at_synapse(a: &Applied) -> bool {
    a.drug.mechanisms.iter().any(Mechanism::has_molecules)
}

/// Free drug molecules in the slab, each tagged with its drug's index in
/// `Simulation::drugs`.
#[derive(Clone, Debug, Default)]
pub struct DrugParticles {
    pub mols: Molecules,
    pub drug: Vec<u8>,
}

impl DrugParticles {
    pub fn len(&self) -> usize {
        self.drug.len()
    }

    pub fn is_empty(&self) -> bool {
        self.drug.is_empty()
    }

    fn push(&mut self, d: u8, x: f32, y: f32, z: f32) {
        self.mols.push(x, y, z);
        self.drug.push(d);
    }

    fn remove(&mut self, i: usize) {
        self.mols.x.swap_remove(i);
        self.mols.y.swap_remove(i);
        self.mols.z.swap_remove(i);
        self.drug.swap_remove(i);
    }

    /// Molecules per µM in a slab of radius `r_um` and height `h_um`.
    pub fn per_um(r_um: f64, h_um: f64) -> f64 {
        let litres = std::f64::consts::PI * r_um * r_um * h_um * 1e-15;
        N_A * 1e-6 * litres
    }

    /// Keep each drug's free count at its concentration: add at the rim
    /// (arriving from the bath), remove those nearest the rim (leaving).
    pub fn match_concentrations(&mut self, drugs: &[Applied], per_um: f64, r_um: f32, h_um: f32, rng: &mut Stream) {
        for (d, a) in drugs.iter().enumerate() {
            let want = if at_synapse(a) { ((a.conc_um * per_um).round() as usize).min(MAX_PER_DRUG) } else { 0 };
            let have = self.drug.iter().filter(|&&x| x as usize == d).count();
            for _ in have..want {
                let phi = unit_f64(rand::Rng::next_u64(rng)) * std::f64::consts::TAU;
                let r = r_um * (0.97 + 0.03 * unit_f64(rand::Rng::next_u64(rng)) as f32);
                self.push(d as u8, r * math::cos(phi) as f32, r * math::sin(phi) as f32, h_um * unit_f64(rand::Rng::next_u64(rng)) as f32);
            }
            for _ in want..have {
                // The one farthest out leaves first (ties: the last index).
                let far = (0..self.len()).filter(|&i| self.drug[i] as usize == d).max_by(|&i, &j| {
                    let ri = math::sq32(self.mols.x[i]) + math::sq32(self.mols.y[i]);
                    let rj = math::sq32(self.mols.x[j]) + math::sq32(self.mols.y[j]);
                    ri.total_cmp(&rj).then(i.cmp(&j))
                });
                if let Some(i) = far {
                    self.remove(i);
                }
            }
        }
    }

    /// One Brownian step (reflecting faces and rim).
    pub fn step(&mut self, dt_ms: f64, r_um: f32, h_um: f32, seed: u64, step: u64) {
        let sigma = (2.0 * DRUG_D_UM2_PER_MS * dt_ms).sqrt() as f32;
        diffuse(&mut self.mols, sigma, StepBounds { height_um: h_um, reflect_radius_um: Some(r_um) }, seed ^ SALT, step, false);
    }

    /// A blocker of drug `d` entered the pore at (x, y): the nearest free
    /// molecule of that drug goes in (none left: the bath supplies one).
    pub fn enter_pore(&mut self, d: u8, x: f32, y: f32) {
        let near = (0..self.len()).filter(|&i| self.drug[i] == d).min_by(|&i, &j| {
            let di = math::sq32(self.mols.x[i] - x) + math::sq32(self.mols.y[i] - y);
            let dj = math::sq32(self.mols.x[j] - x) + math::sq32(self.mols.y[j] - y);
            di.total_cmp(&dj).then(i.cmp(&j))
        });
        if let Some(i) = near {
            self.remove(i);
        }
    }

    /// The blocker left the pore at (x, y): back into the cleft beside it.
    pub fn leave_pore(&mut self, d: u8, x: f32, y: f32, h_um: f32) {
        self.push(d, x, y, 0.1 * h_um);
    }
}

/// The stream for adding and removing drug molecules at a step.
pub fn rng(seed: u64, step: u64) -> Stream {
    stream(seed ^ SALT, crate::rng::domain::RELEASE, step, 99)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pharmacology::Catalogue;

    #[test]
    fn one_micromolar_fills_the_slab_with_the_avogadro_count() {
        // π (0.8 µm)² × 20 nm = 0.0402 µm³ = 4.02e-17 L; × 1e-6 M × N_A = 24.2.
        let per = DrugParticles::per_um(0.8, 0.02);
        assert!((per - 24.2).abs() < 0.1, "{per}");
        let cat = Catalogue::builtin().unwrap();
        let drugs = vec![Applied { drug: cat.get("ketamine").unwrap().clone(), conc_um: 10.0 }, Applied { drug: cat.get("rapamycin").unwrap().clone(), conc_um: 10.0 }];
        let mut p = DrugParticles::default();
        let mut r = rng(1, 0);
        p.match_concentrations(&drugs, per, 0.8, 0.02, &mut r);
        // Ketamine acts in the cleft: 242 molecules, arriving at the rim; rapamycin is intracellular: none.
        assert_eq!(p.len(), 242);
        assert!(p.mols.x.iter().zip(&p.mols.y).all(|(x, y)| (x * x + y * y).sqrt() > 0.77));
        // Diffusing inward with D = 0.4 µm²/ms: after 0.5 ms the mean radius has fallen.
        for s in 0..500 {
            p.step(0.001, 0.8, 0.02, 1, s);
        }
        let mean_r = p.mols.x.iter().zip(&p.mols.y).map(|(x, y)| (x * x + y * y).sqrt()).sum::<f32>() / p.len() as f32;
        assert!(mean_r < 0.7, "{mean_r}");
        // Washout: all leave.
        let out = vec![Applied { conc_um: 0.0, ..drugs[0].clone() }, drugs[1].clone()];
        p.match_concentrations(&out, per, 0.8, 0.02, &mut r);
        assert!(p.is_empty());
    }
}

#[cfg(test)]
mod sim_tests {
    use crate::pharmacology::Catalogue;
    use crate::{Control, Scenario, Simulation};

    #[test]
    fn the_synapse_keeps_the_drugs_molecules_at_their_concentration() {
        let cat = Catalogue::builtin().unwrap();
        let mut s = Scenario::default();
        s.solution.mg_mm = 0.0;
        s.membrane.hold_mv = -30.0;
        let mut sim = Simulation::new(&s);
        sim.apply(Control::SetDrug { drug: Box::new(cat.get("ketamine").unwrap().clone()), conc_um: 30.0 });
        sim.apply(Control::SetDrug { drug: Box::new(cat.get("lithium").unwrap().clone()), conc_um: 800.0 });
        sim.run_until(3.0);
        // 30 µM × 24.2 per µM; lithium acts inside cells, so it has none.
        let per = super::DrugParticles::per_um(s.geometry.outer_radius_um, s.geometry.cleft_height_nm * 1e-3);
        assert_eq!(sim.drug_particles.len(), (30.0 * per).round() as usize);
        assert!(sim.drug_particles.drug.iter().all(|&d| d == 0));
        let h = (s.geometry.cleft_height_nm * 1e-3) as f32;
        assert!(sim.drug_particles.mols.z.iter().all(|&z| (0.0..=h).contains(&z)));
    }
}
