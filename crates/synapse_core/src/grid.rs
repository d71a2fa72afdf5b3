//! A square grid over the slab's (x, y) plane: which cell a point falls in.
//! Receptor binding columns and transporter patches are both looked up
//! through it, once per molecule per step, so the lookup avoids `floor`
//! (a libm call on baseline x86-64).

#[derive(Clone, Debug, PartialEq)]
pub struct SquareGrid {
    /// Lower-left corner of cell (0, 0), µm (both axes).
    pub origin_um: f32,
    pub cell_um: f32,
    /// Cells per side.
    pub side: usize,
}

impl SquareGrid {
    /// A grid of `cell_um` cells covering [−half_extent, half_extent]² at least.
    pub fn covering(half_extent_um: f32, cell_um: f32) -> Self {
        let side = ((2.0 * half_extent_um / cell_um).ceil() as usize).max(1);
        Self { origin_um: -(side as f32) * cell_um / 2.0, cell_um, side }
    }

    pub fn cells(&self) -> usize {
        self.side * self.side
    }

    /// Column and row of the cell holding (x, y), if inside.
    #[inline(always)]
    pub fn cell_xy(&self, x: f32, y: f32) -> Option<(usize, usize)> {
        let (fi, fj) = ((x - self.origin_um) / self.cell_um, (y - self.origin_um) / self.cell_um);
        if fi < 0.0 || fj < 0.0 {
            return None;
        }
        // Truncation equals floor for the non-negative values kept here.
        let (i, j) = (fi as usize, fj as usize);
        (i < self.side && j < self.side).then_some((i, j))
    }

    /// Flat index of the cell holding (x, y), if inside.
    #[inline(always)]
    pub fn cell(&self, x: f32, y: f32) -> Option<usize> {
        self.cell_xy(x, y).map(|(i, j)| j * self.side + i)
    }

    /// Lower-left corner of cell (i, j).
    pub fn corner(&self, i: usize, j: usize) -> (f32, f32) {
        (self.origin_um + i as f32 * self.cell_um, self.origin_um + j as f32 * self.cell_um)
    }

    /// Column or row range of cells overlapping [lo, hi] on one axis (clamped).
    pub fn span(&self, lo: f32, hi: f32) -> std::ops::RangeInclusive<usize> {
        let idx = |v: f32| (((v - self.origin_um) / self.cell_um).max(0.0) as usize).min(self.side - 1);
        idx(lo)..=idx(hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_map_to_their_cells() {
        let g = SquareGrid::covering(0.1, 0.02);
        assert_eq!(g.side, 10);
        assert_eq!(g.cell(-0.099, -0.099), Some(0));
        assert_eq!(g.cell(-0.0001, -0.099), Some(4));
        assert_eq!(g.cell(0.0001, 0.0001), Some(5 * 10 + 5));
        assert_eq!(g.cell(0.1001, 0.0), None);
        assert_eq!(g.cell(-0.1001, 0.0), None);
        assert_eq!(g.corner(5, 5), (0.0, 0.0));
        assert_eq!(g.span(-0.005, 0.005), 4..=5);
    }
}
