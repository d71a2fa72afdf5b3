//! Receptors as individual channels on the membranes bounding the cleft,
//! each with its own Markov state, bound and unbound by the glutamate
//! molecules around it.
//!
//! Binding rule (local concentration, exact mass action): each receptor
//! samples a column of cleft of radius `binding_column_radius_nm` spanning
//! the cleft height (vertical mixing across 20 nm takes ~0.6 µs, under one
//! step). One molecule in that column stands for c₁ = 1/(N_A·V_column) of
//! glutamate, so a receptor in a state with binding rate k_b (mM⁻¹ms⁻¹)
//! catches each molecule in its column with probability 1 − e^(−k_b·c₁·dt)
//! per step; unbinding puts the molecule back at a uniformly random place in
//! the column. Because placement on release is uniform over the same volume
//! that binding samples, detailed balance gives the mass-action equilibrium
//! θ = c/(c + K_D) at any dt; `tests/statistics.rs` checks this at two dt values.
use crate::math;

pub mod ampa;
pub mod kainate;
pub mod mglur;
pub mod nmda;
pub mod scheme;

use crate::grid::SquareGrid;
use crate::molecules::Molecules;
use crate::rng::{Stream, unit_f64};
use rand::Rng;
use scheme::{RateMods, Scheme, StepTable};

/// The receptor types, in drawing and recording order (also the names drug
/// files use for their targets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ReceptorKind {
    Ampa,
    Nmda2A,
    Nmda2B,
    Kainate,
    MgluGroup1,
    MgluGroup2,
}

impl ReceptorKind {
    pub const ALL: [ReceptorKind; 6] = [Self::Ampa, Self::Nmda2A, Self::Nmda2B, Self::Kainate, Self::MgluGroup1, Self::MgluGroup2];

    pub fn label(self) -> &'static str {
        match self {
            Self::Ampa => "AMPA",
            Self::Nmda2A => "NMDA (GluN2A)",
            Self::Nmda2B => "NMDA (GluN2B)",
            Self::Kainate => "kainate",
            Self::MgluGroup1 => "mGlu1/5",
            Self::MgluGroup2 => "mGlu2/3",
        }
    }

    pub fn scheme(self) -> Scheme {
        match self {
            Self::Ampa => ampa::scheme(),
            Self::Nmda2A => nmda::scheme(nmda::Subunit::GluN2A),
            Self::Nmda2B => nmda::scheme(nmda::Subunit::GluN2B),
            Self::Kainate => kainate::scheme(),
            Self::MgluGroup1 => mglur::scheme(mglur::Group::I),
            Self::MgluGroup2 => mglur::scheme(mglur::Group::II),
        }
    }

    /// Presynaptic receptors sit on the top membrane of the cleft.
    pub fn presynaptic(self) -> bool {
        self == Self::MgluGroup2
    }

    /// Channels with a pore that open-channel blockers enter.
    pub fn blockable(self) -> bool {
        matches!(self, Self::Nmda2A | Self::Nmda2B)
    }
}

/// A receptor type's scheme, rate modifiers and current step tables.
#[derive(Clone, Debug)]
pub struct ReceptorType {
    pub kind: ReceptorKind,
    pub scheme: Scheme,
    pub mods: RateMods,
    pub table: StepTable,
}

/// Every receptor, struct-of-arrays.
#[derive(Clone, Debug)]
pub struct Receptors {
    pub types: Vec<ReceptorType>,
    /// Index into `types`.
    pub kind: Vec<u8>,
    pub x_um: Vec<f32>,
    pub y_um: Vec<f32>,
    pub state: Vec<u8>,
    /// Whether a receptor already changed state this step (one move per step).
    moved: Vec<bool>,
    /// Open-channel blocker in each receptor's pore: 0 none, b + 1 for `blockers[b]`.
    pub blocked: Vec<u8>,
    /// Per-step probabilities of the open-channel blockers present.
    pub blockers: Vec<BlockerStep>,
    grid: ColumnGrid,
    column_r_um: f32,
    height_um: f32,
    dt_ms: f64,
    c1_mm: f64,
}

/// Which receptor columns overlap each square cell of a grid over the PSD.
#[derive(Clone, Debug)]
struct ColumnGrid {
    grid: SquareGrid,
    start: Vec<u32>,
    items: Vec<u16>,
}

