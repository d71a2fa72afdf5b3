//! Astrocytic glutamate transporters (EAAT1/GLAST and EAAT2/GLT-1) on the
//! perisynaptic astrocyte sheath: fast binding (buffering), slow
//! translocation, carrier return.
//!
//! Transporters are counted per square patch of membrane (`eaat_patch_nm`
//! on a side) rather than placed one by one: each patch holds its share of
//! the measured density (Lehre & Danbolt 1998 ✔: GLT-1 8,500 + GLAST 2,300
//! µm⁻²) as counts of free, glutamate-bound and cycling carriers. A free
//! molecule over a patch binds with probability 1 − e^(−k_on·[EAAT_free]·dt),
//! [EAAT_free] being the patch's free carriers over the slab volume above it
//! (the local-concentration rule of `receptors`, seen from the molecule).
//! The sheath lines one face of the slab, in `astro_processes` sectors that
//! together cover `astro_coverage` of the ring.
//!
//! Scheme (per carrier): F —k_on[Glu]→ B; B —k_off→ F (glutamate back out);
//! B —k_tr→ Cy (glutamate delivered into the astrocyte: "taken up");
//! Cy —k_ret→ F. With the defaults, Km = k_ret(k_off + k_tr)/(k_on(k_tr + k_ret))
//! = 15 µM (Wadiche et al. 1995 ✔) and a 20 ms cycle (~37 °C, approx.).
use crate::math;

use crate::grid::SquareGrid;
use crate::molecules::Molecules;
use crate::rng::{Stream, p_event, threshold, unit_f64};
use crate::scenario::{GeometryConfig, UptakeConfig};
use rand::Rng;

#[derive(Clone, Debug)]
pub struct Transporters {
    grid: SquareGrid,
    height_um: f32,
    /// Patch index of each grid cell, or u32::MAX where there is no astrocyte.
    patch_of_cell: Vec<u32>,
    /// Lower-left corner of each patch (µm).
    pub patch_x_um: Vec<f32>,
    pub patch_y_um: Vec<f32>,
    pub total: Vec<u16>,
    pub free: Vec<u16>,
    pub bound: Vec<u16>,
    pub cycling: Vec<u16>,
    /// Binding threshold per molecule, by the patch's free-carrier count.
    bind_thr: Vec<u64>,
    /// What `bind_thr` is built from: k_on (mM⁻¹ms⁻¹), one carrier as a
    /// concentration over its patch (mM), dt (ms).
    kon_per_mm_ms: f64,
    c1_mm: f64,
    dt_ms: f64,
    off_thr: u64,
    /// Cumulative threshold for "off or translocate" (off first).
    leave_thr: u64,
    ret_thr: u64,
    active: Vec<u32>,
    is_active: Vec<bool>,
    /// Glutamate molecules translocated into the astrocyte (cumulative).
    pub taken_up: u64,
}

fn bind_thresholds(kon_per_mm_ms: f64, c1_mm: f64, dt_ms: f64, max_n: usize) -> Vec<u64> {
    (0..=max_n).map(|n| threshold(p_event(kon_per_mm_ms * n as f64 * c1_mm, dt_ms))).collect()
}

impl Transporters {
    pub fn new(g: &GeometryConfig, u: &UptakeConfig, dt_ms: f64, rng: &mut Stream) -> Self {
        let patch_um = (g.eaat_patch_nm * 1e-3) as f32;
        let r_out = g.outer_radius_um as f32;
        let grid = SquareGrid::covering(r_out, patch_um);
        let height_um = (g.cleft_height_nm * 1e-3) as f32;
        let density = u.glt1_per_um2 + u.glast_per_um2;
        let per_patch = density * math::powi(patch_um as f64, 2);
        let mut patch_of_cell = vec![u32::MAX; grid.cells()];
        let (mut px, mut py, mut total) = (Vec::new(), Vec::new(), Vec::new());
        for j in 0..grid.side {
            for i in 0..grid.side {
                let (x0, y0) = grid.corner(i, j);
                let (cx, cy) = ((x0 + patch_um / 2.0) as f64, (y0 + patch_um / 2.0) as f64);
                let r = (cx * cx + cy * cy).sqrt();
                if r < g.astro_inner_radius_um || r > g.outer_radius_um {
                    continue;
                }
                let turn = (math::atan2(cy, cx) / std::f64::consts::TAU).rem_euclid(1.0);
                if (turn * g.astro_processes as f64).fract() >= g.astro_coverage {
                    continue;
                }
                // Stochastic rounding keeps the mean density exact.
                let n = per_patch.floor() + if unit_f64(rng.next_u64()) < per_patch.fract() { 1.0 } else { 0.0 };
                patch_of_cell[j * grid.side + i] = px.len() as u32;
                px.push(x0);
                py.push(y0);
                total.push(n as u16);
            }
        }
        let max_n = total.iter().copied().max().unwrap_or(0) as usize;
        let c1_mm = crate::units::molecules_to_mm(1.0, math::powi(patch_um as f64, 2) * height_um as f64);
        let bind_thr = bind_thresholds(u.kon_per_mm_ms, c1_mm, dt_ms, max_n);
        let k_leave = u.koff_per_ms + u.translocate_per_ms;
        let p_leave = p_event(k_leave, dt_ms);
        let off_share = if k_leave > 0.0 { u.koff_per_ms / k_leave } else { 0.0 };
        let n = px.len();
        Self {
            grid,
            height_um,
            patch_of_cell,
            patch_x_um: px,
            patch_y_um: py,
            free: total.clone(),
            total,
            bound: vec![0; n],
            cycling: vec![0; n],
            bind_thr,
            kon_per_mm_ms: u.kon_per_mm_ms,
            c1_mm,
            dt_ms,
            off_thr: threshold(p_leave * off_share),
            leave_thr: threshold(p_leave),
            ret_thr: threshold(p_event(u.return_per_ms, dt_ms)),
            active: Vec::new(),
            is_active: vec![false; n],
            taken_up: 0,
        }
    }