impl ColumnGrid {
    fn build(xs: &[f32], ys: &[f32], r_um: f32, half_extent_um: f32) -> Self {
        let grid = SquareGrid::covering(half_extent_um, 2.0 * r_um);
        let mut lists = vec![Vec::new(); grid.cells()];
        for (k, (&x, &y)) in xs.iter().zip(ys).enumerate() {
            for j in grid.span(y - r_um, y + r_um) {
                for i in grid.span(x - r_um, x + r_um) {
                    lists[j * grid.side + i].push(k as u16);
                }
            }
        }
        let mut start = Vec::with_capacity(grid.cells() + 1);
        let mut items = Vec::new();
        start.push(0);
        for l in lists {
            items.extend(l);
            start.push(items.len() as u32);
        }
        Self { grid, start, items }
    }

    #[inline]
    fn candidates(&self, x: f32, y: f32) -> &[u16] {
        match self.grid.cell(x, y) {
            Some(c) => &self.items[self.start[c] as usize..self.start[c + 1] as usize],
            None => &[],
        }
    }
}

/// Where to put receptors of one type.
pub struct Placement {
    pub kind: ReceptorKind,
    pub count: u32,
    /// Annulus (inner, outer radius, µm) in which they are placed.
    pub r_min_um: f64,
    pub r_max_um: f64,
}

/// Receptors closer than this are re-drawn: a receptor is ~10–15 nm across
/// (assumption from GluA2 structures), so centres keep 12 nm apart.
pub const MIN_SPACING_UM: f64 = 0.012;

impl Receptors {
    /// Place receptors uniformly at random in their annuli (seeded), keeping
    /// `MIN_SPACING_UM` between centres.
    pub fn place(placements: &[Placement], column_r_um: f64, height_um: f64, dt_ms: f64, rng: &mut Stream) -> Self {
        let mut kind = Vec::new();
        let mut xs: Vec<f32> = Vec::new();
        let mut ys: Vec<f32> = Vec::new();
        let mut types = Vec::new();
        let mut extent: f64 = 0.0;
        for p in placements {
            let ti = types.len() as u8;
            let scheme = p.kind.scheme();
            types.push(ReceptorType { kind: p.kind, scheme, mods: RateMods::default(), table: StepTable::default() });
            extent = extent.max(p.r_max_um);
            for _ in 0..p.count {
                let mut tries = 0;
                loop {
                    // Uniform in an annulus: r = sqrt(U·(R² − r²) + r²).
                    let r = (unit_f64(rng.next_u64()) * (math::powi(p.r_max_um, 2) - math::powi(p.r_min_um, 2)) + math::powi(p.r_min_um, 2)).sqrt();
                    let a = unit_f64(rng.next_u64()) * std::f64::consts::TAU;
                    let (x, y) = ((r * math::cos(a)) as f32, (r * math::sin(a)) as f32);
                    let clear = xs.iter().zip(&ys).all(|(&u, &v)| (math::sq32(u - x) + math::sq32(v - y)) as f64 >= math::powi(MIN_SPACING_UM, 2));
                    tries += 1;
                    if clear || tries > 2000 {
                        xs.push(x);
                        ys.push(y);
                        kind.push(ti);
                        break;
                    }
                }
            }
        }
        let n = kind.len();
        let column_area = std::f64::consts::PI * column_r_um * column_r_um;
        let c1_mm = crate::units::molecules_to_mm(1.0, column_area * height_um);
        let grid = ColumnGrid::build(&xs, &ys, column_r_um as f32, (extent + column_r_um) as f32);
        let mut me = Self {
            types,
            kind,
            x_um: xs,
            y_um: ys,
            state: vec![0; n],
            moved: vec![false; n],
            blocked: vec![0; n],
            blockers: Vec::new(),
            grid,
            column_r_um: column_r_um as f32,
            height_um: height_um as f32,
            dt_ms,
            c1_mm,
        };
        me.rebuild_tables();
        me
    }

    /// A bath patch of `n` receptors of one kind for dose–response
    /// simulations: each receptor sees glutamate at `glu_mm` throughout (its
    /// binding column always "holds one molecule" worth `glu_mm`).
    pub fn patch(kind: ReceptorKind, n: u32, dt_ms: f64, glu_mm: f64, rng: &mut Stream) -> Self {
        let mut r = Self::place(&[Placement { kind, count: n, r_min_um: 0.0, r_max_um: 10.0 }], 0.01, 0.02, dt_ms, rng);
        r.c1_mm = glu_mm;
        r.rebuild_tables();
        r
    }

    /// Bath binding for a `patch`: every receptor may bind once per step.
    pub fn bind_from_bath(&mut self, rng: &mut Stream) {
        for k in 0..self.len() {
            if !self.moved[k] {
                self.bind_one(k, rng);
            }
        }
    }