    /// Hook for drugs acting on uptake (e.g. ceftriaxone raising GLT-1):
    /// scales the carriers' binding rate, as a proportional change in
    /// expression would (teaching simplification: capacity is not changed).
    pub fn set_expression_scale(&mut self, scale: f64) {
        let max_n = self.bind_thr.len() - 1;
        self.bind_thr = bind_thresholds(self.kon_per_mm_ms * scale.max(0.0), self.c1_mm, self.dt_ms, max_n);
    }

    /// Total carriers on the sheath.
    pub fn count(&self) -> u64 {
        self.total.iter().map(|&n| n as u64).sum()
    }

    /// Glutamate held (bound, not yet translocated) by carriers.
    pub fn bound_glutamate(&self) -> u64 {
        self.active.iter().map(|&p| self.bound[p as usize] as u64).sum()
    }

    pub fn cycling_count(&self) -> u64 {
        self.active.iter().map(|&p| self.cycling[p as usize] as u64).sum()
    }

    #[inline]
    fn patch_at(&self, x: f32, y: f32) -> Option<usize> {
        let p = self.patch_of_cell[self.grid.cell(x, y)?];
        (p != u32::MAX).then_some(p as usize)
    }

    /// A free molecule at (x, y) over the sheath may bind a free carrier.
    #[inline]
    pub fn try_bind(&mut self, x: f32, y: f32, rng: &mut Stream) -> bool {
        let Some(p) = self.patch_at(x, y) else { return false };
        let f = self.free[p];
        if f == 0 || rng.next_u64() >= self.bind_thr[f as usize] {
            return false;
        }
        self.free[p] -= 1;
        self.bound[p] += 1;
        if !self.is_active[p] {
            self.is_active[p] = true;
            self.active.push(p as u32);
        }
        true
    }

    /// Unbinding, translocation and return for every busy patch. Unbound
    /// glutamate goes back into the slab above its patch.
    pub fn step(&mut self, rng: &mut Stream, molecules: &mut Molecules) {
        let mut k = 0;
        while k < self.active.len() {
            let p = self.active[k] as usize;
            let (mut off, mut tr, mut ret) = (0u16, 0u16, 0u16);
            for _ in 0..self.bound[p] {
                let d = rng.next_u64();
                if d < self.off_thr {
                    off += 1;
                } else if d < self.leave_thr {
                    tr += 1;
                }
            }
            for _ in 0..self.cycling[p] {
                if rng.next_u64() < self.ret_thr {
                    ret += 1;
                }
            }
            self.bound[p] -= off + tr;
            self.cycling[p] += tr;
            self.cycling[p] -= ret;
            self.free[p] += off + ret;
            self.taken_up += tr as u64;
            for _ in 0..off {
                let x = self.patch_x_um[p] + unit_f64(rng.next_u64()) as f32 * self.grid.cell_um;
                let y = self.patch_y_um[p] + unit_f64(rng.next_u64()) as f32 * self.grid.cell_um;
                let z = unit_f64(rng.next_u64()) as f32 * self.height_um;
                molecules.push(x, y, z);
            }
            if self.bound[p] == 0 && self.cycling[p] == 0 {
                self.is_active[p] = false;
                self.active.swap_remove(k);
            } else {
                k += 1;
            }
        }
    }

    /// Hash input: per-patch counts.
    pub fn hash_into(&self, h: &mut impl std::hash::Hasher) {
        for p in &self.active {
            h.write_u32(*p);
            h.write_u16(self.bound[*p as usize]);
            h.write_u16(self.cycling[*p as usize]);
        }
        h.write_u64(self.taken_up);
    }
}