    /// Recompute the per-step tables after a change of rate modifiers.
    pub fn rebuild_tables(&mut self) {
        for t in &mut self.types {
            t.table = StepTable::build(&t.scheme, &t.mods, self.dt_ms, self.c1_mm);
        }
    }

    /// Set the rate modifiers of one receptor kind (no-op if absent).
    pub fn set_mods(&mut self, kind: ReceptorKind, mods: RateMods) {
        if let Some(t) = self.types.iter_mut().find(|t| t.kind == kind)
            && t.mods != mods
        {
            t.mods = mods;
            t.table = StepTable::build(&t.scheme, &t.mods, self.dt_ms, self.c1_mm);
        }
    }

    pub fn len(&self) -> usize {
        self.kind.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }

    /// Concentration one molecule in a binding column stands for (mM).
    pub fn column_molecule_mm(&self) -> f64 {
        self.c1_mm
    }

    pub fn begin_step(&mut self) {
        self.moved.iter_mut().for_each(|m| *m = false);
    }

    /// A free molecule at (x, y) meets the receptors whose columns hold it;
    /// returns true if one of them bound it. Draws come from `rng`.
    #[inline]
    pub fn try_bind(&mut self, x: f32, y: f32, rng: &mut Stream) -> bool {
        let r2 = self.column_r_um * self.column_r_um;
        let grid = &self.grid;
        for &k in grid.candidates(x, y) {
            let k = k as usize;
            if self.moved[k] {
                continue;
            }
            let dx = self.x_um[k] - x;
            let dy = self.y_um[k] - y;
            if dx * dx + dy * dy >= r2 {
                continue;
            }
            if bind_one(&self.types, &self.kind, &mut self.state, &mut self.moved, k, rng) {
                return true;
            }
        }
        false
    }

    /// Receptor `k` (if it has not moved this step) binds one of `m`
    /// molecules that each could bind it with the state's per-step
    /// probability p: one draw against 1 − (1 − p)^m (the dendrite's
    /// extrasynaptic receptors, which sample a voxel's count).
    pub fn try_bind_among(&mut self, k: usize, m: u64, rng: &mut Stream) -> bool {
        if m == 0 || self.moved[k] {
            return false;
        }
        let Some((thr, to)) = self.types[self.kind[k] as usize].table.bind[self.state[k] as usize] else { return false };
        let p1 = thr as f64 / 18_446_744_073_709_551_616.0;
        let p = if m == 1 { p1 } else { 1.0 - crate::math::powf(1.0 - p1, m as f64) };
        if rng.next_u64() < crate::rng::threshold(p) {
            self.state[k] = to;
            self.moved[k] = true;
            return true;
        }
        false
    }

    /// Set the concentration one molecule in a binding column stands for.
    pub fn set_column_molecule_mm(&mut self, c1_mm: f64) {
        self.c1_mm = c1_mm;
        self.rebuild_tables();
    }

    /// Receptor `k` binds one glutamate with its state's per-step probability.
    #[inline]
    fn bind_one(&mut self, k: usize, rng: &mut Stream) -> bool {
        bind_one(&self.types, &self.kind, &mut self.state, &mut self.moved, k, rng)
    }

    /// First-order transitions of every receptor that has not moved this
    /// step; a receptor that loses a glutamate puts it back in its column.
    pub fn step_unimolecular(&mut self, rng: &mut Stream, molecules: &mut Molecules) {
        let (column_r_um, height_um) = (self.column_r_um, self.height_um);
        self.step_unimolecular_with(rng, |_, (x_um, y_um), lost, rng| {
            for _ in 0..lost {
                // Uniform in the column: disc by rejection, height uniform.
                let (dx, dy) = loop {
                    let a = (unit_f64(rng.next_u64()) * 2.0 - 1.0) as f32;
                    let b = (unit_f64(rng.next_u64()) * 2.0 - 1.0) as f32;
                    if a * a + b * b < 1.0 {
                        break (a * column_r_um, b * column_r_um);
                    }
                };
                let z = unit_f64(rng.next_u64()) as f32 * height_um;
                molecules.push(x_um + dx, y_um + dy, z);
            }
        });
    }

    /// First-order transitions, handing each receptor's lost glutamate
    /// (the receptor, its column's centre, how many) to `release`, which may draw from
    /// the same stream (the dendrite's shared space puts them in a voxel).
    pub fn step_unimolecular_with(&mut self, rng: &mut Stream, mut release: impl FnMut(usize, (f32, f32), u32, &mut Stream)) {
        for k in 0..self.len() {
            if self.moved[k] {
                continue;
            }
            let ty = &self.types[self.kind[k] as usize];
            let s = self.state[k];
            if ty.table.exits[s as usize].is_empty() {
                continue;
            }
            if let Some(to) = ty.table.exit(s, rng.next_u64()) {
                let lost = ty.scheme.states[s as usize].glu_bound as i32 - ty.scheme.states[to as usize].glu_bound as i32;
                let deactivated = ty.scheme.states[to as usize].glu_bound == 0;
                self.state[k] = to;
                self.moved[k] = true;
                // A blocker stays trapped in a closed channel; when the
                // channel deactivates (its last glutamate leaves, as after
                // washout) the escaping fraction loses it (memantine ~20%).
                if deactivated && self.blocked[k] != 0 && rng.next_u64() < self.blockers.get(self.blocked[k] as usize - 1).map_or(0, |b| b.escape) {
                    self.blocked[k] = 0;
                }
                if lost > 0 {
                    release(k, (self.x_um[k], self.y_um[k]), lost as u32, rng);
                }
            }
        }
    }

    /// Open-channel block: blockers enter and leave only open channels.
    /// Called once a step after the gating transitions.
    pub fn step_blockers(&mut self, rng: &mut Stream) {
        if self.blockers.is_empty() && self.blocked.iter().all(|&b| b == 0) {
            return;
        }
        for k in 0..self.len() {
            let ty = &self.types[self.kind[k] as usize];
            if !ty.scheme.states[self.state[k] as usize].open || !ty.kind.blockable() {
                continue;
            }
            match self.blocked[k] {
                0 => {
                    for (b, bl) in self.blockers.iter().enumerate() {
                        if rng.next_u64() < bl.on {
                            self.blocked[k] = b as u8 + 1;
                            break;
                        }
                    }
                }
                b => {
                    let off = self.blockers.get(b as usize - 1).map(|bl| bl.off).unwrap_or(u64::MAX);
                    if rng.next_u64() < off {
                        self.blocked[k] = 0;
                    }
                }
            }
        }
    }

    /// Glutamate molecules held by all receptors.
    pub fn bound_glutamate(&self) -> u64 {
        (0..self.len()).map(|k| self.types[self.kind[k] as usize].scheme.states[self.state[k] as usize].glu_bound as u64).sum()
    }

    /// Counts of (total, open, desensitised, any glutamate bound) for one kind.
    pub fn counts(&self, kind: ReceptorKind) -> KindCounts {
        self.counts_all()[kind as usize]
    }

    /// Counts for every kind in one pass, indexed by `ReceptorKind as usize`.
    pub fn counts_all(&self) -> [KindCounts; 6] {
        let mut out = [KindCounts::default(); 6];
        for k in 0..self.len() {
            let ty = &self.types[self.kind[k] as usize];
            let s = &ty.scheme.states[self.state[k] as usize];
            let c = &mut out[ty.kind as usize];
            c.total += 1;
            // Open counts conducting channels: a blocked pore passes no current.
            c.open += (s.open && self.blocked[k] == 0) as u32;
            c.blocked += (self.blocked[k] != 0) as u32;
            c.desensitized += s.desensitized as u32;
            c.bound += (s.glu_bound > 0) as u32;
        }
        out
    }

    /// Hash input: every receptor's state.
    pub fn states(&self) -> &[u8] {
        &self.state
    }
}

/// Receptor `k` binds one glutamate with its state's per-step probability
/// (fields passed apart so callers can hold the column grid meanwhile).
#[inline]
fn bind_one(types: &[ReceptorType], kind: &[u8], state: &mut [u8], moved: &mut [bool], k: usize, rng: &mut Stream) -> bool {
    match types[kind[k] as usize].table.bind[state[k] as usize] {
        Some((thr, to)) if rng.next_u64() < thr => {
            state[k] = to;
            moved[k] = true;
            true
        }
        _ => false,
    }
}

/// One open-channel blocker's per-step probabilities (thresholds against a
/// u64 draw) at the current voltage and concentration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockerStep {
    /// An open, unblocked channel is blocked this step.
    pub on: u64,
    /// A blocked open channel is freed this step.
    pub off: u64,
    /// A blocked channel that closes loses the blocker.
    pub escape: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindCounts {
    pub total: u32,
    /// Open and not blocked: conducting.
    pub open: u32,
    /// Holding an open-channel blocker (open or trapped in a closed channel).
    pub blocked: u32,
    pub desensitized: u32,
    pub bound: u32,
}

impl KindCounts {
    pub fn open_fraction(&self) -> f64 {
        if self.total == 0 { 0.0 } else { self.open as f64 / self.total as f64 }
    }
}
